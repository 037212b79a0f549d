#include "runt/agent/execution_context.hpp"

#include "runt/base/base64.hpp"

#include "runt/agent/runtime_label.hpp"

#include <openssl/evp.h>

#include <cctype>

namespace runt::agent {

namespace events = schema::events;

ExecutionContext::ExecutionContext(Execution execution, std::string runtime_id, Commit commit, NewId new_id, Artifacts artifacts,
                                   std::shared_ptr<ResultDisplays> displays)
    : execution_(std::move(execution)),
      cleared_by_(runtime_actor_id(runtime_id)),
      commit_(std::move(commit)),
      new_id_(std::move(new_id)),
      artifacts_(std::move(artifacts)),
      displays_(displays ? std::move(displays) : std::make_shared<ResultDisplays>()) {}

namespace {

constexpr std::size_t kLargeInline = 1u << 20;  // bytes of one inline value before it goes to the artifact store

std::string underscored(const std::string& text) {
  std::string out = text;
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return out;
}

bool has(const schema::Representations& reps, const std::string& mime) {
  for (const auto& [m, r] : reps)
    if (m == mime) return true;
  return false;
}

}  // namespace

schema::Representations ExecutionContext::with_artifacts(schema::Representations representations) {
  if (!artifacts_.upload) return representations;
  std::vector<std::pair<std::string, std::string>> uploaded;  // mime, artifact id
  for (auto& [mime, media] : representations) {
    auto* in = std::get_if<schema::InlineMedia>(&media);
    if (!in || !in->data || !in->data->is_string()) continue;
    const std::string& value = in->data->get_ref<const std::string&>();
    // What is stored: a PNG's decoded bytes above the image threshold, or any value too big
    // for a notebook event as it is.
    std::optional<std::string> bytes;
    if (mime == "image/png") {
      bytes = base::decode_base64(value);
      if (bytes && bytes->size() <= artifacts_.image_threshold_bytes) bytes.reset();
    } else if (value.size() > kLargeInline) {
      bytes = value;
    }
    if (!bytes) continue;
    const auto id = artifacts_.upload(*bytes, mime);
    if (!id) continue;  // stays inline
    schema::Object metadata = in->metadata.value_or(schema::Object{});
    metadata.value["originalSizeBytes"] = bytes->size();
    metadata.value["uploadedAt"] = artifacts_.now_iso ? artifacts_.now_iso() : "";
    media = schema::ArtifactMedia{*id, metadata};
    uploaded.emplace_back(mime, *id);
  }
  // Text fallbacks, added after the loop: the vector must not grow while it is iterated.
  for (const auto& [mime, id] : uploaded) {
    const schema::Object generated{schema::Json{{"generatedFor", mime}}};
    const std::string url = artifacts_.url ? artifacts_.url(id) : id;
    if (!has(representations, "text/plain"))
      representations.emplace_back("text/plain", schema::InlineMedia{schema::Json(mime + " artifact: " + url), generated});
    if (mime.rfind("image/", 0) == 0 && !has(representations, "text/markdown"))
      representations.emplace_back("text/markdown", schema::InlineMedia{schema::Json("![Artifact_" + underscored(id) + underscored(mime) + "](" + url + ")"),
                                                                        generated});
  }
  return representations;
}

void ExecutionContext::add(schema::Event event) {
  displays_->output_added(execution_.cell_id);
  commit_(std::move(event));
}

void ExecutionContext::update_results(const std::string& display_id, const schema::Representations& representations) {
  // The same id, cell, position and count: insert-replace puts the new content in its place.
  for (const auto& r : displays_->updatable(display_id))
    commit_(events::MultimediaResultOutputAdded{r.output_id, r.cell_id, r.position, representations, r.execution_count});
}

std::string ExecutionContext::terminal_output(const std::string& text, schema::StreamName stream) {
  const std::string id = new_id_();
  add(events::TerminalOutputAdded{id, execution_.cell_id, next_position(), schema::InlineMedia{schema::Json(text), std::nullopt}, stream});
  return id;
}

void ExecutionContext::terminal(const std::string& text, schema::StreamName stream) {
  // Consecutive terminal outputs read as one; pieces keep each event far below the sync limits.
  constexpr std::size_t kPiece = 1u << 20;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t end = std::min(text.size(), at + kPiece);
    while (end < text.size() && end > at + 1 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;  // whole UTF-8 characters
    terminal_output(text.substr(at, end - at), stream);
    at = end;
  }
}

void ExecutionContext::display(schema::Representations representations, std::optional<std::string> display_id) {
  representations = with_artifacts(std::move(representations));
  // The event itself updates the display rows with that id.
  add(events::MultimediaDisplayOutputAdded{new_id_(), execution_.cell_id, next_position(), representations, display_id});
  if (display_id && !display_id->empty()) update_results(*display_id, representations);
}

void ExecutionContext::update_display(const std::string& display_id, schema::Representations representations) {
  representations = with_artifacts(std::move(representations));
  commit_(events::MultimediaDisplayOutputUpdated{display_id, representations});
  update_results(display_id, representations);
}

void ExecutionContext::result(schema::Representations representations, std::optional<std::string> display_id) {
  representations = with_artifacts(std::move(representations));
  const bool has_id = display_id && !display_id->empty();
  // Earlier outputs with the id first, so this result is not updated with its own content.
  if (has_id) {
    commit_(events::MultimediaDisplayOutputUpdated{*display_id, representations});
    update_results(*display_id, representations);
  }
  const std::string id = new_id_();
  const double position = next_position();
  add(events::MultimediaResultOutputAdded{id, execution_.cell_id, position, std::move(representations), execution_.execution_count});
  if (has_id) displays_->remember(*display_id, {id, execution_.cell_id, position, execution_.execution_count});
}

void ExecutionContext::error(const std::string& ename, const std::string& evalue, const std::vector<std::string>& traceback) {
  add(events::ErrorOutputAdded{new_id_(), execution_.cell_id, next_position(),
                                   schema::InlineMedia{schema::Json{{"ename", ename}, {"evalue", evalue}, {"traceback", traceback}},
                                                       std::nullopt}});
}

std::string ExecutionContext::markdown(const std::string& text, std::optional<schema::Object> metadata) {
  const std::string id = new_id_();
  add(events::MarkdownOutputAdded{id, execution_.cell_id, next_position(), schema::InlineMedia{schema::Json(text), std::move(metadata)}});
  return id;
}

void ExecutionContext::append_markdown(const std::string& output_id, const std::string& delta, std::int64_t sequence_number) {
  commit_(events::MarkdownOutputAppendedV2{new_id_(), output_id, delta, sequence_number});
}

void ExecutionContext::append_terminal(const std::string& output_id, const std::string& delta, std::int64_t sequence_number) {
  commit_(events::TerminalOutputAppendedV2{new_id_(), output_id, delta, sequence_number});
}

void ExecutionContext::clear(ClearTiming timing) {
  commit_(events::CellOutputsCleared{execution_.cell_id, timing == ClearTiming::before_next_output, cleared_by_});
  if (timing == ClearTiming::now) {
    displays_->cell_cleared(execution_.cell_id);
    position_ = 0;
  } else {
    displays_->clear_pending(execution_.cell_id);
  }
}

}  // namespace runt::agent
