#include "runt/assistant/conversation.hpp"

#include "runt/assistant/tool_outputs.hpp"
#include "runt/schema/queries.hpp"

#include <map>
#include <regex>

namespace runt::assistant {

using ai::Message;
using ai::Role;
using schema::Json;

std::string system_prompt(const std::string& cell_id) {
  return "You are a helpful AI assistant in a collaborative, event-sourced notebook. You can see every cell above this one, "
         "with its outputs. You can create, modify and run cells with your tools; code runs in the notebook's Python kernel, "
         "and what it prints or displays comes back to you. Write source code with real newlines (do not double-escape "
         "them). Review your code and its outputs, decide how you will know the result is right, and iterate until it is.\n\n"
         "Your current cell ID is " + cell_id + "; use it as `after_id` with `create_cell` to place cells below yourself.";
}

std::string truncate_middle(const std::string& text, std::size_t limit) {
  if (text.size() <= limit) return text;
  const std::size_t head = limit * 2 / 3, tail = limit - head;
  return text.substr(0, head) + "\n[… " + std::to_string(text.size() - head - tail) + " characters omitted …]\n" +
         text.substr(text.size() - tail);
}

namespace {

std::string strip_ansi(const std::string& text) {
  static const std::regex ansi("\x1b\\[[0-9;?]*[ -/]*[@-~]");
  return std::regex_replace(text, ansi, "");
}

std::string fence(const std::string& text, const std::string& language = "") { return "```" + language + "\n" + text + "\n```"; }

std::optional<std::string> inline_text(const schema::Representations& reps, std::string_view mime) {
  for (const auto& [m, media] : reps)
    if (m == mime)
      if (const auto* in = std::get_if<schema::InlineMedia>(&media); in && in->data)
        return in->data->is_string() ? in->data->get<std::string>() : in->data->dump();
  return std::nullopt;
}

// A display or result, for a model that reads text (runt-spec §5.5 toAIMediaBundle).
std::string describe_media(const schema::Representations& reps, const ContextLimits& limits) {
  std::vector<std::string> parts;
  if (auto md = inline_text(reps, "text/markdown")) {
    parts.push_back(truncate_middle(*md, limits.output_chars));
  } else if (auto plain = inline_text(reps, "text/plain")) {
    parts.push_back(fence(truncate_middle(*plain, limits.output_chars)));
  } else if (auto html = inline_text(reps, "text/html")) {
    static const std::regex tags("<[^>]*>");
    parts.push_back(fence(truncate_middle(std::regex_replace(*html, tags, ""), limits.output_chars)));
  }
  for (const auto& [mime, media] : reps)
    if (mime == "application/json" || (mime.ends_with("+json") && mime.find("vnd.anode") == std::string::npos))
      if (auto json = inline_text(reps, mime)) parts.push_back("**Structured Data:**\n" + fence(truncate_middle(*json, limits.output_chars), "json"));
  std::vector<std::string> images;
  for (const auto& [mime, media] : reps)
    if (mime.starts_with("image/")) images.push_back(mime);
  if (!images.empty()) {
    std::string list;
    for (const auto& m : images) list += (list.empty() ? "" : ", ") + m;
    parts.push_back("**Visual Content:** " + list + " (an image the notebook shows; not included here)");
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "\n") + p;
  return out;
}

std::string describe_error(const std::string& data) {
  try {
    const Json e = Json::parse(data);
    return fence("Error: " + e.value("ename", std::string()) + ": " + e.value("evalue", std::string()));
  } catch (const Json::exception&) {
    return fence("Error: " + data);
  }
}

std::string language_of(schema::CellType type) { return type == schema::CellType::sql ? "sql" : "python"; }

std::string cell_type_name(schema::CellType type) {
  switch (type) {
    case schema::CellType::code: return "code";
    case schema::CellType::sql: return "sql";
    case schema::CellType::markdown: return "markdown";
    case schema::CellType::ai: return "ai";
    case schema::CellType::raw: return "raw";
  }
  return "code";
}

Message user(std::string text) { return Message{Role::user, std::move(text), {}, "", ""}; }

void add_code_cell(const schema::State& state, const schema::CellRow& cell, const ContextLimits& limits, std::vector<Message>& out) {
  std::string text = "Notebook " + cell_type_name(cell.cellType) + " cell " + cell.id + ":\n" + fence(cell.source, language_of(cell.cellType));
  std::string outputs;
  std::string stream_text;
  const auto flush_stream = [&] {
    if (stream_text.empty()) return;
    outputs += "\n" + fence(truncate_middle(strip_ansi(stream_text), limits.output_chars));
    stream_text.clear();
  };
  for (const auto& view : schema::outputs_of_cell(state, cell.id)) {
    const auto& row = *view.row;
    switch (row.outputType) {
      case schema::OutputType::terminal:
        stream_text += view.text.value_or(row.artifactId ? "[output stored as artifact " + *row.artifactId + "]" : "");
        continue;
      case schema::OutputType::markdown:
        flush_stream();
        outputs += "\n" + truncate_middle(view.text.value_or(""), limits.output_chars);
        break;
      case schema::OutputType::error:
        flush_stream();
        outputs += "\n" + describe_error(row.data.value_or(""));
        break;
      case schema::OutputType::multimedia_display:
      case schema::OutputType::multimedia_result:
        flush_stream();
        if (row.representations) outputs += "\n" + describe_media(*row.representations, limits);
        break;
    }
  }
  flush_stream();
  if (!outputs.empty()) text += "\nOutput:" + outputs;
  out.push_back(user(std::move(text)));
}

// An earlier AI cell: its question, then per iteration the answer with its tool calls and the
// tool results (every call answered, as the APIs require).
void add_ai_cell(const schema::State& state, const schema::CellRow& cell, std::vector<Message>& out) {
  if (!cell.source.empty()) out.push_back(user(cell.source));
  struct Turn {
    Message answer{Role::assistant, "", {}, "", ""};
    std::map<std::string, std::string> results;  // by call id
  };
  std::vector<Turn> turns;
  int turn_iteration = -1;
  const auto turn_for = [&](int iteration, bool new_text) -> Turn& {
    // A new iteration, or text after tool calls, starts a new turn.
    if (turns.empty() || iteration != turn_iteration || (new_text && !turns.back().answer.tool_calls.empty())) {
      turns.emplace_back();
      turn_iteration = iteration;
    }
    return turns.back();
  };
  for (const auto& view : schema::outputs_of_cell(state, cell.id)) {
    const auto& row = *view.row;
    if (row.outputType == schema::OutputType::markdown) {
      const Json* anode = row.metadata.is_object() && row.metadata.contains("anode") ? &row.metadata["anode"] : nullptr;
      if (!anode || !anode->is_object() || anode->value("role", std::string()) != "assistant") continue;
      const int iteration = anode->value("iteration", 0);
      turn_for(iteration, true).answer.content += view.text.value_or("");
    } else if (row.outputType == schema::OutputType::multimedia_display && row.representations) {
      if (auto card = read_tool_call_card(*row.representations)) {
        Turn& turn = turn_for(card->iteration, false);
        turn.answer.tool_calls.push_back(card->call);
        if (!card->ok) turn.results[card->call.id] = "Error: " + card->result;
      } else if (auto result = read_tool_result_card(*row.representations)) {
        for (auto& turn : turns)
          for (const auto& call : turn.answer.tool_calls)
            if (call.id == result->tool_call_id) turn.results[call.id] = result->result.empty() ? "Success" : result->result;
      }
    }
  }
  for (auto& turn : turns) {
    if (turn.answer.content.empty() && turn.answer.tool_calls.empty()) continue;
    out.push_back(turn.answer);
    for (const auto& call : turn.answer.tool_calls) {
      const auto it = turn.results.find(call.id);
      out.push_back(Message{Role::tool, it == turn.results.end() ? "Error: the tool call did not finish (interrupted)" : it->second, {},
                            call.id, call.name});
    }
  }
}

}  // namespace

std::vector<Message> build_conversation(const schema::State& state, const std::string& cell_id, const ContextLimits& limits) {
  std::vector<Message> out;
  const auto* me = state.cells.find(cell_id);
  if (!me) return out;
  out.push_back(Message{Role::system, system_prompt(cell_id), {}, "", ""});
  for (const auto* cell : schema::cells_in_order(state)) {
    if (cell->id == cell_id) break;
    if (!cell->aiContextVisible) continue;
    switch (cell->cellType) {
      case schema::CellType::code:
      case schema::CellType::sql: add_code_cell(state, *cell, limits, out); break;
      case schema::CellType::markdown:
        if (!cell->source.empty()) out.push_back(user("Notebook markdown cell " + cell->id + ":\n" + cell->source));
        break;
      case schema::CellType::ai: add_ai_cell(state, *cell, out); break;
      case schema::CellType::raw: break;
    }
  }
  out.push_back(user(me->source));
  return out;
}

}  // namespace runt::assistant
