#include "runt/agent/runtime.hpp"

namespace runt::agent {

void RuntimeRegistry::add(std::string name, Factory factory) { factories_.emplace_back(std::move(name), std::move(factory)); }

std::unique_ptr<Runtime> RuntimeRegistry::make(const std::string& name) const {
  for (const auto& [n, f] : factories_)
    if (n == name) return f();
  return nullptr;
}

std::vector<std::string> RuntimeRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [n, f] : factories_) out.push_back(n);
  return out;
}

namespace {

class EchoRuntime final : public Runtime {
 public:
  schema::RuntimeCapabilities capabilities() const override { return {true, false, false, std::nullopt}; }
  Outcome execute(ExecutionContext& context) override {
    context.result({{"text/plain", schema::InlineMedia{schema::Json(context.execution().source), std::nullopt}}});
    return {};
  }
};

}  // namespace

std::unique_ptr<Runtime> make_echo_runtime() { return std::make_unique<EchoRuntime>(); }

}  // namespace runt::agent
