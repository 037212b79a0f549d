#include "runt/agent/kernel_outputs.hpp"

namespace runt::agent {

schema::Representations representations_of(const kernel::Json& data, const kernel::Json& metadata) {
  schema::Representations out;
  if (!data.is_object()) return out;
  for (const auto& [mime, value] : data.items()) {
    schema::InlineMedia media{schema::Json(value), std::nullopt};
    if (metadata.is_object())
      if (const auto m = metadata.find(mime); m != metadata.end() && m->is_object()) media.metadata = schema::Object{schema::Json(*m)};
    out.emplace_back(mime, std::move(media));
  }
  return out;
}

namespace {

std::optional<std::string> display_id_of(const kernel::Json& content) {
  const auto t = content.find("transient");
  if (t == content.end() || !t->is_object()) return std::nullopt;
  const auto id = t->find("display_id");
  if (id == t->end() || !id->is_string()) return std::nullopt;
  return id->get<std::string>();
}

schema::Representations bundle_of(const kernel::Json& content) {
  return representations_of(content.value("data", kernel::Json::object()), content.value("metadata", kernel::Json::object()));
}

}  // namespace

void KernelOutputs::take(kernel::Channel channel, const kernel::Message& m) {
  const std::string type = m.msg_type();
  if (channel == kernel::Channel::shell && type == "execute_reply") {
    replied_ = true;
    const std::string status = m.content.value("status", "");
    if (status == "error")
      outcome_ = Outcome{false, m.content.value("ename", "Error") + ": " + m.content.value("evalue", "")};
    else if (status == "aborted")
      outcome_ = Outcome{false, "aborted"};
    return;
  }
  if (channel != kernel::Channel::iopub) return;
  if (type == "status") {
    idle_ = idle_ || m.content.value("execution_state", "") == "idle";
    return;
  }
  if (type == "stream") {
    const auto name = m.content.value("name", "stdout") == "stderr" ? schema::StreamName::stderr_ : schema::StreamName::stdout_;
    if (!text_.empty() && stream_ != name) flush();
    if (text_.empty()) since_ = Clock::now();
    stream_ = name;
    text_ += m.content.value("text", "");
    return;
  }
  if (type != "display_data" && type != "update_display_data" && type != "execute_result" && type != "error" && type != "clear_output")
    return;  // execute_input, comm messages...: nothing to show
  flush();  // outputs keep their order
  if (type == "display_data") {
    context_.display(bundle_of(m.content), display_id_of(m.content));
  } else if (type == "update_display_data") {
    if (const auto id = display_id_of(m.content)) context_.update_display(*id, bundle_of(m.content));
  } else if (type == "execute_result") {
    context_.result(bundle_of(m.content), display_id_of(m.content));
  } else if (type == "error") {
    std::vector<std::string> traceback;
    for (const auto& line : m.content.value("traceback", kernel::Json::array()))
      if (line.is_string()) traceback.push_back(line.get<std::string>());
    context_.error(m.content.value("ename", ""), m.content.value("evalue", ""), traceback);
  } else {
    context_.clear(m.content.value("wait", false) ? ClearTiming::before_next_output : ClearTiming::now);
  }
}

std::optional<KernelOutputs::Clock::time_point> KernelOutputs::flush_due() const {
  if (text_.empty()) return std::nullopt;
  return since_ + coalesce_;
}

void KernelOutputs::flush() {
  if (text_.empty()) return;
  stream_ == schema::StreamName::stderr_ ? context_.stderr_text(text_) : context_.stdout_text(text_);
  text_.clear();
}

}  // namespace runt::agent
