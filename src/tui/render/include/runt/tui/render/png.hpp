#pragma once
// PNG decoding (libpng) for image outputs; base64 decoding is the caller's.

#include <cstdint>
#include <string_view>
#include <vector>

namespace runt::tui::render {

struct ImageSize {
  int width = 0;   // pixels
  int height = 0;
  bool operator==(const ImageSize&) const = default;
};

struct RgbaImage {
  ImageSize size;
  std::vector<std::uint8_t> pixels;  // width × height × 4 bytes, rows top to bottom, not premultiplied
};

// The image's size from its header alone (for "📷 Image 640×480" placeholders). Throws
// std::invalid_argument when `png_bytes` is no PNG.
ImageSize png_size(std::string_view png_bytes);

// The whole image as 8-bit RGBA (any PNG colour type or depth converted). Throws
// std::invalid_argument when `png_bytes` is no valid PNG or it exceeds 64 megapixels (a guard
// against hostile outputs exhausting memory).
RgbaImage decode_png(std::string_view png_bytes);

}  // namespace runt::tui::render
