#pragma once
// The checks a push must pass before anything is written: stricter than sync-cf 0.3.1, which
// checks only the first parent and acknowledges before writing.

#include "runt/protocol/frames.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace runt::sync {

inline constexpr size_t kMaxPushBatch = 50;

// Notebook ids are the store ids of the log, kept exactly (not sanitized into table names).
bool is_valid_store_id(std::string_view store_id);

// nullopt when `batch` may be appended to a log whose head is `head`; otherwise the error text
// for the client. A wrong first parent gets sync-cf's exact message (clients parse it).
std::optional<std::string> check_push(std::span<const protocol::WireEvent> batch, std::int64_t head);

}  // namespace runt::sync
