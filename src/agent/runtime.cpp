#include "runt/agent/runtime.hpp"

namespace runt::agent {

namespace events = schema::events;

ExecutionContext::ExecutionContext(std::string cell_id, std::string source, std::string queue_id, std::int64_t execution_count,
                                   std::string runtime_id, Commit commit, NewId new_id)
    : cell_id_(std::move(cell_id)),
      source_(std::move(source)),
      queue_id_(std::move(queue_id)),
      execution_count_(execution_count),
      cleared_by_("runtime-" + runtime_id),
      commit_(std::move(commit)),
      new_id_(std::move(new_id)) {}

std::string ExecutionContext::terminal_output(const std::string& text, schema::StreamName stream) {
  const std::string id = new_id_();
  commit_(events::TerminalOutputAdded{id, cell_id_, next_position(), schema::InlineMedia{schema::Json(text), std::nullopt}, stream});
  return id;
}

void ExecutionContext::terminal(const std::string& text, schema::StreamName stream) {
  if (text.empty()) return;
  terminal_output(text, stream);
}

void ExecutionContext::display(schema::Representations representations, std::optional<std::string> display_id) {
  commit_(events::MultimediaDisplayOutputAdded{new_id_(), cell_id_, next_position(), std::move(representations), std::move(display_id)});
}

void ExecutionContext::update_display(const std::string& display_id, schema::Representations representations) {
  commit_(events::MultimediaDisplayOutputUpdated{display_id, std::move(representations)});
}

void ExecutionContext::result(schema::Representations representations) {
  commit_(events::MultimediaResultOutputAdded{new_id_(), cell_id_, next_position(), std::move(representations), execution_count_});
}

void ExecutionContext::error(const std::string& ename, const std::string& evalue, const std::vector<std::string>& traceback) {
  commit_(events::ErrorOutputAdded{new_id_(), cell_id_, next_position(),
                                   schema::InlineMedia{schema::Json{{"ename", ename}, {"evalue", evalue}, {"traceback", traceback}},
                                                       std::nullopt}});
}

std::string ExecutionContext::markdown(const std::string& text) {
  const std::string id = new_id_();
  commit_(events::MarkdownOutputAdded{id, cell_id_, next_position(), schema::InlineMedia{schema::Json(text), std::nullopt}});
  return id;
}

void ExecutionContext::append_markdown(const std::string& output_id, const std::string& delta, std::int64_t sequence_number) {
  commit_(events::MarkdownOutputAppendedV2{new_id_(), output_id, delta, sequence_number});
}

void ExecutionContext::append_terminal(const std::string& output_id, const std::string& delta, std::int64_t sequence_number) {
  commit_(events::TerminalOutputAppendedV2{new_id_(), output_id, delta, sequence_number});
}

void ExecutionContext::clear(bool wait) {
  commit_(events::CellOutputsCleared{cell_id_, wait, cleared_by_});
  if (!wait) position_ = 0;
}

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
    context.result({{"text/plain", schema::InlineMedia{schema::Json(context.source()), std::nullopt}}});
    return {};
  }
};

}  // namespace

std::unique_ptr<Runtime> make_echo_runtime() { return std::make_unique<EchoRuntime>(); }

}  // namespace runt::agent
