#include "runt/agent/local_notebook.hpp"

#include "runt/schema/codec.hpp"
#include "runt/schema/json.hpp"
#include "runt/schema/materialize.hpp"

namespace runt::agent {

std::int64_t LocalNotebook::commit(const schema::Event& event) {
  const auto args = schema::encode_args(event);
  const std::int64_t seq = static_cast<std::int64_t>(log_.size()) + 1;
  log_.push_back(protocol::WireEvent{std::string(schema::event_name(event)), args ? std::optional(schema::to_js_string(*args)) : std::nullopt,
                                     seq, seq - 1, client_id_, client_id_});
  schema::materialize(state_, event);
  for (const auto& listener : listeners_) listener();
  return seq;
}

}  // namespace runt::agent
