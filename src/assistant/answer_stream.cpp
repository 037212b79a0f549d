#include "runt/assistant/answer_stream.hpp"

namespace runt::assistant {

void AnswerStream::text(int iteration, std::string_view piece) {
  if (piece.empty()) return;
  if (iteration != iteration_) {
    flush();
    iteration_ = iteration;
    output_id_.clear();
  }
  if (output_id_.empty()) {
    schema::Json anode = {{"role", "assistant"}, {"ai_provider", labels_.provider}, {"ai_model", labels_.model}, {"iteration", iteration}};
    output_id_ = context_.markdown(std::string(piece), schema::Object{schema::Json{{"anode", std::move(anode)}}});
    sequence_ = 0;
    ++events_;
    last_flush_ = Clock::now();
    return;
  }
  pending_ += piece;
  tick();
}

void AnswerStream::tick() {
  if (!pending_.empty() && Clock::now() - last_flush_ >= window_) flush();
}

void AnswerStream::flush() {
  if (pending_.empty() || output_id_.empty()) return;
  context_.append_markdown(output_id_, pending_, sequence_++);
  ++events_;
  pending_.clear();
  last_flush_ = Clock::now();
}

}  // namespace runt::assistant
