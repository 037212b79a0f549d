#pragma once
// Tools from outside the notebook (MCP servers), as the AI runtime sees them: a list of specs
// and a way to call one. Every one of them needs a person's approval before it runs.

#include "runt/ai/chat.hpp"

#include <string>
#include <vector>

namespace runt::assistant {

class ExternalTools {
 public:
  virtual ~ExternalTools() = default;
  virtual std::vector<ai::ToolSpec> specs() = 0;
  virtual bool has(const std::string& name) = 0;
  // The result text; throws std::exception with a message the model reads.
  virtual std::string call(const std::string& name, const std::string& arguments_json) = 0;
};

}  // namespace runt::assistant
