#pragma once
// Jupyter notebooks (nbformat 4) to and from notebook logs: import a .ipynb's cells as events,
// and write a cell's outputs the way nbclient does (stream, display_data, execute_result,
// error).

#include "runt/schema/events.hpp"
#include "runt/schema/state.hpp"

#include <istream>
#include <stdexcept>
#include <string>
#include <vector>

namespace runt::ipynb {

using Json = schema::Json;

class IpynbError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses and checks a notebook: a JSON object with nbformat 4 and a cells array whose cells
// have a known cell_type and a source. Throws IpynbError saying what is wrong and where.
Json read_notebook(std::istream& in);

// A cell's source, whether stored as one string or as a list of lines.
std::string cell_source(const Json& cell);

// Brings the notebook to nbformat 4.5 (every cell gets a valid unique id) and returns the events
// that create its cells, in order, with evenly spaced fractional indices.
std::vector<schema::Event> import_cells(Json& notebook, const std::string& created_by);

// A cell's outputs in nbformat, as nbclient writes them (consecutive stream writes of one stream
// merged into one output).
Json outputs_of(const schema::State& state, const std::string& cell_id);

// The whole notebook from a state (for `runt export`): cells in order with their outputs.
Json export_notebook(const schema::State& state);

}  // namespace runt::ipynb
