#pragma once
// Every synced event of the anode schema (anode HEAD a2b52706, @runtimed/schema 0.3.0) as a
// typed value. Field names and declaration order are the wire's: each struct's `fields()`
// lists them in the order the TypeScript encoder emits them, and the codec (codec.hpp) reads
// and writes through that list, so the struct definition is the single source of the encoding.
//
// Value types: std::string = Schema.String, double = Schema.Number, std::int64_t = a number
// that must be integral (it lands in a STRICT integer column), bool = Schema.Boolean,
// Timestamp = Schema.Date, Json = Schema.Any, Object = a JSON object, std::optional = an
// optional key (omitted when absent, never null).

#include "runt/schema/json.hpp"
#include "runt/schema/literals.hpp"
#include "runt/schema/timestamp.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

namespace runt::schema {

template <class Owner, class T> struct Field {
  std::string_view name;
  T Owner::*member;
};
template <class Owner, class T>
constexpr Field<Owner, T> field(std::string_view name, T Owner::*member) {
  return {name, member};
}

// A JSON value that must be an object (`Schema.Record({key: String, value: Any})`).
struct Object {
  Json value = Json::object();
  bool operator==(const Object&) const = default;
};

// ---- MediaRepresentation: `{type: "inline", data?, metadata?} | {type: "artifact", artifactId, metadata?}`
struct InlineMedia {
  std::optional<Json> data;  // may be absent on the wire; absent and null are different
  std::optional<Object> metadata;
  bool operator==(const InlineMedia&) const = default;
};
struct ArtifactMedia {
  std::string artifactId;
  std::optional<Object> metadata;
  bool operator==(const ArtifactMedia&) const = default;
};
using MediaRepresentation = std::variant<InlineMedia, ArtifactMedia>;
// `{mime: MediaRepresentation}` in the order sent (representations are rendered in that order).
using Representations = std::vector<std::pair<std::string, MediaRepresentation>>;

struct RuntimeCapabilities {
  bool canExecuteCode = false;
  bool canExecuteSql = false;
  bool canExecuteAi = false;
  std::optional<Json> availableAiModels;
  bool operator==(const RuntimeCapabilities&) const = default;
  static constexpr auto fields() {
    using S = RuntimeCapabilities;
    return std::tuple{field("canExecuteCode", &S::canExecuteCode),
                      field("canExecuteSql", &S::canExecuteSql),
                      field("canExecuteAi", &S::canExecuteAi),
                      field("availableAiModels", &S::availableAiModels)};
  }
};

struct AiSettings {
  std::optional<double> temperature;
  std::optional<double> maxTokens;
  std::optional<std::string> systemPrompt;
  bool operator==(const AiSettings&) const = default;
  static constexpr auto fields() {
    using S = AiSettings;
    return std::tuple{field("temperature", &S::temperature), field("maxTokens", &S::maxTokens),
                      field("systemPrompt", &S::systemPrompt)};
  }
};

struct CellExecutionInfo {
  std::string id;
  std::int64_t executionCount = 0;
  std::string queueId;
  bool operator==(const CellExecutionInfo&) const = default;
  static constexpr auto fields() {
    using S = CellExecutionInfo;
    return std::tuple{field("id", &S::id), field("executionCount", &S::executionCount),
                      field("queueId", &S::queueId)};
  }
};

// Declares an event struct's name, equality and field list.
#define RUNT_EVENT(Struct, wire_name, ...)                        \
  static constexpr std::string_view kName = wire_name;           \
  bool operator==(const Struct&) const = default;                \
  static constexpr auto fields() {                               \
    using S [[maybe_unused]] = Struct;                           \
    return std::tuple{__VA_ARGS__};                              \
  }
#define RUNT_F(name) field(#name, &S::name)

namespace events {

struct Debug {
  std::string id;
  RUNT_EVENT(Debug, "v1.Debug", RUNT_F(id))
};
struct FileUploaded {
  std::string artifactId, mimeType, fileName;
  Timestamp createdAt;
  std::string createdBy;
  RUNT_EVENT(FileUploaded, "v1.FileUploaded", RUNT_F(artifactId), RUNT_F(mimeType),
             RUNT_F(fileName), RUNT_F(createdAt), RUNT_F(createdBy))
};
struct FileDeletedV1 {
  std::string fileName;
  RUNT_EVENT(FileDeletedV1, "v1.FileDeleted", RUNT_F(fileName))
};
struct FileDeletedV2 {
  std::string fileName;
  Timestamp deletedAt;
  RUNT_EVENT(FileDeletedV2, "v2.FileDeleted", RUNT_F(fileName), RUNT_F(deletedAt))
};
struct NotebookInitialized {  // deprecated; old logs still contain it
  std::string id, title, ownerId;
  RUNT_EVENT(NotebookInitialized, "v1.NotebookInitialized", RUNT_F(id), RUNT_F(title),
             RUNT_F(ownerId))
};
struct NotebookTitleChanged {
  std::string title;
  RUNT_EVENT(NotebookTitleChanged, "v1.NotebookTitleChanged", RUNT_F(title))
};
struct NotebookMetadataSet {
  std::string key, value;
  RUNT_EVENT(NotebookMetadataSet, "v1.NotebookMetadataSet", RUNT_F(key), RUNT_F(value))
};
struct CellCreatedV1 {  // legacy: integer positions
  std::string id;
  CellType cellType = CellType::code;
  double position = 0;
  std::string createdBy;
  std::optional<std::string> actorId;
  RUNT_EVENT(CellCreatedV1, "v1.CellCreated", RUNT_F(id), RUNT_F(cellType), RUNT_F(position),
             RUNT_F(createdBy), RUNT_F(actorId))
};
struct CellCreatedV2 {
  std::string id, fractionalIndex;
  CellType cellType = CellType::code;
  std::string createdBy;
  RUNT_EVENT(CellCreatedV2, "v2.CellCreated", RUNT_F(id), RUNT_F(fractionalIndex),
             RUNT_F(cellType), RUNT_F(createdBy))
};
struct CellSourceChanged {
  std::string id, source, modifiedBy;
  RUNT_EVENT(CellSourceChanged, "v1.CellSourceChanged", RUNT_F(id), RUNT_F(source),
             RUNT_F(modifiedBy))
};
struct CellTypeChanged {
  std::string id;
  CellType cellType = CellType::code;
  std::optional<std::string> actorId;
  RUNT_EVENT(CellTypeChanged, "v1.CellTypeChanged", RUNT_F(id), RUNT_F(cellType),
             RUNT_F(actorId))
};
struct CellDeleted {
  std::string id;
  std::optional<std::string> actorId;
  RUNT_EVENT(CellDeleted, "v1.CellDeleted", RUNT_F(id), RUNT_F(actorId))
};
struct CellMovedV1 {  // legacy: integer positions
  std::string id;
  double newPosition = 0;
  std::optional<std::string> actorId;
  RUNT_EVENT(CellMovedV1, "v1.CellMoved", RUNT_F(id), RUNT_F(newPosition), RUNT_F(actorId))
};
struct CellMovedV2 {
  std::string id, fractionalIndex;
  std::optional<std::string> actorId;
  RUNT_EVENT(CellMovedV2, "v2.CellMoved", RUNT_F(id), RUNT_F(fractionalIndex), RUNT_F(actorId))
};
struct CellSourceVisibilityToggled {
  std::string id;
  bool sourceVisible = true;
  std::optional<std::string> actorId;
  RUNT_EVENT(CellSourceVisibilityToggled, "v1.CellSourceVisibilityToggled", RUNT_F(id),
             RUNT_F(sourceVisible), RUNT_F(actorId))
};
struct CellOutputVisibilityToggled {
  std::string id;
  bool outputVisible = true;
  std::optional<std::string> actorId;
  RUNT_EVENT(CellOutputVisibilityToggled, "v1.CellOutputVisibilityToggled", RUNT_F(id),
             RUNT_F(outputVisible), RUNT_F(actorId))
};
struct CellAiContextVisibilityToggled {
  std::string id;
  bool aiContextVisible = true;
  std::optional<std::string> actorId;
  RUNT_EVENT(CellAiContextVisibilityToggled, "v1.CellAiContextVisibilityToggled", RUNT_F(id),
             RUNT_F(aiContextVisible), RUNT_F(actorId))
};
struct RuntimeSessionStarted {
  std::string sessionId, runtimeId, runtimeType;
  RuntimeCapabilities capabilities;
  RUNT_EVENT(RuntimeSessionStarted, "v1.RuntimeSessionStarted", RUNT_F(sessionId),
             RUNT_F(runtimeId), RUNT_F(runtimeType), RUNT_F(capabilities))
};
struct RuntimeSessionRenewal {
  std::string sessionId;
  Timestamp renewedAt;
  double validForMs = 0;
  RUNT_EVENT(RuntimeSessionRenewal, "v1.RuntimeSessionRenewal", RUNT_F(sessionId),
             RUNT_F(renewedAt), RUNT_F(validForMs))
};
struct PresenceSet {
  std::string userId;
  std::optional<std::string> cellId;
  RUNT_EVENT(PresenceSet, "v1.PresenceSet", RUNT_F(userId), RUNT_F(cellId))
};
struct RuntimeSessionStatusChanged {
  std::string sessionId;
  SessionStatusUpdate status = SessionStatusUpdate::ready;
  RUNT_EVENT(RuntimeSessionStatusChanged, "v1.RuntimeSessionStatusChanged", RUNT_F(sessionId),
             RUNT_F(status))
};
struct RuntimeSessionTerminated {
  std::string sessionId;
  TerminationReason reason = TerminationReason::shutdown;
  RUNT_EVENT(RuntimeSessionTerminated, "v1.RuntimeSessionTerminated", RUNT_F(sessionId),
             RUNT_F(reason))
};
struct ExecutionRequested {
  std::string queueId, cellId;
  std::int64_t executionCount = 0;
  std::string requestedBy;
  std::optional<std::string> actorId;
  RUNT_EVENT(ExecutionRequested, "v1.ExecutionRequested", RUNT_F(queueId), RUNT_F(cellId),
             RUNT_F(executionCount), RUNT_F(requestedBy), RUNT_F(actorId))
};
struct ExecutionAssigned {
  std::string queueId, runtimeSessionId;
  RUNT_EVENT(ExecutionAssigned, "v1.ExecutionAssigned", RUNT_F(queueId), RUNT_F(runtimeSessionId))
};
struct ExecutionStarted {
  std::string queueId, cellId, runtimeSessionId;
  Timestamp startedAt;
  RUNT_EVENT(ExecutionStarted, "v1.ExecutionStarted", RUNT_F(queueId), RUNT_F(cellId),
             RUNT_F(runtimeSessionId), RUNT_F(startedAt))
};
struct ExecutionCompleted {
  std::string queueId, cellId;
  CompletionStatus status = CompletionStatus::success;
  std::optional<std::string> error;
  Timestamp completedAt;
  std::int64_t executionDurationMs = 0;
  RUNT_EVENT(ExecutionCompleted, "v1.ExecutionCompleted", RUNT_F(queueId), RUNT_F(cellId),
             RUNT_F(status), RUNT_F(error), RUNT_F(completedAt), RUNT_F(executionDurationMs))
};
struct ExecutionCancelled {
  std::string queueId, cellId, cancelledBy;
  std::optional<std::string> actorId;
  std::string reason;
  RUNT_EVENT(ExecutionCancelled, "v1.ExecutionCancelled", RUNT_F(queueId), RUNT_F(cellId),
             RUNT_F(cancelledBy), RUNT_F(actorId), RUNT_F(reason))
};
// Schema.Void: pushed without an `args` key; any args value decodes.
struct AllExecutionsCancelled {
  static constexpr bool kVoidArgs = true;
  RUNT_EVENT(AllExecutionsCancelled, "v1.AllExecutionsCancelled")
};
struct MultipleExecutionRequested {
  std::string requestedBy;
  std::vector<CellExecutionInfo> cellsInfo;
  RUNT_EVENT(MultipleExecutionRequested, "v1.MultipleExecutionRequested", RUNT_F(requestedBy),
             RUNT_F(cellsInfo))
};
struct MultimediaDisplayOutputAdded {
  std::string id, cellId;
  double position = 0;
  Representations representations;
  std::optional<std::string> displayId;
  RUNT_EVENT(MultimediaDisplayOutputAdded, "v1.MultimediaDisplayOutputAdded", RUNT_F(id),
             RUNT_F(cellId), RUNT_F(position), RUNT_F(representations), RUNT_F(displayId))
};
struct MultimediaDisplayOutputUpdated {
  std::string displayId;
  Representations representations;
  RUNT_EVENT(MultimediaDisplayOutputUpdated, "v1.MultimediaDisplayOutputUpdated",
             RUNT_F(displayId), RUNT_F(representations))
};
struct MultimediaResultOutputAdded {
  std::string id, cellId;
  double position = 0;
  Representations representations;
  std::int64_t executionCount = 0;
  RUNT_EVENT(MultimediaResultOutputAdded, "v1.MultimediaResultOutputAdded", RUNT_F(id),
             RUNT_F(cellId), RUNT_F(position), RUNT_F(representations), RUNT_F(executionCount))
};
struct TerminalOutputAdded {
  std::string id, cellId;
  double position = 0;
  MediaRepresentation content;
  StreamName streamName = StreamName::stdout_;
  RUNT_EVENT(TerminalOutputAdded, "v1.TerminalOutputAdded", RUNT_F(id), RUNT_F(cellId),
             RUNT_F(position), RUNT_F(content), RUNT_F(streamName))
};
struct TerminalOutputAppendedV1 {  // deprecated
  std::string outputId;
  MediaRepresentation content;
  RUNT_EVENT(TerminalOutputAppendedV1, "v1.TerminalOutputAppended", RUNT_F(outputId),
             RUNT_F(content))
};
struct TerminalOutputAppendedV2 {
  std::string id, outputId, delta;
  std::int64_t sequenceNumber = 0;
  RUNT_EVENT(TerminalOutputAppendedV2, "v2.TerminalOutputAppended", RUNT_F(id), RUNT_F(outputId),
             RUNT_F(delta), RUNT_F(sequenceNumber))
};
struct MarkdownOutputAdded {
  std::string id, cellId;
  double position = 0;
  MediaRepresentation content;
  RUNT_EVENT(MarkdownOutputAdded, "v1.MarkdownOutputAdded", RUNT_F(id), RUNT_F(cellId),
             RUNT_F(position), RUNT_F(content))
};
struct MarkdownOutputAppendedV1 {  // deprecated
  std::string outputId;
  MediaRepresentation content;
  RUNT_EVENT(MarkdownOutputAppendedV1, "v1.MarkdownOutputAppended", RUNT_F(outputId),
             RUNT_F(content))
};
struct MarkdownOutputAppendedV2 {
  std::string id, outputId, delta;
  std::int64_t sequenceNumber = 0;
  RUNT_EVENT(MarkdownOutputAppendedV2, "v2.MarkdownOutputAppended", RUNT_F(id), RUNT_F(outputId),
             RUNT_F(delta), RUNT_F(sequenceNumber))
};
struct ErrorOutputAdded {
  std::string id, cellId;
  double position = 0;
  MediaRepresentation content;  // inline data {ename, evalue, traceback}
  RUNT_EVENT(ErrorOutputAdded, "v1.ErrorOutputAdded", RUNT_F(id), RUNT_F(cellId),
             RUNT_F(position), RUNT_F(content))
};
struct CellOutputsCleared {
  std::string cellId;
  bool wait = false;
  std::string clearedBy;
  RUNT_EVENT(CellOutputsCleared, "v1.CellOutputsCleared", RUNT_F(cellId), RUNT_F(wait),
             RUNT_F(clearedBy))
};
struct AllOutputsCleared {
  std::string clearedBy;
  RUNT_EVENT(AllOutputsCleared, "v1.AllOutputsCleared", RUNT_F(clearedBy))
};
struct AiSettingsChanged {
  std::string cellId, provider, model;
  AiSettings settings;
  RUNT_EVENT(AiSettingsChanged, "v1.AiSettingsChanged", RUNT_F(cellId), RUNT_F(provider),
             RUNT_F(model), RUNT_F(settings))
};
struct SqlConnectionChanged {
  std::string cellId;
  std::optional<std::string> connectionId;
  std::string changedBy;
  RUNT_EVENT(SqlConnectionChanged, "v1.SqlConnectionChanged", RUNT_F(cellId),
             RUNT_F(connectionId), RUNT_F(changedBy))
};
struct SqlResultVariableChanged {
  std::string cellId;
  std::optional<std::string> resultVariable;
  std::string changedBy;
  RUNT_EVENT(SqlResultVariableChanged, "v1.SqlResultVariableChanged", RUNT_F(cellId),
             RUNT_F(resultVariable), RUNT_F(changedBy))
};
struct ActorProfileSet {
  std::string id;
  ActorType type = ActorType::human;
  std::string displayName;
  std::optional<std::string> avatar;
  RUNT_EVENT(ActorProfileSet, "v1.ActorProfileSet", RUNT_F(id), RUNT_F(type),
             RUNT_F(displayName), RUNT_F(avatar))
};
struct ToolApprovalRequested {
  std::string toolCallId, cellId, toolName;
  Object arguments;
  Timestamp requestedAt;
  RUNT_EVENT(ToolApprovalRequested, "v1.ToolApprovalRequested", RUNT_F(toolCallId),
             RUNT_F(cellId), RUNT_F(toolName), RUNT_F(arguments), RUNT_F(requestedAt))
};
struct ToolApprovalResponded {
  std::string toolCallId;
  ApprovalResponse status = ApprovalResponse::approved_once;
  std::string approvedBy;
  Timestamp respondedAt;
  RUNT_EVENT(ToolApprovalResponded, "v1.ToolApprovalResponded", RUNT_F(toolCallId),
             RUNT_F(status), RUNT_F(approvedBy), RUNT_F(respondedAt))
};

// An event whose name this schema does not define. Its args are kept verbatim so that servers
// and clients carry it unchanged; materializers skip it.
struct Unknown {
  std::string name;
  std::optional<Json> args;  // nullopt: the event had no `args` key
  bool operator==(const Unknown&) const = default;
};

}  // namespace events

#undef RUNT_F
#undef RUNT_EVENT

// Declaration order of the anode schema; `events::Unknown` last.
using Event = std::variant<
    events::Debug, events::FileUploaded, events::FileDeletedV1, events::FileDeletedV2,
    events::NotebookInitialized, events::NotebookTitleChanged, events::NotebookMetadataSet,
    events::CellCreatedV1, events::CellCreatedV2, events::CellSourceChanged,
    events::CellTypeChanged, events::CellDeleted, events::CellMovedV1, events::CellMovedV2,
    events::CellSourceVisibilityToggled, events::CellOutputVisibilityToggled,
    events::CellAiContextVisibilityToggled, events::RuntimeSessionStarted,
    events::RuntimeSessionRenewal, events::PresenceSet, events::RuntimeSessionStatusChanged,
    events::RuntimeSessionTerminated, events::ExecutionRequested, events::ExecutionAssigned,
    events::ExecutionStarted, events::ExecutionCompleted, events::ExecutionCancelled,
    events::AllExecutionsCancelled, events::MultipleExecutionRequested,
    events::MultimediaDisplayOutputAdded, events::MultimediaDisplayOutputUpdated,
    events::MultimediaResultOutputAdded, events::TerminalOutputAdded,
    events::TerminalOutputAppendedV1, events::TerminalOutputAppendedV2,
    events::MarkdownOutputAdded, events::MarkdownOutputAppendedV1,
    events::MarkdownOutputAppendedV2, events::ErrorOutputAdded, events::CellOutputsCleared,
    events::AllOutputsCleared, events::AiSettingsChanged, events::SqlConnectionChanged,
    events::SqlResultVariableChanged, events::ActorProfileSet, events::ToolApprovalRequested,
    events::ToolApprovalResponded, events::Unknown>;

inline constexpr size_t kKnownEventCount = std::variant_size_v<Event> - 1;
static_assert(kKnownEventCount == 47, "the anode HEAD schema has 47 synced events");

// A global event as LiveStore 0.3.1 stores and syncs it:
// `{name, args, seqNum, parentSeqNum, clientId, sessionId}`.
struct LoggedEvent {
  Event event;
  std::int64_t seqNum = 0;
  std::int64_t parentSeqNum = 0;
  std::string clientId;
  std::string sessionId;
  bool operator==(const LoggedEvent&) const = default;
};

}  // namespace runt::schema
