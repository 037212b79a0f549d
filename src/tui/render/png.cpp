#include "runt/tui/render/png.hpp"

#include <png.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace runt::tui::render {

namespace {

constexpr std::uint64_t max_pixels = 64ull << 20;

// libpng's simplified API: no setjmp, errors come back as a flag and a message.
struct PngReader {
  png_image image{};
  explicit PngReader(std::string_view bytes) {
    image.version = PNG_IMAGE_VERSION;
    if (bytes.empty() || !png_image_begin_read_from_memory(&image, bytes.data(), bytes.size()))
      fail("");
  }
  ~PngReader() { png_image_free(&image); }
  PngReader(const PngReader&) = delete;
  PngReader& operator=(const PngReader&) = delete;
  [[noreturn]] void fail(const std::string& what) const {
    const std::string detail = image.message[0] != '\0' ? std::string(": ") + image.message : what;
    throw std::invalid_argument("not a valid PNG image" + detail);
  }
};

}  // namespace

ImageSize png_size(std::string_view png_bytes) {
  PngReader reader(png_bytes);
  return ImageSize{static_cast<int>(reader.image.width), static_cast<int>(reader.image.height)};
}

RgbaImage decode_png(std::string_view png_bytes) {
  PngReader reader(png_bytes);
  const std::uint64_t pixels = std::uint64_t{reader.image.width} * reader.image.height;
  if (pixels > max_pixels)
    throw std::invalid_argument("PNG image too large to show (" + std::to_string(reader.image.width) + "×" +
                                std::to_string(reader.image.height) + ")");
  reader.image.format = PNG_FORMAT_RGBA;
  RgbaImage out;
  out.size = ImageSize{static_cast<int>(reader.image.width), static_cast<int>(reader.image.height)};
  out.pixels.resize(static_cast<std::size_t>(pixels) * 4);
  const auto stride = static_cast<png_int_32>(reader.image.width * 4);
  if (!png_image_finish_read(&reader.image, nullptr, out.pixels.data(), stride, nullptr))
    reader.fail(": its data is corrupt");
  return out;
}

}  // namespace runt::tui::render
