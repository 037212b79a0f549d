#pragma once
// Trying a provider call again, as the OpenAI SDKs do: a refused connection, 429 and 5xx
// answers are retried (twice by default) with exponential backoff, or after the server's
// retry-after when it asks for no more than `longest_wait` — but only while nothing of the
// answer has been shown (streamed text cannot be taken back).

#include "runt/ai/provider_error.hpp"

#include <chrono>
#include <functional>
#include <thread>

namespace runt::ai {

struct RetryPolicy {
  int retries = 2;
  std::chrono::milliseconds first_backoff{500};
  std::chrono::milliseconds longest_wait{10000};
};

// True for failures worth another try.
bool retryable(const ProviderError& error);

// Calls `attempt` until it succeeds, fails for good, or `shown()` says the answer has begun.
template <class Attempt>
auto with_retries(const RetryPolicy& policy, const std::function<bool()>& cancelled, const std::function<bool()>& shown, Attempt attempt) {
  std::chrono::milliseconds backoff = policy.first_backoff;
  for (int tries = 0;; ++tries) {
    try {
      return attempt();
    } catch (const ProviderError& e) {
      if (tries >= policy.retries || !retryable(e) || shown()) throw;
      const auto wait = e.retry_after().value_or(backoff);
      if (wait > policy.longest_wait) throw;
      for (auto until = std::chrono::steady_clock::now() + wait; std::chrono::steady_clock::now() < until;) {
        if (cancelled && cancelled()) throw ProviderError(ProviderFailure::cancelled, "cancelled");
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      backoff *= 2;
    }
  }
}

}  // namespace runt::ai
