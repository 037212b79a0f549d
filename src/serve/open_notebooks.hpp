#pragma once
// Which notebooks people have open: counts the sync sockets of clients other than runtime
// agents that may change a notebook, so that the host can start a runtime when one opens
// (Options::on_notebook_opened) and stop it once everyone has left (on_notebook_closed).
// Used from the server's thread only.

#include "runt/serve/server.hpp"

#include <map>
#include <string>

namespace runt::serve {

class OpenNotebooks {
 public:
  explicit OpenNotebooks(const Options& options) : options_(options) {}

  // A client opened `notebook_id`: reports it every time (a runtime that stopped may be wanted again).
  void add(const std::string& notebook_id);
  // One of its clients left: reports the notebook closed when it was the last.
  void remove(const std::string& notebook_id);

 private:
  const Options& options_;
  std::map<std::string, int> clients_;
};

}  // namespace runt::serve
