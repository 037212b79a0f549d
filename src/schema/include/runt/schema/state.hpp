#pragma once
// The anode state tables as plain C++ values. Columns, defaults and nullability follow
// anode-schema.md §2; a nullable column is a std::optional. JSON-"any" columns that the
// materializers fill with a JavaScript `null` (stored as the text `null`, not SQL NULL) are a
// Json holding null.
//
// The 13th table, `uiState`, is a client-local document: no synced event touches it and it never
// reaches a log; `set_ui_state` (materialize.hpp) is its client-side setter.

#include "runt/schema/events.hpp"
#include "runt/schema/table.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace runt::schema {

struct DebugRow {
  std::string id;
  std::string version = "1";
};

struct FileRow {
  std::string fileName;
  std::string mimeType;
  std::string artifactId;
  std::optional<Timestamp> createdAt;
  std::string createdBy;
  std::optional<Timestamp> deletedAt;  // soft delete; nullopt = present
};

struct PresenceRow {
  std::string userId;
  std::optional<std::string> cellId;
};

struct NotebookMetadataRow {
  std::string key;
  std::string value;
};

struct CellRow {
  std::string id;
  CellType cellType = CellType::code;
  std::string source;
  std::optional<std::string> fractionalIndex;
  std::optional<std::int64_t> executionCount;
  ExecutionState executionState = ExecutionState::idle;
  std::optional<std::string> assignedRuntimeSession;
  std::optional<std::int64_t> lastExecutionDurationMs;
  std::optional<std::string> sqlConnectionId;
  std::optional<std::string> sqlResultVariable;
  std::optional<std::string> aiProvider;
  std::optional<std::string> aiModel;
  std::optional<Json> aiSettings;
  bool sourceVisible = true;
  bool outputVisible = true;
  bool aiContextVisible = true;
  std::string createdBy;
};

struct OutputDeltaRow {
  std::string id;
  std::string outputId;
  std::string delta;
  std::int64_t sequenceNumber = 0;
};

struct OutputRow {
  std::string id;
  std::string cellId;
  OutputType outputType = OutputType::terminal;
  double position = 0;
  std::optional<std::string> streamName;
  std::optional<std::int64_t> executionCount;
  std::optional<std::string> displayId;
  std::optional<std::string> data;  // flattened primary content (lossy for multimedia)
  std::optional<std::string> artifactId;
  std::optional<std::string> mimeType;
  Json metadata;  // container metadata, or JSON null
  std::optional<Representations> representations;  // multimedia rows only
};

struct PendingClearRow {
  std::string cellId;
  std::string clearedBy;
};

struct RuntimeSessionRow {
  std::string sessionId;
  std::string runtimeId;
  std::string runtimeType = "python3";
  RuntimeStatus status = RuntimeStatus::starting;
  bool isActive = true;
  bool canExecuteCode = false;
  bool canExecuteSql = false;
  bool canExecuteAi = false;
  Json availableAiModels;  // array of models, or JSON null
  std::optional<Timestamp> lastRenewedAt;
  std::optional<Timestamp> expiresAt;
};

struct ExecutionQueueRow {
  std::string id;  // = queueId
  std::string cellId;
  std::int64_t executionCount = 0;
  std::string requestedBy;
  QueueStatus status = QueueStatus::pending;
  std::optional<std::string> assignedRuntimeSession;
  std::optional<Timestamp> startedAt;
  std::optional<Timestamp> completedAt;
  std::optional<std::int64_t> executionDurationMs;
};

struct ActorRow {
  std::string id;
  ActorType type = ActorType::human;
  std::string displayName;
  std::optional<std::string> avatar;
};

// A client session's UI document: {selectedCellId?, editingCellId?, runtimeStatus?}.
struct UiStateRow {
  std::string id;  // the client session id
  std::optional<std::string> selectedCellId;
  std::optional<std::string> editingCellId;
  std::optional<std::string> runtimeStatus;
};

struct ToolApprovalRow {
  std::string toolCallId;
  std::string cellId;
  std::string toolName;
  ApprovalStatus status = ApprovalStatus::pending;
  std::optional<std::string> approvedBy;
  Timestamp requestedAt;
  std::optional<Timestamp> respondedAt;
};

