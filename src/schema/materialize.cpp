#include "runt/schema/materialize.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <string_view>
#include <type_traits>
#include <utility>

namespace runt::schema {

// ---- JavaScript value conversions the materializers rely on --------------------------------

namespace {

// `String(value)`; `value == nullptr` is `undefined`.
std::string js_to_string(const Json* value);

std::string js_array_join(const Json& array) {
  std::string out;
  bool first = true;
  for (const auto& element : array) {
    if (!first) out.push_back(',');
    first = false;
    if (!element.is_null()) out += js_to_string(&element);  // join() writes null as ""
  }
  return out;
}

std::string js_to_string(const Json* value) {
  if (value == nullptr) return "undefined";
  switch (value->type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::string: return value->get<std::string>();
    case Json::value_t::array: return js_array_join(*value);
    case Json::value_t::object: return "[object Object]";
    default: return to_js_string(*value);  // booleans and numbers print as JSON does
  }
}

bool js_truthy(const Json* value) {
  if (value == nullptr) return false;
  switch (value->type()) {
    case Json::value_t::null: return false;
    case Json::value_t::boolean: return value->get<bool>();
    case Json::value_t::string: return !value->get_ref<const std::string&>().empty();
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return value->get<double>() != 0;
    default: return true;
  }
}

const Json* inline_data(const MediaRepresentation& media) {
  const auto* in = std::get_if<InlineMedia>(&media);
  return in && in->data ? &*in->data : nullptr;
}

// Multimedia rows: `String(data || "")` for inline, "" for artifacts.
std::string flatten(const MediaRepresentation& media) {
  if (!std::holds_alternative<InlineMedia>(media)) return "";
  const Json* data = inline_data(media);
  return js_truthy(data) ? js_to_string(data) : std::string();
}

// Terminal and markdown rows: `String(data)` (absent data gives "undefined"), NULL for artifacts.
std::optional<std::string> text_column(const MediaRepresentation& media) {
  if (!std::holds_alternative<InlineMedia>(media)) return std::nullopt;
  return js_to_string(inline_data(media));
}

// The rvalue overloads below move only the piece their column takes (the data string, the
// metadata), so a row may be built from several of them over the same content.
std::optional<std::string> text_column(MediaRepresentation&& media) {
  if (auto* in = std::get_if<InlineMedia>(&media); in && in->data && in->data->is_string())
    return std::move(in->data->get_ref<std::string&>());
  return text_column(std::as_const(media));
}

std::optional<std::string> artifact_column(const MediaRepresentation& media) {
  if (const auto* art = std::get_if<ArtifactMedia>(&media)) return art->artifactId;
  return std::nullopt;
}

// `content.metadata || null`.
Json metadata_column(const MediaRepresentation& media) {
  const auto& metadata = std::visit([](const auto& m) -> const std::optional<Object>& { return m.metadata; }, media);
  return metadata ? metadata->value : Json();
}
Json metadata_column(MediaRepresentation&& media) {
  auto& metadata = std::visit([](auto& m) -> std::optional<Object>& { return m.metadata; }, media);
  return metadata ? std::move(metadata->value) : Json();
}

constexpr std::array<std::string_view, 24> kDisplayPreference = {
    "application/vnd.plotly.v1+json", "application/vnd.vegalite.v6+json",
    "application/vnd.vegalite.v5+json", "application/vnd.vegalite.v4+json",
    "application/vnd.vegalite.v3+json", "application/vnd.vegalite.v2+json",
    "application/vnd.vega.v5+json", "application/vnd.vega.v4+json",
    "application/vnd.vega.v3+json", "application/vnd.jupyter.widget-view+json",
    "application/vnd.jupyter.widget-state+json", "application/vnd.dataresource+json",
    "application/vdom.v1+json", "application/geo+json", "application/json",
    "application/javascript", "text/html", "image/svg+xml", "image/png", "image/jpeg",
    "image/gif", "text/latex", "text/markdown", "text/plain"};

constexpr std::array<std::string_view, 6> kResultPreference = {
    "text/html", "image/png", "image/jpeg", "image/svg+xml", "application/json", "text/plain"};

struct Primary {
  std::string_view mime;
  const MediaRepresentation* media;
};

template <size_t N>
std::optional<Primary> select_primary(const Representations& reps,
                                      const std::array<std::string_view, N>& preference) {
  for (const auto mime : preference)
    for (const auto& [key, media] : reps)
      if (key == mime) return Primary{mime, &media};
  return std::nullopt;
}

// `"a" + Math.floor(position).toString(36)`, the legacy integer-position keys. Digits follow
// V8's DoubleToRadixCString: beyond 2^53 the digits a double cannot hold print as "0".
std::string legacy_index(double position) {
  double v = std::floor(position);
  if (!std::isfinite(v)) return v > 0 ? "aInfinity" : (v < 0 ? "a-Infinity" : "aNaN");
  const bool negative = v < 0;
  if (negative) v = -v;
  std::string digits;
  while (v / 36 >= 9007199254740992.0) {  // Double(v / 36).Exponent() > 0
    v /= 36;
    digits.push_back('0');
  }
  do {
    const double remainder = std::fmod(v, 36.0);
    digits.push_back("0123456789abcdefghijklmnopqrstuvwxyz"[static_cast<int>(remainder)]);
    v = (v - remainder) / 36;
  } while (v > 0);
  std::reverse(digits.begin(), digits.end());
  return std::string("a") + (negative ? "-" : "") + digits;
}

// ---- Materializers ---------------------------------------------------------------------------

// An event handler's parameter `Ev&&` that is an E, const& (from materialize(const Event&)) or
// && (from materialize(Event&&)).
template <class Ev, class E>
concept EventOf = std::same_as<std::remove_cvref_t<Ev>, E>;

// A member of the event passed as Ev&&: moved out of an rvalue event, read from a const one.
template <class Ev, class T> decltype(auto) take(T& member) {
  if constexpr (std::is_lvalue_reference_v<Ev> || std::is_const_v<std::remove_reference_t<Ev>>)
    return static_cast<const T&>(member);
  else
    return static_cast<T&&>(member);
}

class Materializer {
 public:
  explicit Materializer(State& s) : s_(s) {}

