#include "runt/agent/runtime_label.hpp"

#include <algorithm>
#include <cctype>

namespace runt::agent {

namespace {

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string anode_runtime_type(std::string_view kernel_name, std::string_view language) {
  const bool python = language.empty() ? lowercase(kernel_name).starts_with("python") : lowercase(language) == "python";
  return python ? "python" : std::string(kernel_name);
}

std::string runtime_actor_id(const std::string& runtime_id) { return "runtime-" + runtime_id; }

schema::events::ActorProfileSet runtime_actor_profile(const std::string& runtime_id, const std::string& kernel_display_name) {
  return {runtime_actor_id(runtime_id), schema::ActorType::runtime_agent, kernel_display_name, std::nullopt};
}

}  // namespace runt::agent
