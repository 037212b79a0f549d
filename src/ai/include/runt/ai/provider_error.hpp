#pragma once
// How a provider call fails, in words a notebook user can act on (runt-spec §5.3: 401 → bad
// key, 429 → rate limit, 5xx → server error), with the provider's own message kept.

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

namespace runt::ai {

enum class ProviderFailure {
  unauthorized,   // 401, 403
  rate_limited,   // 429
  server,         // 5xx
  rejected,       // other 4xx: the request (model, parameters, messages) was refused
  unreachable,    // no connection
  timeout,        // no byte for too long
  broken_stream,  // cut mid-answer, malformed chunk, an error inside the stream
  cancelled,      // the cell was interrupted
};

class ProviderError : public std::runtime_error {
 public:
  ProviderError(ProviderFailure failure, const std::string& message, std::optional<std::chrono::milliseconds> retry_after = std::nullopt)
      : std::runtime_error(message), failure_(failure), retry_after_(retry_after) {}
  ProviderFailure failure() const { return failure_; }
  // What the server asked a client to wait before trying again, if it said.
  std::optional<std::chrono::milliseconds> retry_after() const { return retry_after_; }

 private:
  ProviderFailure failure_;
  std::optional<std::chrono::milliseconds> retry_after_;
};

// The error an HTTP status and its body mean, from `provider` ("OpenAI", "Ollama"): the body's
// error message when it has one ({"error":{"message"}} or {"error":"..."}), after a sentence
// that says what to do.
ProviderError http_failure(const std::string& provider, int status, const std::string& body,
                           std::optional<std::chrono::milliseconds> retry_after = std::nullopt);
// The message of an error object met inside a stream, or "" when `json` is not one.
std::string error_message_of(const nlohmann::json& object);

}  // namespace runt::ai
