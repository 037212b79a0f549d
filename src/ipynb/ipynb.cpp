#include "runt/ipynb/ipynb.hpp"

#include "runt/base/ids.hpp"

#include "runt/schema/fractional_index.hpp"
#include "runt/schema/json.hpp"
#include "runt/schema/literals.hpp"
#include "runt/schema/queries.hpp"

#include <random>
#include <set>
#include <sstream>

namespace runt::ipynb {

namespace events = schema::events;

namespace {

bool valid_cell_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  return true;
}

std::string random_cell_id() { return base::random_hex(12); }

// An inline representation's value as nbformat stores it.
Json inline_value(const schema::MediaRepresentation& media) {
  if (const auto* in = std::get_if<schema::InlineMedia>(&media)) return in->data.value_or(Json(nullptr));
  return Json(nullptr);
}

void add_bundle(Json& output, const schema::Representations& representations) {
  Json data = Json::object(), metadata = Json::object();
  for (const auto& [mime, media] : representations) {
    // Text fallbacks runt adds for artifacts say where the bytes are; nbformat wants the bytes.
    if (std::holds_alternative<schema::ArtifactMedia>(media)) continue;
    data[mime] = inline_value(media);
    const auto& meta = std::get<schema::InlineMedia>(media).metadata;
    if (meta && !meta->value.empty()) metadata[mime] = meta->value;
  }
  output["data"] = std::move(data);
  output["metadata"] = std::move(metadata);
}

}  // namespace

Json read_notebook(std::istream& in) {
  std::stringstream text;
  text << in.rdbuf();
  Json doc;
  try {
    doc = schema::parse_json(text.str());
  } catch (const std::exception& e) {
    throw IpynbError(std::string("not JSON: ") + e.what());
  }
  if (!doc.is_object()) throw IpynbError("not a notebook: the top level is not a JSON object");
  if (!doc.contains("nbformat") || !doc["nbformat"].is_number_integer() || doc["nbformat"] != 4)
    throw IpynbError("only nbformat 4 notebooks are supported (\"nbformat\": 4)");
  if (!doc.contains("cells") || !doc["cells"].is_array()) throw IpynbError("\"cells\" is missing or not a list");
  std::size_t i = 0;
  for (const auto& cell : doc["cells"]) {
    const std::string where = "cell " + std::to_string(i++) + ": ";
    if (!cell.is_object()) throw IpynbError(where + "not an object");
    const auto type_field = cell.find("cell_type");  // value() would throw a json type_error for a non-string
    const std::string type = type_field != cell.end() && type_field->is_string() ? type_field->get<std::string>() : "";
    if (type != "code" && type != "markdown" && type != "raw") throw IpynbError(where + "unknown cell_type \"" + type + "\"");
    if (!cell.contains("source")) throw IpynbError(where + "no source");
    const auto& source = cell["source"];
    if (!source.is_string() && !source.is_array()) throw IpynbError(where + "source must be a string or a list of strings");
    if (source.is_array())
      for (const auto& line : source)
        if (!line.is_string()) throw IpynbError(where + "source must be a string or a list of strings");
  }
  if (!doc.contains("metadata") || !doc["metadata"].is_object()) doc["metadata"] = Json::object();
  return doc;
}

std::string cell_source(const Json& cell) {
  const auto& source = cell.at("source");
  if (source.is_string()) return source.get<std::string>();
  std::string out;
  for (const auto& line : source) out += line.get<std::string>();
  return out;
}

std::vector<schema::Event> import_cells(Json& notebook, const std::string& created_by) {
  const auto found = notebook.find("nbformat_minor");
  const Json minor = found != notebook.end() && found->is_number_integer() && *found > 5 ? *found : Json(5);
  // Before taking `cells`: adding a key may move the notebook's members.
  notebook["nbformat_minor"] = minor;
  auto& cells = notebook["cells"];
  std::set<std::string> seen;
  for (auto& cell : cells) {
    std::string id = cell.contains("id") && cell["id"].is_string() ? cell["id"].get<std::string>() : "";
    while (!valid_cell_id(id) || seen.contains(id)) id = random_cell_id();
    seen.insert(id);
    cell["id"] = id;
  }
  const auto keys = schema::evenly_spaced_keys(cells.size());
  std::vector<schema::Event> out;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const auto& cell = cells[i];
    const std::string type = cell["cell_type"].get<std::string>();
    const auto cell_type = type == "markdown" ? schema::CellType::markdown : type == "raw" ? schema::CellType::raw : schema::CellType::code;
    const std::string id = cell["id"].get<std::string>();
    out.push_back(events::CellCreatedV2{id, keys[i], cell_type, created_by});
    const std::string source = cell_source(cell);
    if (!source.empty()) out.push_back(events::CellSourceChanged{id, source, created_by});
  }
  return out;
}

