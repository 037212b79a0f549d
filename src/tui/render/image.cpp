#include "runt/tui/render/image.hpp"

#include "text_layout.hpp"

#include <chafa.h>

#include <algorithm>
#include <memory>

namespace runt::tui::render {

namespace {

// chafa's objects are reference counted C structs: owned here so every path releases them.
struct ConfigUnref {
  void operator()(ChafaCanvasConfig* c) const { chafa_canvas_config_unref(c); }
};
struct SymbolMapUnref {
  void operator()(ChafaSymbolMap* m) const { chafa_symbol_map_unref(m); }
};
struct CanvasUnref {
  void operator()(ChafaCanvas* c) const { chafa_canvas_unref(c); }
};

// A cell's raw colour from chafa (a palette index in indexed modes, -1 or past 255 when
// transparent) as a Style's.
std::int16_t colour(gint c) { return c < 0 || c > 255 ? std::int16_t{-1} : static_cast<std::int16_t>(c); }

}  // namespace

Lines render_image(std::string_view png_bytes, int max_columns, int max_rows) {
  const RgbaImage image = decode_png(png_bytes);
  gint columns = std::max(1, max_columns);
  gint rows = std::max(1, max_rows);
  // Font ratio 0.5: a cell is about half as wide as it is tall. No zoom: a small image is not
  // blown up into blocky mush.
  chafa_calc_canvas_geometry(image.size.width, image.size.height, &columns, &rows, 0.5f, FALSE, FALSE);
  columns = std::max(1, columns);
  rows = std::max(1, rows);

  std::unique_ptr<ChafaSymbolMap, SymbolMapUnref> symbols(chafa_symbol_map_new());
  chafa_symbol_map_add_by_tags(symbols.get(), static_cast<ChafaSymbolTags>(CHAFA_SYMBOL_TAG_BLOCK | CHAFA_SYMBOL_TAG_HALF |
                                                                             CHAFA_SYMBOL_TAG_QUAD | CHAFA_SYMBOL_TAG_SPACE |
                                                                             CHAFA_SYMBOL_TAG_SOLID));
  std::unique_ptr<ChafaCanvasConfig, ConfigUnref> config(chafa_canvas_config_new());
  chafa_canvas_config_set_geometry(config.get(), columns, rows);
  // 240 colours: the xterm cube and greys, the same on every terminal (unlike 0–15).
  chafa_canvas_config_set_canvas_mode(config.get(), CHAFA_CANVAS_MODE_INDEXED_240);
  chafa_canvas_config_set_symbol_map(config.get(), symbols.get());  // copied by the config
  std::unique_ptr<ChafaCanvas, CanvasUnref> canvas(chafa_canvas_new(config.get()));
  chafa_canvas_draw_all_pixels(canvas.get(), CHAFA_PIXEL_RGBA8_UNASSOCIATED, image.pixels.data(), image.size.width,
                               image.size.height, image.size.width * 4);

  Lines out;
  for (gint y = 0; y < rows; ++y) {
    Line line;
    for (gint x = 0; x < columns; ++x) {
      const gunichar ch = chafa_canvas_get_char_at(canvas.get(), x, y);
      if (ch == 0) continue;  // the right half of a wide symbol
      gint fg = -1, bg = -1;
      chafa_canvas_get_raw_colors_at(canvas.get(), x, y, &fg, &bg);  // palette indices, not RGB
      std::string text;
      append_utf8(text, ch);
      line.add(text, Style{.fg = colour(fg), .bg = colour(bg)});
    }
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace runt::tui::render
