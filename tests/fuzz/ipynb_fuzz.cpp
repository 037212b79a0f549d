// The .ipynb importer on arbitrary bytes. read_notebook accepts a notebook or throws
// IpynbError; an accepted one imports (import_cells) without error, and once imported it is
// nbformat 4.5 with valid unique ids, so reading and importing it again gives the same events.
// The events materialize, and the exported notebook reads back with the same cells.

#include "runt/ipynb/ipynb.hpp"
#include "runt/schema/json.hpp"
#include "runt/schema/materialize.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

namespace {

using namespace runt;

void check(bool ok, const char* what, std::string_view text) {
  if (ok) return;
  std::fprintf(stderr, "ipynb_fuzz: %s\nnotebook: %.*s\n", what, static_cast<int>(text.size()), text.data());
  std::abort();
}

ipynb::Json read(const std::string& text) {
  std::istringstream in(text);
  return ipynb::read_notebook(in);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ipynb::Json notebook;
  try {
    notebook = read(std::string(reinterpret_cast<const char*>(data), size));
  } catch (const ipynb::IpynbError&) {
    return 0;
  }
  const auto events = ipynb::import_cells(notebook, "fuzz");

  const std::string imported = schema::to_js_string(notebook);
  ipynb::Json again = read(imported);
  check(ipynb::import_cells(again, "fuzz") == events, "importing the imported notebook gives other events", imported);

  schema::State state;
  for (const auto& event : events) materialize(state, event);
  const std::string exported = schema::to_js_string(ipynb::export_notebook(state));
  const ipynb::Json back = read(exported);
  check(back["cells"].size() == notebook["cells"].size(), "the export has another number of cells", exported);
  for (std::size_t i = 0; i < back["cells"].size(); ++i) {
    const auto& cell = back["cells"][i];
    const auto& original = notebook["cells"][i];
    check(cell["id"] == original["id"] && cell["cell_type"] == original["cell_type"], "the export changed a cell", exported);
    check(ipynb::cell_source(cell) == ipynb::cell_source(original), "the export changed a source", exported);
  }
  return 0;
}
