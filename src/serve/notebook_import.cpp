#include "notebook_import.hpp"

#include "runt/base/ids.hpp"

#include "runt/ipynb/ipynb.hpp"
#include "runt/protocol/frames.hpp"
#include "runt/schema/codec.hpp"
#include "runt/schema/fractional_index.hpp"
#include "runt/schema/json.hpp"
#include "runt/schema/materialize.hpp"
#include "runt/schema/queries.hpp"

#include <random>
#include <fstream>

namespace runt::serve {

schema::State materialized(storage::EventStore& store, const std::string& store_id) {
  schema::State state;
  schema::EventDecoder decoder;
  for (std::int64_t after = 0;;) {
    const auto page = store.read(store_id, after, 1000);
    for (const auto& stored : page) {
      try {
        const auto& e = stored.event;
        schema::materialize(state, decoder.decode_event(e.name, e.args ? std::optional<std::string_view>(*e.args) : std::nullopt));
      } catch (const std::exception&) {
      }
    }
    if (page.size() < 1000) break;
    after = page.back().event.seqNum;
  }
  return state;
}

std::string new_notebook_id() { return "nb-" + base::random_string("abcdefghijklmnopqrstuvwxyz0123456789", 16); }

ipynb::Json read_ipynb(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::invalid_argument("Not a notebook: cannot read the upload");
  try {
    return ipynb::read_notebook(in);
  } catch (const ipynb::IpynbError& e) {
    throw std::invalid_argument("Not a notebook: " + std::string(e.what()));
  }
}

std::size_t import_ipynb(ServerContext& server, const std::string& id, ipynb::Json doc, const auth::User& user) {
  server.hub.flush();  // pushes waiting for the group commit are part of the notebook we append to
  const schema::State state = materialized(*server.store, id);
  // A cell id the notebook has already would make two cells one: those get fresh ids.
  for (auto& cell : doc["cells"])
    if (const auto it = cell.find("id"); it != cell.end() && it->is_string() && state.cells.find(it->get<std::string>()))
      cell.erase("id");
  auto events = ipynb::import_cells(doc, user.id);
  // Keys after the last one: a short key past it, then evenly spaced keys under that prefix
  // (room between every two, and lengths that stay short for long notebooks).
  std::optional<std::string> last;
  for (const auto* cell : schema::cells_in_order(state))
    if (cell->fractionalIndex && schema::is_valid_key(*cell->fractionalIndex) && (!last || *last < *cell->fractionalIndex))
      last = cell->fractionalIndex;
  std::vector<std::string> keys = schema::evenly_spaced_keys(doc["cells"].size());
  if (last) {
    const std::string prefix = schema::key_after(*last);
    for (auto& key : keys) key = prefix + key;
  }
  const std::string session = "import-" + new_notebook_id().substr(3);
  std::vector<protocol::WireEvent> wire;
  std::size_t next_key = 0;
  for (auto& e : events) {
    if (auto* created = std::get_if<schema::events::CellCreatedV2>(&e)) created->fractionalIndex = keys.at(next_key++);
    const auto args = schema::encode_args(e);
    protocol::WireEvent w{std::string(schema::event_name(e)), args ? std::optional(schema::to_js_string(*args)) : std::nullopt,
                          0, 0, "runt-serve", session};
    // Every client must be able to take it in one frame, as a push must be.
    if (w.args && w.args->size() + 4096 > server.options.max_frame_bytes)
      throw std::invalid_argument("A cell is too large to sync (" + std::to_string(w.args->size()) +
                                  " bytes; frames are limited to " + std::to_string(server.options.max_frame_bytes) + ")");
    wire.push_back(std::move(w));
  }
  server.hub.append(id, std::move(wire));
  return keys.size();
}

}  // namespace runt::serve
