#include "runt/notebook/local_notebook.hpp"

#include "runt/schema/codec.hpp"
#include "runt/schema/materialize.hpp"

namespace runt::notebook {

std::int64_t LocalNotebook::commit(const schema::Event& event) {
  auto args = schema::encode_args_text(event);  // throws for an event that cannot be encoded: nothing changes
  const std::int64_t seq = static_cast<std::int64_t>(log_.size()) + 1;
  log_.push_back(protocol::WireEvent{std::string(schema::event_name(event)), std::move(args), seq, seq - 1, client_id_, client_id_});
  Change change;
  change.committed = seq;
  // The log is the truth; an event the materializers refuse is reported, as a synced notebook
  // reports it, and stays in the log.
  try {
    schema::materialize(state_, event);
  } catch (const schema::MaterializeError& e) {
    change.error = e.what();
  }
  for (const auto& listener : listeners_) listener(change);
  return seq;
}

}  // namespace runt::notebook
