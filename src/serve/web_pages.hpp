#pragma once
// The browser notebook's pages: a single-page app (index.html for every page path), the
// sandbox page of rich outputs (frame.html) and the bundle (/assets/), all behind a login;
// Jupyter's `?token=` login link.

#include "context.hpp"
#include "http.hpp"

namespace runt::serve {

void serve_web_ui(ServerContext& server, Stream stream, const RequestHead& request);

}  // namespace runt::serve
