#pragma once
// A started sync client for tests: client and session ids from `name`, quick reconnects.

#include "runt/sync/client.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace runt::testing_support {

inline std::unique_ptr<sync::SyncClient> start_client(boost::asio::io_context& io, const std::string& url,
                                                      const std::string& store, const std::string& token,
                                                      const std::string& name,
                                                      std::function<void(const std::string&)> log = {}) {
  sync::ClientOptions o;
  o.url = url;
  o.store_id = store;
  o.payload = {{"authToken", token}};
  o.client_id = name;
  o.session_id = name + "-session";
  o.min_backoff = std::chrono::milliseconds(20);
  o.max_backoff = std::chrono::milliseconds(200);
  if (log) o.log = std::move(log);
  auto c = std::make_unique<sync::SyncClient>(io, o);
  c->start();
  return c;
}

}  // namespace runt::testing_support
