#pragma once
// The browser notebook's pages: a single-page app (index.html for every page path), the
// sandbox page of rich outputs (frame.html) and the bundle (/assets/), all behind a login;
// Jupyter's `?token=` login link, and POST /login, where a link from another site's page
// logs in once the reader pressed the button.

#include "context.hpp"
#include "http.hpp"

namespace runt::serve {

void serve_web_ui(ServerContext& server, Stream stream, const Request& request);

}  // namespace runt::serve