  void presence(const std::string& user, const std::optional<std::string>& cell) {
    PresenceRow& row = s_.presence.replace_in_place(user);  // userId is the key, already set
    if (cell && !cell->empty())
      row.cellId = *cell;
    else
      row.cellId.reset();
  }
  void presence_if_actor(const std::optional<std::string>& actor, const std::string& cell) {
    if (actor && !actor->empty()) presence(*actor, cell);
  }
  const std::string& actor_or(const std::optional<std::string>& actor, const std::string& fallback) {
    return actor && !actor->empty() ? *actor : fallback;
  }

  // clear_output(wait=True): the next added output of the cell wipes its outputs first.
  void consume_pending_clear(const std::string& cell_id) {
    if (s_.pendingClears.erase(cell_id)) s_.outputs.erase_cell(cell_id);
  }

  // An rvalue `reps` moves into the last row.
  template <class Reps> void update_displays(const std::string& display_id, Reps&& reps) {
    const auto* ids = s_.outputs.display_rows(display_id);
    if (ids == nullptr) return;
    const auto primary = select_primary(reps, kDisplayPreference);
    if (!primary) return;
    const std::string data = flatten(*primary->media);
    for (size_t i = 0; i < ids->size(); ++i) {
      OutputRow& row = (*ids)[i]->row;
      row.data = data;
      row.mimeType = std::string(primary->mime);
      if (i + 1 < ids->size())
        row.representations = std::as_const(reps);
      else
        row.representations = std::forward<Reps>(reps);
    }
  }

  template <class F> void update_cell(const std::string& id, F&& f) {
    if (CellRow* cell = s_.cells.find(id)) f(*cell);
  }
  template <class F> void update_queue(const std::string& id, F&& f) {
    if (ExecutionQueueRow* row = s_.executionQueue.find(id)) f(*row);
  }
  template <class F> void update_session(const std::string& id, F&& f) {
    if (RuntimeSessionRow* row = s_.runtimeSessions.find(id)) f(*row);
  }

  void append_v1(const std::string& output_id, const MediaRepresentation& content) {
    OutputRow* row = s_.outputs.find(output_id);
    if (row == nullptr) return;
    const std::string added =
        std::holds_alternative<InlineMedia>(content) ? js_to_string(inline_data(content)) : "";
    row->data = row->data.value_or("") + added;
  }

