#pragma once
// The notebook as lines for a given width: each cell with its gutter (number, execution count,
// state, duration), its source (highlighted, or markdown rendered, or the edit buffer with its
// cursor), its outputs by the terminal-preferring choice of representation, an AI cell's tool
// calls and approvals; plus the header and footer. Pure: the state, the view and the images
// fetched so far in; lines out.

#include "runt/schema/state.hpp"
#include "runt/tui/notebook_view.hpp"
#include "runt/tui/styled_text.hpp"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace runt::tui {

// Images as they are drawn (chafa is slow enough to cache): by output and width.
class ImageCache {
 public:
  // The drawn image for `key`, drawing it with `draw` the first time.
  const Lines& get(const std::string& key, const std::function<Lines()>& draw);
  void clear() { drawn_.clear(); }

 private:
  std::map<std::string, Lines> drawn_;
};

struct LayoutInputs {
  int width = 80;
  int image_rows = 16;  // an image's height at most
  // Artifact bytes fetched so far (large images live in the server's artifact store).
  std::function<const std::string*(const std::string& artifact_id)> artifact;
  ImageCache* images = nullptr;
};

struct CellBlock {
  std::string cell_id;
  int top = 0, bottom = 0;  // lines of the document, inclusive
};

struct Document {
  Lines lines;
  std::vector<CellBlock> cells;
  std::set<std::string> wanted_artifacts;  // drawn as placeholders until fetched
  std::optional<std::pair<int, int>> cursor;  // the edit cursor: document line, column
};

Document lay_out(const schema::State& state, const NotebookView& view, const LayoutInputs& inputs);

struct HeaderInfo {
  std::string notebook_id;
  std::string connection;  // "connecting…", "connected", "offline — edits kept"
  bool online = false;
  std::int64_t now_ms = 0;
  std::string user_id;
};
Lines header(const schema::State& state, const HeaderInfo& info, int width);
// The terminal clips what is wider than it.
Line footer(const NotebookView& view);
Lines help_screen();

}  // namespace runt::tui
