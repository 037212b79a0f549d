#pragma once
// `runt import FILE.ipynb --server URL` and `runt export ID -o FILE.ipynb --server URL`:
// notebooks between .ipynb files and a running runt serve.

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "runt/schema/events.hpp"

namespace runt::cli {

struct ServerAccess {
  std::string url;    // http://HOST:PORT
  std::string token;  // API key or server token
};

// Creates a notebook on the server titled `title` with `events` committed after the title, and
// returns its id once the server has stored them all. Throws std::runtime_error with the reason.
std::string create_notebook(const ServerAccess& server, const std::string& title, const std::vector<schema::Event>& events,
                            const std::string& client_id);

// Creates a notebook on the server with the file's cells (titled after the file) and prints
// its id. 0 on success; 1 when the server refuses; 2 for a bad file.
int import_notebook(const std::filesystem::path& file, const ServerAccess& server, std::ostream& out, std::ostream& err);

// Materializes the notebook's log and writes it as nbformat 4.5.
int export_notebook(const std::string& notebook_id, const std::filesystem::path& file, const ServerAccess& server,
                    std::ostream& err);

}  // namespace runt::cli
