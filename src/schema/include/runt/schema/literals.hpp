#pragma once
// The schema's literal unions as C++ enums. Each enum's spellings are the exact wire strings;
// `literal_names<E>()` lists them in schema declaration order.

#include <array>
#include <optional>
#include <span>
#include <string_view>

namespace runt::schema {

enum class CellType { code, markdown, sql, ai, raw };
enum class ExecutionState { idle, queued, running, completed, error };
enum class OutputType { multimedia_display, multimedia_result, terminal, markdown, error };
enum class RuntimeStatus { starting, ready, busy, restarting, terminated };
// The subset `v1.RuntimeSessionStatusChanged` accepts.
enum class SessionStatusUpdate { ready, busy, restarting };
enum class TerminationReason { shutdown, restart, error, timeout, displaced };
enum class QueueStatus { pending, assigned, executing, completed, failed, cancelled };
enum class CompletionStatus { success, error, cancelled };
enum class StreamName { stdout_, stderr_ };
enum class ActorType { human, runtime_agent };
enum class ApprovalStatus { pending, approved_once, approved_always, denied };
enum class ApprovalResponse { approved_once, approved_always, denied };

template <class E> std::span<const std::string_view> literal_names();
// The union's name as error messages show it, e.g. `CellType`.
template <class E> std::string_view literal_union_name();


#define RUNT_DECLARE_LITERALS(Enum)                                    \
  template <> std::span<const std::string_view> literal_names<Enum>(); \
  template <> std::string_view literal_union_name<Enum>();
RUNT_DECLARE_LITERALS(CellType)
RUNT_DECLARE_LITERALS(ExecutionState)
RUNT_DECLARE_LITERALS(OutputType)
RUNT_DECLARE_LITERALS(RuntimeStatus)
RUNT_DECLARE_LITERALS(SessionStatusUpdate)
RUNT_DECLARE_LITERALS(TerminationReason)
RUNT_DECLARE_LITERALS(QueueStatus)
RUNT_DECLARE_LITERALS(CompletionStatus)
RUNT_DECLARE_LITERALS(StreamName)
RUNT_DECLARE_LITERALS(ActorType)
RUNT_DECLARE_LITERALS(ApprovalStatus)
RUNT_DECLARE_LITERALS(ApprovalResponse)
#undef RUNT_DECLARE_LITERALS

template <class E> std::string_view to_string(E value) {
  return literal_names<E>()[static_cast<size_t>(value)];
}

template <class E> std::optional<E> parse_literal(std::string_view text) {
  const auto names = literal_names<E>();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == text) return static_cast<E>(i);
  return std::nullopt;
}

}  // namespace runt::schema
