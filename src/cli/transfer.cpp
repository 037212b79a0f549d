#include "transfer.hpp"

#include "runt/ipynb/ipynb.hpp"
#include "runt/base/endpoint.hpp"
#include "runt/base/ids.hpp"
#include "runt/rest/client.hpp"
#include "runt/schema/codec.hpp"
#include "runt/schema/json.hpp"
#include "runt/schema/materialize.hpp"
#include "runt/sync/client.hpp"

#include <boost/asio/io_context.hpp>

#include <fstream>
#include <sstream>

namespace runt::cli {

namespace events = schema::events;
using namespace std::chrono_literals;

int import_notebook(const std::filesystem::path& file, const ServerAccess& server, std::ostream& out, std::ostream& err) {
  ipynb::Json doc;
  try {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      err << "runt import: cannot open " << file.string() << "\n";
      return 2;
    }
    doc = ipynb::read_notebook(in);
  } catch (const ipynb::IpynbError& e) {
    err << "runt import: " << file.string() << ": " << e.what() << "\n";
    return 2;
  }
  try {
    out << create_notebook(server, file.stem().string(), ipynb::import_cells(doc, "runt-import"), "runt-import") << "\n";
    return 0;
  } catch (const std::exception& e) {
    err << "runt import: " << e.what() << "\n";
    return 1;
  }
}

std::string create_notebook(const ServerAccess& server, const std::string& title, const std::vector<schema::Event>& events,
                            const std::string& client_id) {
  const auto created = rest::request(server.url, "POST", "/api/notebooks", server.token, "{}");
  if (created.status != 201)
    throw std::runtime_error("the server refused to create a notebook (HTTP " + std::to_string(created.status) +
                             "): " + created.body);
  const std::string id = schema::parse_json(created.body).at("id").get<std::string>();
  boost::asio::io_context io;
  sync::ClientOptions options;
  options.url = base::sync_url_of(server.url);
  options.store_id = id;
  options.payload = {{"authToken", server.token}};
  options.client_id = client_id;
  options.session_id = base::new_uuid();
  std::string refused;
  sync::SyncClient client(io, options);
  client.subscribe([&](const sync::Change& change) {
    if (!change.rejected.empty()) refused = change.error;
  });
  client.start();
  client.commit(events::NotebookTitleChanged{title});
  for (const auto& e : events) client.commit(e);
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (!client.replica().synced() && refused.empty() && std::chrono::steady_clock::now() < deadline) io.run_for(10ms);
  if (!client.replica().synced())
    throw std::runtime_error("the cells were not stored" + (refused.empty() ? std::string(" within 60 s") : ": " + refused));
  client.stop();
  io.run_for(50ms);
  return id;
}

int export_notebook(const std::string& notebook_id, const std::filesystem::path& file, const ServerAccess& server,
                    std::ostream& err) {
  try {
    const auto response = rest::request(server.url, "GET", "/api/notebooks/" + notebook_id + "/events", server.token);
    if (response.status != 200) {
      err << "runt export: HTTP " << response.status << ": " << response.body << "\n";
      return 1;
    }
    schema::State state;
    schema::EventDecoder decoder;
    std::istringstream lines(response.body);
    std::size_t n = 0;
    for (std::string line; std::getline(lines, line);) {
      ++n;
      if (line.empty()) continue;
      try {
        schema::materialize(state, decoder.decode_logged_event(line).event);
      } catch (const std::exception& e) {  // as anode's clients, an event that cannot apply is skipped
        err << "runt export: event " << n << " skipped: " << e.what() << "\n";
      }
    }
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << ipynb::export_notebook(state).dump(1, ' ', false, ipynb::Json::error_handler_t::replace) << "\n";
    if (!out) {
      err << "runt export: cannot write " << file.string() << "\n";
      return 2;
    }
    return 0;
  } catch (const std::exception& e) {
    err << "runt export: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace runt::cli
