#pragma once
// Blocking HTTP/1.1 requests to runt serve's REST API, for command-line tools and agents
// (identity checks, artifact uploads, notebook import and export).

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace runt::rest {

struct Response {
  int status = 0;
  std::string body;
};

// `base_url` is http://HOST:PORT (a ws:// sync URL works too: its host and port are used).
// Every step has `deadline` (60 s unless a caller such as `runt doctor` wants a quick answer). Throws std::runtime_error when the server cannot be reached
// or does not answer.
Response request(const std::string& base_url, const std::string& method, const std::string& target, const std::string& bearer_token,
                 const std::string& body = "", const std::string& content_type = "application/json",
                 const std::vector<std::pair<std::string, std::string>>& headers = {},
                 std::chrono::milliseconds deadline = std::chrono::seconds(60));

}  // namespace runt::rest
