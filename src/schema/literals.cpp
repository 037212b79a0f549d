#include "runt/schema/literals.hpp"

namespace runt::schema {

#define RUNT_LITERALS(Enum, ...)                                              \
  template <> std::span<const std::string_view> literal_names<Enum>() {      \
    static constexpr std::string_view names[] = {__VA_ARGS__};               \
    return names;                                                             \
  }                                                                           \
  template <> std::string_view literal_union_name<Enum>() { return #Enum; }

RUNT_LITERALS(CellType, "code", "markdown", "sql", "ai", "raw")
RUNT_LITERALS(ExecutionState, "idle", "queued", "running", "completed", "error")
RUNT_LITERALS(OutputType, "multimedia_display", "multimedia_result", "terminal", "markdown", "error")
RUNT_LITERALS(RuntimeStatus, "starting", "ready", "busy", "restarting", "terminated")
RUNT_LITERALS(SessionStatusUpdate, "ready", "busy", "restarting")
RUNT_LITERALS(TerminationReason, "shutdown", "restart", "error", "timeout", "displaced")
RUNT_LITERALS(QueueStatus, "pending", "assigned", "executing", "completed", "failed", "cancelled")
RUNT_LITERALS(CompletionStatus, "success", "error", "cancelled")
RUNT_LITERALS(StreamName, "stdout", "stderr")
RUNT_LITERALS(ActorType, "human", "runtime_agent")
RUNT_LITERALS(ApprovalStatus, "pending", "approved_once", "approved_always", "denied")
RUNT_LITERALS(ApprovalResponse, "approved_once", "approved_always", "denied")

#undef RUNT_LITERALS

}  // namespace runt::schema