Json outputs_of(const schema::State& state, const std::string& cell_id) {
  Json outputs = Json::array();
  for (const auto& view : schema::outputs_of_cell(state, cell_id)) {
    const schema::OutputRow& row = *view.row;
    switch (row.outputType) {
      case schema::OutputType::terminal: {
        const std::string name = row.streamName.value_or("stdout");
        const std::string text = view.text.value_or("");
        if (!outputs.empty() && outputs.back().value("output_type", "") == "stream" && outputs.back().value("name", "") == name) {
          outputs.back()["text"] = outputs.back()["text"].get<std::string>() + text;
        } else {
          outputs.push_back(Json{{"output_type", "stream"}, {"name", name}, {"text", text}});
        }
        break;
      }
      case schema::OutputType::multimedia_display: {
        Json o{{"output_type", "display_data"}};
        add_bundle(o, row.representations.value_or(schema::Representations{}));
        outputs.push_back(std::move(o));
        break;
      }
      case schema::OutputType::multimedia_result: {
        Json o{{"output_type", "execute_result"}};
        add_bundle(o, row.representations.value_or(schema::Representations{}));
        o["execution_count"] = row.executionCount ? Json(*row.executionCount) : Json(nullptr);
        outputs.push_back(std::move(o));
        break;
      }
      case schema::OutputType::error: {
        Json content = Json::object();
        try {
          content = schema::parse_json(row.data.value_or("{}"));
        } catch (const std::exception&) {
        }
        Json traceback = content.value("traceback", Json::array());
        if (!traceback.is_array()) traceback = Json::array();
        outputs.push_back(Json{{"output_type", "error"},
                               {"ename", content.value("ename", "")},
                               {"evalue", content.value("evalue", "")},
                               {"traceback", traceback}});
        break;
      }
      case schema::OutputType::markdown:
        outputs.push_back(Json{{"output_type", "display_data"}, {"data", {{"text/markdown", view.text.value_or("")}}}, {"metadata", Json::object()}});
        break;
    }
  }
  return outputs;
}

Json export_notebook(const schema::State& state) {
  Json cells = Json::array();
  for (const auto* cell : schema::cells_in_order(state)) {
    Json c{{"id", valid_cell_id(cell->id) ? cell->id : random_cell_id()}, {"metadata", Json::object()}, {"source", cell->source}};
    switch (cell->cellType) {
      case schema::CellType::markdown: c["cell_type"] = "markdown"; break;
      case schema::CellType::raw: c["cell_type"] = "raw"; break;
      default:
        // sql and ai cells have no nbformat type: they travel as code with their kind noted.
        c["cell_type"] = "code";
        if (cell->cellType != schema::CellType::code) c["metadata"]["runt"] = {{"cellType", std::string(schema::to_string(cell->cellType))}};
        c["execution_count"] = cell->executionCount ? Json(*cell->executionCount) : Json(nullptr);
        c["outputs"] = outputs_of(state, cell->id);
    }
    cells.push_back(std::move(c));
  }
  std::string title = "Untitled";
  if (const auto* t = state.notebookMetadata.find("title")) title = t->value;
  return Json{{"cells", cells},
              {"metadata", {{"kernelspec", {{"display_name", "Python 3 (ipykernel)"}, {"language", "python"}, {"name", "python3"}}},
                            {"language_info", {{"name", "python"}}},
                            {"runt", {{"title", title}}}}},
              {"nbformat", 4},
              {"nbformat_minor", 5}};
}

}  // namespace runt::ipynb
