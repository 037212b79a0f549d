#include "runt/schema/state_json.hpp"

#include "runt/schema/codec.hpp"
#include "runt/schema/queries.hpp"

namespace runt::schema {

namespace {

template <class T> Json nullable(const std::optional<T>& v) {
  if (!v) return Json();
  if constexpr (std::is_same_v<T, Timestamp>)
    return format_iso(*v);
  else
    return *v;
}

Json output_json(const OutputRow& o, const std::optional<std::string>& text) {
  Json j = Json::object();
  j.emplace("id", o.id);
  j.emplace("cellId", o.cellId);
  j.emplace("outputType", to_string(o.outputType));
  j.emplace("position", o.position);
  j.emplace("streamName", nullable(o.streamName));
  j.emplace("executionCount", nullable(o.executionCount));
  j.emplace("displayId", nullable(o.displayId));
  j.emplace("data", nullable(text));
  j.emplace("artifactId", nullable(o.artifactId));
  j.emplace("mimeType", nullable(o.mimeType));
  j.emplace("metadata", Json(o.metadata));
  j.emplace("representations", o.representations ? encode_representations(*o.representations) : Json());
  return j;
}

Json cell_json(const State& state, const CellRow& c) {
  Json j = Json::object();
  j.emplace("id", c.id);
  j.emplace("cellType", to_string(c.cellType));
  j.emplace("source", c.source);
  j.emplace("fractionalIndex", nullable(c.fractionalIndex));
  j.emplace("executionCount", nullable(c.executionCount));
  j.emplace("executionState", to_string(c.executionState));
  j.emplace("assignedRuntimeSession", nullable(c.assignedRuntimeSession));
  j.emplace("lastExecutionDurationMs", nullable(c.lastExecutionDurationMs));
  j.emplace("sqlConnectionId", nullable(c.sqlConnectionId));
  j.emplace("sqlResultVariable", nullable(c.sqlResultVariable));
  j.emplace("aiProvider", nullable(c.aiProvider));
  j.emplace("aiModel", nullable(c.aiModel));
  j.emplace("aiSettings", nullable(c.aiSettings));
  j.emplace("sourceVisible", c.sourceVisible);
  j.emplace("outputVisible", c.outputVisible);
  j.emplace("aiContextVisible", c.aiContextVisible);
  j.emplace("createdBy", c.createdBy);
  Json outputs = Json::array();
  for (const auto& view : outputs_of_cell(state, c.id)) outputs.push_back(output_json(*view.row, view.text));
  j.emplace("outputs", std::move(outputs));
  return j;
}

}  // namespace

Json state_to_json(const State& state) {
  Json doc = Json::object();

  Json metadata = Json::object();
  for (const auto* row : state.notebookMetadata.in_insertion_order()) append_new_member(metadata, row->key, row->value);
  doc.emplace("metadata", std::move(metadata));

  Json cells = Json::array();
  for (const auto* c : cells_in_order(state)) cells.push_back(cell_json(state, *c));
  doc.emplace("cells", std::move(cells));

  Json orphans = Json::array();
  for (const auto* o : state.outputs.in_insertion_order())
    if (!state.cells.contains(o->cellId)) orphans.push_back(output_json(*o, output_text(state, *o)));
  doc.emplace("orphanOutputs", std::move(orphans));

  Json queue = Json::array();
  for (const auto* q : execution_queue(state)) {
    Json j = Json::object();
    j.emplace("id", q->id);
    j.emplace("cellId", q->cellId);
    j.emplace("executionCount", q->executionCount);
    j.emplace("requestedBy", q->requestedBy);
    j.emplace("status", to_string(q->status));
    j.emplace("assignedRuntimeSession", nullable(q->assignedRuntimeSession));
    j.emplace("startedAt", nullable(q->startedAt));
    j.emplace("completedAt", nullable(q->completedAt));
    j.emplace("executionDurationMs", nullable(q->executionDurationMs));
    queue.push_back(std::move(j));
  }
  doc.emplace("executionQueue", std::move(queue));

  Json sessions = Json::array();
  for (const auto* r : state.runtimeSessions.in_insertion_order()) {
    Json j = Json::object();
    j.emplace("sessionId", r->sessionId);
    j.emplace("runtimeId", r->runtimeId);
    j.emplace("runtimeType", r->runtimeType);
    j.emplace("status", to_string(r->status));
    j.emplace("isActive", r->isActive);
    j.emplace("canExecuteCode", r->canExecuteCode);
    j.emplace("canExecuteSql", r->canExecuteSql);
    j.emplace("canExecuteAi", r->canExecuteAi);
    j.emplace("availableAiModels", Json(r->availableAiModels));
    j.emplace("lastRenewedAt", nullable(r->lastRenewedAt));
    j.emplace("expiresAt", nullable(r->expiresAt));
    sessions.push_back(std::move(j));
  }
  doc.emplace("runtimeSessions", std::move(sessions));

  Json presence = Json::array();
  for (const auto* p : state.presence.in_insertion_order())
    presence.push_back(Json{{"userId", p->userId}, {"cellId", nullable(p->cellId)}});
  doc.emplace("presence", std::move(presence));

  Json actors = Json::array();
  for (const auto* a : state.actors.in_insertion_order())
    actors.push_back(Json{{"id", a->id},
                          {"type", to_string(a->type)},
                          {"displayName", a->displayName},
                          {"avatar", nullable(a->avatar)}});
  doc.emplace("actors", std::move(actors));

  Json approvals = Json::array();
  for (const auto* t : state.toolApprovals.in_insertion_order())
    approvals.push_back(Json{{"toolCallId", t->toolCallId},
                             {"cellId", t->cellId},
                             {"toolName", t->toolName},
                             {"status", to_string(t->status)},
                             {"approvedBy", nullable(t->approvedBy)},
                             {"requestedAt", format_iso(t->requestedAt)},
                             {"respondedAt", nullable(t->respondedAt)}});
  doc.emplace("toolApprovals", std::move(approvals));

  Json files = Json::array();
  for (const auto* f : state.files.in_insertion_order())
    files.push_back(Json{{"fileName", f->fileName},
                         {"mimeType", f->mimeType},
                         {"artifactId", f->artifactId},
                         {"createdAt", nullable(f->createdAt)},
                         {"createdBy", f->createdBy},
                         {"deletedAt", nullable(f->deletedAt)}});
  doc.emplace("files", std::move(files));

  Json clears = Json::array();
  for (const auto* p : state.pendingClears.in_insertion_order())
    clears.push_back(Json{{"cellId", p->cellId}, {"clearedBy", p->clearedBy}});
  doc.emplace("pendingClears", std::move(clears));

  Json debug = Json::array();
  for (const auto* d : state.debug.in_insertion_order())
    debug.push_back(Json{{"id", d->id}, {"version", d->version}});
  doc.emplace("debug", std::move(debug));

  return doc;
}

}  // namespace runt::schema
