#include "runt/ai/provider_error.hpp"
#include "runt/ai/retry.hpp"

namespace runt::ai {

std::string error_message_of(const nlohmann::json& object) {
  if (!object.is_object()) return "";
  const auto error = object.find("error");
  if (error == object.end() || error->is_null()) return "";
  if (error->is_string()) return error->get<std::string>();
  if (error->is_object()) {
    const auto message = error->find("message");
    if (message != error->end() && message->is_string()) return message->get<std::string>();
  }
  return error->dump();
}

ProviderError http_failure(const std::string& provider, int status, const std::string& body,
                           std::optional<std::chrono::milliseconds> retry_after) {
  std::string detail;
  try {
    detail = error_message_of(nlohmann::json::parse(body));
  } catch (const nlohmann::json::exception&) {
  }
  if (detail.empty()) detail = body.size() > 300 ? body.substr(0, 300) + "…" : body;
  const std::string tail = detail.empty() ? "" : " (" + detail + ")";
  if (status == 401 || status == 403)
    return {ProviderFailure::unauthorized,
            "Invalid API key: " + provider + " refused it with HTTP " + std::to_string(status) + tail + ". Check OPENAI_API_KEY."};
  if (status == 429) return {ProviderFailure::rate_limited, "Rate limit exceeded at " + provider + "; try again later" + tail, retry_after};
  if (status >= 500) return {ProviderFailure::server, provider + " server error (HTTP " + std::to_string(status) + ")" + tail, retry_after};
  return {ProviderFailure::rejected, provider + " refused the request (HTTP " + std::to_string(status) + ")" + tail};
}

}  // namespace runt::ai

namespace runt::ai {

bool retryable(const ProviderError& error) {
  switch (error.failure()) {
    case ProviderFailure::unreachable:
    case ProviderFailure::rate_limited:
    case ProviderFailure::server: return true;
    default: return false;
  }
}

}  // namespace runt::ai
