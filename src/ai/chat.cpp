#include "runt/ai/chat.hpp"

namespace runt::ai {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::system: return "system";
    case Role::user: return "user";
    case Role::assistant: return "assistant";
    case Role::tool: return "tool";
  }
  return "user";
}

nlohmann::json to_json(const ModelInfo& model) {
  nlohmann::json out = {{"name", model.name}, {"displayName", model.display_name}, {"provider", model.provider},
                        {"capabilities", model.capabilities}};
  if (model.parameter_size) out["metadata"] = {{"parameterSize", *model.parameter_size}};
  return out;
}

}  // namespace runt::ai
