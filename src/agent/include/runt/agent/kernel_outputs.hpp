#pragma once
// One execute_request's messages, turned into notebook outputs as they come: the kernel runtime's
// wait loop hands each message of its request here and asks when it is done. Stream writes of
// one stream are coalesced for a short window into one terminal output; any other output first
// writes what is waiting, so outputs keep their order.

#include "runt/agent/execution_context.hpp"
#include "runt/agent/runtime.hpp"
#include "runt/kernel/kernel.hpp"  // Channel
#include "runt/kernel/message.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace runt::agent {

class KernelOutputs {
 public:
  using Clock = std::chrono::steady_clock;

  KernelOutputs(ExecutionContext& context, std::chrono::milliseconds coalesce) : context_(context), coalesce_(coalesce) {}

  // One message whose parent is this request, from `channel`.
  void take(kernel::Channel channel, const kernel::Message& message);
  // The reply has come and the kernel is idle again: nothing more will come for this request.
  bool done() const { return replied_ && idle_; }
  bool replied() const { return replied_; }
  const Outcome& outcome() const { return outcome_; }

  // When waiting stream text must be written, if any waits.
  std::optional<Clock::time_point> flush_due() const;
  // Writes waiting stream text now (before an error of runt's own, at the end).
  void flush();

 private:
  ExecutionContext& context_;
  std::chrono::milliseconds coalesce_;
  bool replied_ = false, idle_ = false;
  Outcome outcome_;
  // Stream text waiting to become one terminal output.
  schema::StreamName stream_ = schema::StreamName::stdout_;
  std::string text_;
  Clock::time_point since_;
};

// A Jupyter mime bundle ({mime: value}, metadata {mime: {...}}) as representations, in order.
schema::Representations representations_of(const kernel::Json& data, const kernel::Json& metadata);

}  // namespace runt::agent
