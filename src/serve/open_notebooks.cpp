#include "open_notebooks.hpp"

namespace runt::serve {

void OpenNotebooks::add(const std::string& notebook_id) {
  ++clients_[notebook_id];
  if (options_.on_notebook_opened) options_.on_notebook_opened(notebook_id);
}

void OpenNotebooks::remove(const std::string& notebook_id) {
  const auto it = clients_.find(notebook_id);
  if (it == clients_.end()) return;
  if (--it->second > 0) return;
  clients_.erase(it);
  if (options_.on_notebook_closed) options_.on_notebook_closed(notebook_id);
}

}  // namespace runt::serve
