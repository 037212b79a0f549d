#include "runt/tui/render/image.hpp"

#include "render_test_support.hpp"

#include <png.h>

#include <set>
#include <stdexcept>

namespace runt::tui::render {
namespace {

using Image = RenderTest;

// A width × height PNG, its left half red and its right half blue, written with libpng.
std::string two_colour_png(int width, int height) {
  std::vector<std::uint8_t> rgba(static_cast<std::size_t>(width * height * 4));
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      std::uint8_t* p = &rgba[static_cast<std::size_t>((y * width + x) * 4)];
      p[0] = x < width / 2 ? 255 : 0;
      p[2] = x < width / 2 ? 0 : 255;
      p[3] = 255;
    }
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(width);
  image.height = static_cast<png_uint_32>(height);
  image.format = PNG_FORMAT_RGBA;
  png_alloc_size_t size = 0;
  EXPECT_TRUE(png_image_write_to_memory(&image, nullptr, &size, 0, rgba.data(), 0, nullptr));
  std::string out(size, '\0');
  EXPECT_TRUE(png_image_write_to_memory(&image, out.data(), &size, 0, rgba.data(), 0, nullptr));
  out.resize(size);
  return out;
}

// The colours a cell shows (its symbol's and its background), for "is this cell red" checks.
std::set<int> colours(const Span& s) { return {s.style.fg, s.style.bg}; }

TEST_F(Image, SizeFromTheHeader) {
  EXPECT_EQ(png_size(two_colour_png(40, 20)), (ImageSize{40, 20}));
}

TEST_F(Image, DrawsCellsKeepingTheAspectRatio) {
  const std::string png = two_colour_png(40, 20);
  // 20 columns for 40 pixels: 2 pixels a column; cells twice as tall as wide make 20 pixels 5 rows.
  const Lines l = render_image(png, 20, 100);
  ASSERT_EQ(l.size(), 5u);
  for (const auto& row : l) {
    EXPECT_EQ(display_width(row.text()), 20);
    std::vector<Span> each;  // one span per cell, whatever merging did
    for (const auto& s : row.spans)
      for (std::size_t i = 0; i < s.text.size();) {
        std::size_t n = 1;
        while (i + n < s.text.size() && (static_cast<unsigned char>(s.text[i + n]) & 0xC0) == 0x80) ++n;
        each.push_back(Span{s.text.substr(i, n), s.style});
        i += n;
      }
    ASSERT_EQ(each.size(), 20u);
    EXPECT_TRUE(colours(each.front()).count(196)) << "left half red: " << testing::PrintToString(each.front()) << testing::PrintToString(each.back());
    EXPECT_TRUE(colours(each.back()).count(21)) << "right half blue";
    EXPECT_FALSE(colours(each.front()).count(21));
  }
}

TEST_F(Image, RowsBoundTheSize) {
  const Lines l = render_image(two_colour_png(40, 20), 200, 3);
  ASSERT_EQ(l.size(), 3u);
  EXPECT_LE(display_width(l[0].text()), 12);
  // Never blown up past the pixels: 40 columns at most for a 40-pixel-wide image.
  EXPECT_LE(display_width(render_image(two_colour_png(40, 20), 200, 200)[0].text()), 40);
}

TEST_F(Image, InvalidPngThrows) {
  EXPECT_THROW(render_image("not a png", 20, 10), std::invalid_argument);
  EXPECT_THROW(png_size(""), std::invalid_argument);
  std::string png = two_colour_png(40, 20);
  EXPECT_THROW(render_image(png.substr(0, png.size() / 2), 20, 10), std::invalid_argument);  // truncated
  for (std::size_t i = 60; i < png.size() - 20; ++i) png[i] = static_cast<char>(png[i] ^ 0x5A);  // corrupt data
  try {
    render_image(png, 20, 10);
    FAIL() << "a corrupt PNG was drawn";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("PNG"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace runt::tui::render
