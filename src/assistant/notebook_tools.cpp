#include "runt/assistant/notebook_tools.hpp"

#include "runt/assistant/conversation.hpp"
#include "runt/base/clock.hpp"
#include "runt/base/ids.hpp"
#include "runt/schema/fractional_index.hpp"
#include "runt/schema/queries.hpp"

#include <random>

namespace runt::assistant {

using nlohmann::json;
namespace events = schema::events;

namespace {

json object_schema(json properties, std::vector<std::string> required) {
  return {{"type", "object"}, {"properties", std::move(properties)}, {"required", std::move(required)}};
}

json parse_arguments(const ai::ToolCall& call) {
  json args;
  try {
    args = json::parse(call.arguments.empty() ? "{}" : call.arguments);
  } catch (const json::exception& e) {
    throw ToolError("the arguments of " + call.name + " are not valid JSON (" + e.what() + "): " + call.arguments);
  }
  if (!args.is_object()) throw ToolError("the arguments of " + call.name + " must be a JSON object");
  return args;
}

std::string required_string(const json& args, const std::string& tool, std::initializer_list<const char*> names) {
  for (const char* name : names)
    if (args.contains(name) && args[name].is_string()) return args[name].get<std::string>();
  throw ToolError("Missing required parameter for " + tool + ": " + *names.begin() + " (a string)");
}

std::string new_suffix() { return std::to_string(base::now_ms()) + "-" + base::random_string("0123456789abcdefghijklmnopqrstuvwxyz", 9); }

schema::CellType cell_type_of(const std::string& name) {
  if (name == "code" || name.empty()) return schema::CellType::code;
  if (name == "markdown") return schema::CellType::markdown;
  if (name == "ai") return schema::CellType::ai;
  if (name == "sql") return schema::CellType::sql;
  if (name == "raw") return schema::CellType::raw;
  throw ToolError("cellType must be one of code, markdown, ai, sql (not " + name + ")");
}

std::string create_cell(agent::NotebookAccess& notebook, ToolSession& session, const json& args) {
  const std::string source = required_string(args, "create_cell", {"source", "content"});
  std::string after_id = required_string(args, "create_cell", {"after_id"});
  const std::string type_name = args.contains("cellType") && args["cellType"].is_string() ? args["cellType"].get<std::string>() : "code";
  const schema::CellType type = cell_type_of(type_name);
  const std::string id = "cell-" + new_suffix();
  std::vector<schema::Event> to_commit;
  notebook.read([&](const schema::State& state) {
    std::vector<schema::CellReference> cells;
    for (const auto* c : schema::cells_in_order(state)) cells.push_back({c->id, c->fractionalIndex, c->cellType});
    const auto position = [&](const std::string& cell_id) {
      return std::find_if(cells.begin(), cells.end(), [&](const auto& c) { return c.id == cell_id; });
    };
    if (after_id == session.ai_cell_id && !session.last_created.empty() && position(session.last_created) != cells.end())
      after_id = session.last_created;
    const auto before = position(after_id);
    if (before == cells.end()) throw ToolError("Cell with ID " + after_id + " not found");
    const schema::CellReference* next = before + 1 == cells.end() ? nullptr : &*(before + 1);
    schema::LcgJitter jitter(std::random_device{}());  // distinct keys when two clients insert at one place
    auto creation = schema::create_cell_between(id, type, session.actor, &*before, next, cells, jitter);
    to_commit = std::move(creation.events);
  });
  for (auto& e : to_commit) notebook.commit(std::move(e));
  if (!source.empty()) notebook.commit(events::CellSourceChanged{id, source, session.actor});
  if (after_id == session.ai_cell_id || after_id == session.last_created) session.last_created = id;
  return "Created " + type_name + " cell: " + id;
}

std::string modify_cell(agent::NotebookAccess& notebook, const ToolSession& session, const json& args) {
  const std::string id = required_string(args, "modify_cell", {"cellId"});
  const std::string source = required_string(args, "modify_cell", {"source", "content"});
  bool exists = false;
  notebook.read([&](const schema::State& state) { exists = state.cells.find(id) != nullptr; });
  if (!exists) throw ToolError("Cell with ID " + id + " not found");
  notebook.commit(events::CellSourceChanged{id, source, session.actor});
  return "Modified cell " + id + " with " + std::to_string(source.size()) + " characters";
}

// What a finished run left in the cell, for the model.
std::string outputs_summary(const schema::State& state, const std::string& cell_id) {
  std::vector<std::string> parts;
  std::string stream;
  for (const auto& view : schema::outputs_of_cell(state, cell_id)) {
    const auto& row = *view.row;
    switch (row.outputType) {
      case schema::OutputType::terminal: stream += view.text.value_or(""); break;
      case schema::OutputType::markdown: parts.push_back("Markdown: " + view.text.value_or("")); break;
      case schema::OutputType::error: {
        std::string text = row.data.value_or("");
        try {
          const auto e = schema::Json::parse(text);
          text = e.value("ename", std::string()) + ": " + e.value("evalue", std::string());
        } catch (const schema::Json::exception&) {
        }
        parts.push_back("Error: " + text);
        break;
      }
      case schema::OutputType::multimedia_display:
      case schema::OutputType::multimedia_result: {
        if (!row.representations) break;
        std::string text, images;
        for (const auto& [mime, media] : *row.representations) {
          if (mime.starts_with("image/")) images += (images.empty() ? "" : ", ") + mime;
          const auto* in = std::get_if<schema::InlineMedia>(&media);
          if (text.empty() && in && in->data && in->data->is_string() && (mime == "text/markdown" || mime == "text/plain"))
            text = in->data->get<std::string>();
        }
        const char* label = row.outputType == schema::OutputType::multimedia_result ? "Result: " : "Display: ";
        if (!images.empty()) parts.push_back(std::string(label) + "an image (" + images + ")");
        else if (!text.empty()) parts.push_back(label + text);
        break;
      }
    }
  }
  while (!stream.empty() && (stream.back() == '\n' || stream.back() == ' ')) stream.pop_back();
  if (!stream.empty()) parts.insert(parts.begin(), "Output: " + stream);
  std::string out;
  for (const auto& p : parts) out += ". " + truncate_middle(p, 2000);
  return out;
}

std::string execute_cell(agent::NotebookAccess& notebook, const ToolSession& session, const json& args) {
  const std::string id = required_string(args, "execute_cell", {"cellId"});
  const std::string queue_id = "exec-" + new_suffix();
  std::int64_t count = 0;
  notebook.read([&](const schema::State& state) {
    const auto* cell = state.cells.find(id);
    if (!cell) throw ToolError("Cell with ID " + id + " not found");
    if (cell->cellType != schema::CellType::code) throw ToolError("Cell " + id + " is not a code cell; only code cells can be executed");
    count = schema::next_execution_count(state);  // as the browser and the TUI number runs
  });
  notebook.commit(events::ExecutionRequested{queue_id, id, count, session.actor, session.actor});
  schema::QueueStatus status = schema::QueueStatus::pending;
  const bool finished = notebook.wait_until(
      [&](const schema::State& state) {
        const auto* row = state.executionQueue.find(queue_id);
        if (!row) return false;
        status = row->status;
        return status == schema::QueueStatus::completed || status == schema::QueueStatus::failed || status == schema::QueueStatus::cancelled;
      },
      session.execute_timeout, session.cancelled);
  if (!finished) {
    if (session.cancelled && session.cancelled()) throw ToolError("cancelled while cell " + id + " was running");
    throw ToolError("Execution of cell " + id + " did not finish within " +
                    std::to_string(std::chrono::duration_cast<std::chrono::seconds>(session.execute_timeout).count()) +
                    " seconds (it may still be running)");
  }
  std::string summary;
  notebook.read([&](const schema::State& state) { summary = outputs_summary(state, id); });
  if (status == schema::QueueStatus::cancelled) throw ToolError("Execution of cell " + id + " was cancelled" + summary);
  if (status == schema::QueueStatus::failed) throw ToolError("Execution failed for cell " + id + summary);
  return "Cell " + id + " executed successfully" + summary;
}

}  // namespace

std::vector<ai::ToolSpec> builtin_tool_specs() {
  return {
      {"create_cell",
       "Create a new cell in the notebook, below a given cell. Use your own cell id as after_id to place it below yourself.",
       object_schema({{"cellType", {{"type", "string"}, {"enum", {"code", "markdown", "ai", "sql"}}, {"description", "The kind of cell (default code)"}}},
                      {"source", {{"type", "string"}, {"description", "The cell's source, with real newlines"}}},
                      {"after_id", {{"type", "string"}, {"description", "The id of the cell to insert after"}}}},
                     {"source", "after_id"})},
      {"modify_cell", "Replace the source of an existing cell.",
       object_schema({{"cellId", {{"type", "string"}, {"description", "The id of the cell"}}},
                      {"source", {{"type", "string"}, {"description", "The new source"}}}},
                     {"cellId", "source"})},
      {"execute_cell", "Run a code cell and wait for it; returns a summary of its outputs.",
       object_schema({{"cellId", {{"type", "string"}, {"description", "The id of the code cell to run"}}}}, {"cellId"})},
  };
}

bool is_builtin_tool(const std::string& name) { return name == "create_cell" || name == "modify_cell" || name == "execute_cell"; }

std::string run_builtin_tool(agent::NotebookAccess& notebook, ToolSession& session, const ai::ToolCall& call) {
  const json args = parse_arguments(call);
  if (call.name == "create_cell") return create_cell(notebook, session, args);
  if (call.name == "modify_cell") return modify_cell(notebook, session, args);
  if (call.name == "execute_cell") return execute_cell(notebook, session, args);
  throw ToolError("Unknown tool: " + call.name);
}

}  // namespace runt::assistant