// The slots of a table's rows that share a value of some column: an index kept beside a table.
template <class Slot> struct SlotList {
  std::string key;
  std::vector<Slot*> slots;
};
template <class Slot> using SlotIndex = Table<SlotList<Slot>, &SlotList<Slot>::key>;

// `outputs` with the two lookups its materializers need: by cell (clears) and by displayId
// (notebook-wide display updates).
class OutputTable {
 public:
  using Slot = Table<OutputRow, &OutputRow::id>::Slot;
  OutputTable() = default;
  // A copy gets its own indexes (they point into the rows); a move keeps the slots.
  OutputTable(const OutputTable& other) : rows_(other.rows_) { reindex(); }
  OutputTable& operator=(const OutputTable& other) { return *this = OutputTable(other); }
  OutputTable(OutputTable&&) = default;
  OutputTable& operator=(OutputTable&&) = default;
  const OutputRow* find(std::string_view id) const { return rows_.find(id); }
  OutputRow* find(std::string_view id) { return rows_.find(id); }
  void insert_replace(OutputRow row);
  void erase_cell(std::string_view cell_id);
  void clear();
  // The multimedia_display rows carrying this displayId, in any cell.
  const std::vector<Slot*>* display_rows(std::string_view display_id) const;
  // A cell's rows, in no particular order.
  const std::vector<Slot*>* cell_rows(std::string_view cell_id) const;
  std::vector<const OutputRow*> in_insertion_order() const { return rows_.in_insertion_order(); }
  size_t size() const { return rows_.size(); }

 private:
  void index(Slot* slot);
  void unindex(Slot* slot);
  void reindex();
  Table<OutputRow, &OutputRow::id> rows_;
  SlotIndex<Slot> by_cell_;
  SlotIndex<Slot> by_display_;
};

// `output_deltas` with a lookup by output.
class OutputDeltaTable {
 public:
  OutputDeltaTable() = default;
  // A copy gets its own index (it points into the rows); a move keeps the slots.
  OutputDeltaTable(const OutputDeltaTable& other) : rows_(other.rows_) { reindex(); }
  OutputDeltaTable& operator=(const OutputDeltaTable& other) { return *this = OutputDeltaTable(other); }
  OutputDeltaTable(OutputDeltaTable&&) = default;
  OutputDeltaTable& operator=(OutputDeltaTable&&) = default;
  // Plain INSERT: false when the id exists (a hard failure for anode clients), and then `row`
  // is left as it was.
  bool insert(OutputDeltaRow&& row);
  // Deltas of an output by sequenceNumber, ties in insertion order.
  std::vector<const OutputDeltaRow*> of_output(std::string_view output_id) const;
  size_t size() const { return rows_.size(); }

 private:
  using Slot = const Table<OutputDeltaRow, &OutputDeltaRow::id>::Slot;
  void reindex();
  Table<OutputDeltaRow, &OutputDeltaRow::id> rows_;
  SlotIndex<Slot> by_output_;
};

struct State {
  Table<DebugRow, &DebugRow::id> debug;
  Table<FileRow, &FileRow::fileName> files;
  Table<PresenceRow, &PresenceRow::userId> presence;
  Table<NotebookMetadataRow, &NotebookMetadataRow::key> notebookMetadata;
  Table<CellRow, &CellRow::id> cells;
  OutputDeltaTable outputDeltas;
  OutputTable outputs;
  Table<PendingClearRow, &PendingClearRow::cellId> pendingClears;
  Table<RuntimeSessionRow, &RuntimeSessionRow::sessionId> runtimeSessions;
  Table<ExecutionQueueRow, &ExecutionQueueRow::id> executionQueue;
  Table<ActorRow, &ActorRow::id> actors;
  Table<ToolApprovalRow, &ToolApprovalRow::toolCallId> toolApprovals;
  Table<UiStateRow, &UiStateRow::id> uiState;  // client-local; never in a synced log
};

}  // namespace runt::schema