  void add_delta(std::string_view event_name, std::string id, std::string output_id,
                 std::string delta, std::int64_t sequence) {
    OutputDeltaRow row{std::move(id), std::move(output_id), std::move(delta), sequence};
    if (!s_.outputDeltas.insert(std::move(row)))  // a refused row is left as it was
      throw MaterializeError(std::string(event_name) + ": duplicate output delta id \"" + row.id +
                             "\" (anode clients fail on this event)");
  }

  void queue_execution(std::string queue_id, std::string cell_id, std::int64_t count,
                       std::string requested_by) {
    update_cell(cell_id, [&](CellRow& c) {  // first: the cell id moves into the queue row
      c.executionState = ExecutionState::queued;
      c.executionCount = count;
    });
    ExecutionQueueRow row{.id = std::move(queue_id), .cellId = std::move(cell_id),
                          .executionCount = count, .requestedBy = std::move(requested_by)};
    s_.executionQueue.insert_ignore(std::move(row));
  }

  void operator()(const events::Debug& e) {
    if (!s_.debug.contains(e.id)) s_.debug.insert_replace(DebugRow{e.id});
  }
  void operator()(const events::FileUploaded& e) {
    s_.files.insert_replace(FileRow{e.fileName, e.mimeType, e.artifactId, e.createdAt,
                                                e.createdBy, std::nullopt});
  }
  void operator()(const events::FileDeletedV1& e) { s_.files.erase(e.fileName); }
  void operator()(const events::FileDeletedV2& e) {
    if (FileRow* f = s_.files.find(e.fileName)) f->deletedAt = e.deletedAt;
  }
  void operator()(const events::NotebookInitialized& e) {
    s_.notebookMetadata.insert_replace({"title", e.title});
    s_.notebookMetadata.insert_replace({"ownerId", e.ownerId});
    s_.debug.insert_replace(DebugRow{e.id});
  }
  void operator()(const events::NotebookTitleChanged& e) {
    s_.notebookMetadata.insert_replace({"title", e.title});
  }
  void operator()(const events::NotebookMetadataSet& e) {
    s_.notebookMetadata.insert_replace({e.key, e.value});
  }
  void operator()(const events::CellCreatedV1& e) {
    s_.cells.insert_ignore(CellRow{.id = e.id, .cellType = e.cellType,
                                         .fractionalIndex = legacy_index(e.position),
                                         .createdBy = e.createdBy});
    presence(actor_or(e.actorId, e.createdBy), e.id);
  }
  template <EventOf<events::CellCreatedV2> Ev> void operator()(Ev&& e) {
    presence(e.createdBy, e.id);  // first: the strings move into the cell row
    CellRow row{.id = take<Ev>(e.id), .cellType = e.cellType,
                .fractionalIndex = take<Ev>(e.fractionalIndex), .createdBy = take<Ev>(e.createdBy)};
    s_.cells.insert_ignore(std::move(row));
  }
  template <EventOf<events::CellSourceChanged> Ev> void operator()(Ev&& e) {
    update_cell(e.id, [&](CellRow& c) { c.source = take<Ev>(e.source); });
    presence(e.modifiedBy, e.id);  // even for a missing cell, as anode does
  }
  void operator()(const events::CellTypeChanged& e) {
    update_cell(e.id, [&](CellRow& c) { c.cellType = e.cellType; });
    presence_if_actor(e.actorId, e.id);
  }
  void operator()(const events::CellDeleted& e) {
    s_.cells.erase(e.id);  // no cascade: outputs, queue rows and approvals stay
    presence_if_actor(e.actorId, e.id);
  }
  void operator()(const events::CellMovedV1& e) {
    update_cell(e.id, [&](CellRow& c) { c.fractionalIndex = legacy_index(e.newPosition); });
    presence_if_actor(e.actorId, e.id);
  }
  void operator()(const events::CellMovedV2& e) {
    update_cell(e.id, [&](CellRow& c) { c.fractionalIndex = e.fractionalIndex; });
    presence_if_actor(e.actorId, e.id);
  }
  void operator()(const events::CellSourceVisibilityToggled& e) {
    update_cell(e.id, [&](CellRow& c) { c.sourceVisible = e.sourceVisible; });
    presence_if_actor(e.actorId, e.id);
  }
  void operator()(const events::CellOutputVisibilityToggled& e) {
    update_cell(e.id, [&](CellRow& c) { c.outputVisible = e.outputVisible; });
    presence_if_actor(e.actorId, e.id);
  }
  void operator()(const events::CellAiContextVisibilityToggled& e) {
    update_cell(e.id, [&](CellRow& c) { c.aiContextVisible = e.aiContextVisible; });
    presence_if_actor(e.actorId, e.id);
  }
  void operator()(const events::RuntimeSessionStarted& e) {
    const Json* models = e.capabilities.availableAiModels ? &*e.capabilities.availableAiModels : nullptr;
    // Insert-replace: a restarted session id is active again and loses its renewal columns.
    s_.runtimeSessions.insert_replace(
        RuntimeSessionRow{.sessionId = e.sessionId, .runtimeId = e.runtimeId,
                          .runtimeType = e.runtimeType, .status = RuntimeStatus::starting,
                          .canExecuteCode = e.capabilities.canExecuteCode,
                          .canExecuteSql = e.capabilities.canExecuteSql,
                          .canExecuteAi = e.capabilities.canExecuteAi,
                          .availableAiModels = js_truthy(models) ? *models : Json()});
  }
  void operator()(const events::RuntimeSessionRenewal& e) {
    // `new Date(renewedAt + validForMs)`: the sum is truncated toward zero; out of range
    // is an Invalid Date, which anode's materializer cannot store.
    const double expires = std::trunc(static_cast<double>(e.renewedAt.ms_since_epoch) + e.validForMs);
    if (!(std::fabs(expires) <= 8.64e15))
      throw MaterializeError("v1.RuntimeSessionRenewal: renewedAt + validForMs is not a valid date");
    update_session(e.sessionId, [&](RuntimeSessionRow& r) {
      r.lastRenewedAt = e.renewedAt;
      r.expiresAt = Timestamp{static_cast<std::int64_t>(expires)};
    });
  }
  void operator()(const events::PresenceSet& e) { presence(e.userId, e.cellId); }
  void operator()(const events::RuntimeSessionStatusChanged& e) {
    update_session(e.sessionId, [&](RuntimeSessionRow& r) {
      r.status = *parse_literal<RuntimeStatus>(to_string(e.status));
    });
  }
  void operator()(const events::RuntimeSessionTerminated& e) {
    update_session(e.sessionId, [&](RuntimeSessionRow& r) {
      r.status = RuntimeStatus::terminated;
      r.isActive = false;
    });
  }
  template <EventOf<events::ExecutionRequested> Ev> void operator()(Ev&& e) {
    presence(actor_or(e.actorId, e.requestedBy), e.cellId);  // first: the ids move into the queue row
    queue_execution(take<Ev>(e.queueId), take<Ev>(e.cellId), e.executionCount, take<Ev>(e.requestedBy));
  }
  template <EventOf<events::ExecutionAssigned> Ev> void operator()(Ev&& e) {
    update_queue(e.queueId, [&](ExecutionQueueRow& q) {
      q.status = QueueStatus::assigned;
      q.assignedRuntimeSession = take<Ev>(e.runtimeSessionId);
    });
  }
  template <EventOf<events::ExecutionStarted> Ev> void operator()(Ev&& e) {
    update_queue(e.queueId, [&](ExecutionQueueRow& q) {
      q.status = QueueStatus::executing;
      q.startedAt = e.startedAt;
    });
    update_cell(e.cellId, [&](CellRow& c) {
      c.executionState = ExecutionState::running;
      c.assignedRuntimeSession = take<Ev>(e.runtimeSessionId);
    });
  }
  void operator()(const events::ExecutionCompleted& e) {
    const bool ok = e.status == CompletionStatus::success;
    update_queue(e.queueId, [&](ExecutionQueueRow& q) {
      q.status = ok ? QueueStatus::completed : QueueStatus::failed;
      q.completedAt = e.completedAt;
      q.executionDurationMs = e.executionDurationMs;
    });
    update_cell(e.cellId, [&](CellRow& c) {
      c.executionState = ok ? ExecutionState::completed : ExecutionState::error;
      c.lastExecutionDurationMs = e.executionDurationMs;
    });
  }
  void operator()(const events::ExecutionCancelled& e) {
    update_queue(e.queueId, [&](ExecutionQueueRow& q) { q.status = QueueStatus::cancelled; });
    update_cell(e.cellId, [&](CellRow& c) { c.executionState = ExecutionState::idle; });
    presence(actor_or(e.actorId, e.cancelledBy), e.cellId);
  }
  void operator()(const events::AllExecutionsCancelled&) {
    s_.executionQueue.for_each([](ExecutionQueueRow& q) {
      if (q.status == QueueStatus::pending || q.status == QueueStatus::assigned ||
          q.status == QueueStatus::executing)
        q.status = QueueStatus::cancelled;
    });
    s_.cells.for_each([](CellRow& c) {
      if (c.executionState == ExecutionState::queued || c.executionState == ExecutionState::running)
        c.executionState = ExecutionState::idle;
    });
  }
  void operator()(const events::MultipleExecutionRequested& e) {
    for (const auto& info : e.cellsInfo)
      queue_execution(info.queueId, info.id, info.executionCount, e.requestedBy);
  }
  // The output rows below are built in member order: `data` is read before `representations`
  // moves (the primary representation points into them).
  template <EventOf<events::MultimediaDisplayOutputAdded> Ev> void operator()(Ev&& e) {
    consume_pending_clear(e.cellId);
    const bool has_display_id = e.displayId && !e.displayId->empty();
    if (has_display_id) update_displays(*e.displayId, std::as_const(e.representations));
    const auto primary = select_primary(e.representations, kDisplayPreference);
    s_.outputs.insert_replace(OutputRow{
        .id = take<Ev>(e.id), .cellId = take<Ev>(e.cellId), .outputType = OutputType::multimedia_display,
        .position = e.position,
        .displayId = has_display_id ? take<Ev>(e.displayId) : std::optional<std::string>(),
        .data = primary ? flatten(*primary->media) : std::string(),
        .mimeType = primary ? std::string(primary->mime) : std::string("text/plain"),
        .metadata = Json(), .representations = take<Ev>(e.representations)});
  }
  template <EventOf<events::MultimediaDisplayOutputUpdated> Ev> void operator()(Ev&& e) {
    update_displays(e.displayId, take<Ev>(e.representations));
  }
  template <EventOf<events::MultimediaResultOutputAdded> Ev> void operator()(Ev&& e) {
    consume_pending_clear(e.cellId);
    const auto primary = select_primary(e.representations, kResultPreference);
    s_.outputs.insert_replace(OutputRow{
        .id = take<Ev>(e.id), .cellId = take<Ev>(e.cellId), .outputType = OutputType::multimedia_result,
        .position = e.position, .executionCount = e.executionCount,
        .data = primary ? flatten(*primary->media) : std::string(),
        .mimeType = primary ? std::string(primary->mime) : std::string("text/plain"),
        .metadata = Json(), .representations = take<Ev>(e.representations)});
  }
  template <EventOf<events::TerminalOutputAdded> Ev> void operator()(Ev&& e) {
    consume_pending_clear(e.cellId);
    s_.outputs.insert_replace(OutputRow{
        .id = take<Ev>(e.id), .cellId = take<Ev>(e.cellId), .outputType = OutputType::terminal,
        .position = e.position, .streamName = std::string(to_string(e.streamName)),
        .data = text_column(take<Ev>(e.content)), .artifactId = artifact_column(e.content),
        .mimeType = "text/plain", .metadata = metadata_column(take<Ev>(e.content))});
  }
  void operator()(const events::TerminalOutputAppendedV1& e) { append_v1(e.outputId, e.content); }
  template <EventOf<events::TerminalOutputAppendedV2> Ev> void operator()(Ev&& e) {
    add_delta(e.kName, take<Ev>(e.id), take<Ev>(e.outputId), take<Ev>(e.delta), e.sequenceNumber);
  }
  template <EventOf<events::MarkdownOutputAdded> Ev> void operator()(Ev&& e) {
    consume_pending_clear(e.cellId);
    s_.outputs.insert_replace(OutputRow{
        .id = take<Ev>(e.id), .cellId = take<Ev>(e.cellId), .outputType = OutputType::markdown,
        .position = e.position, .data = text_column(take<Ev>(e.content)),
        .artifactId = artifact_column(e.content), .mimeType = "text/markdown",
        .metadata = metadata_column(take<Ev>(e.content))});
  }
  void operator()(const events::MarkdownOutputAppendedV1& e) { append_v1(e.outputId, e.content); }
  template <EventOf<events::MarkdownOutputAppendedV2> Ev> void operator()(Ev&& e) {
    add_delta(e.kName, take<Ev>(e.id), take<Ev>(e.outputId), take<Ev>(e.delta), e.sequenceNumber);
  }
  template <EventOf<events::ErrorOutputAdded> Ev> void operator()(Ev&& e) {
    consume_pending_clear(e.cellId);
    // `JSON.stringify(data)`; absent data stringifies to undefined, which leaves the column NULL.
    std::optional<std::string> data;
    if (const Json* d = inline_data(e.content)) data = to_js_string(*d);
    s_.outputs.insert_replace(OutputRow{
        .id = take<Ev>(e.id), .cellId = take<Ev>(e.cellId), .outputType = OutputType::error,
        .position = e.position, .data = std::move(data), .artifactId = artifact_column(e.content),
        .mimeType = "application/json", .metadata = metadata_column(take<Ev>(e.content))});
  }
  void operator()(const events::CellOutputsCleared& e) {
    if (e.wait)
      s_.pendingClears.insert_replace(PendingClearRow{e.cellId, e.clearedBy});
    else
      s_.outputs.erase_cell(e.cellId);  // a pending clear stays; deltas stay
    if (!e.clearedBy.empty()) presence(e.clearedBy, e.cellId);
  }
  void operator()(const events::AllOutputsCleared&) {
    s_.outputs.clear();
    s_.pendingClears.clear();
  }
  void operator()(const events::AiSettingsChanged& e) {
    Json settings = Json::object();
    if (e.settings.temperature) settings.emplace("temperature", *e.settings.temperature);
    if (e.settings.maxTokens) settings.emplace("maxTokens", *e.settings.maxTokens);
    if (e.settings.systemPrompt) settings.emplace("systemPrompt", *e.settings.systemPrompt);
    update_cell(e.cellId, [&](CellRow& c) {
      c.aiProvider = e.provider;
      c.aiModel = e.model;
      c.aiSettings = std::move(settings);
    });
  }
  void operator()(const events::SqlConnectionChanged& e) {
    update_cell(e.cellId, [&](CellRow& c) { c.sqlConnectionId = e.connectionId; });
  }
  void operator()(const events::SqlResultVariableChanged& e) {
    update_cell(e.cellId, [&](CellRow& c) { c.sqlResultVariable = e.resultVariable; });
  }
  void operator()(const events::ActorProfileSet& e) {
    s_.actors.insert_replace(ActorRow{e.id, e.type, e.displayName, e.avatar});
  }
  void operator()(const events::ToolApprovalRequested& e) {
    // `arguments` is not stored, as in anode; a repeated request resets the answer.
    s_.toolApprovals.insert_replace(
        ToolApprovalRow{.toolCallId = e.toolCallId, .cellId = e.cellId,
                                      .toolName = e.toolName, .requestedAt = e.requestedAt});
  }
  void operator()(const events::ToolApprovalResponded& e) {
    if (ToolApprovalRow* row = s_.toolApprovals.find(e.toolCallId)) {
      row->status = *parse_literal<ApprovalStatus>(to_string(e.status));
      row->approvedBy = e.approvedBy;
      row->respondedAt = e.respondedAt;
    }
  }
  void operator()(const events::Unknown&) {}

 private:
  State& s_;
};

}  // namespace

void set_ui_state(State& state, const UiStateRow& patch) {
  UiStateRow* row = state.uiState.find(patch.id);
  if (row == nullptr) row = &state.uiState.insert_replace(UiStateRow{patch.id}).row;
  if (patch.selectedCellId) row->selectedCellId = patch.selectedCellId;
  if (patch.editingCellId) row->editingCellId = patch.editingCellId;
  if (patch.runtimeStatus) row->runtimeStatus = patch.runtimeStatus;
}

bool materialize(State& state, const Event& event) {
  if (std::holds_alternative<events::Unknown>(event)) return false;
  std::visit(Materializer(state), event);
  return true;
}

bool materialize(State& state, Event&& event) {
  if (std::holds_alternative<events::Unknown>(event)) return false;
  std::visit(Materializer(state), std::move(event));
  return true;
}

}  // namespace runt::schema
