#pragma once
// Fractional indexing for cell order, compatible with anode's keys: base-36 strings
// (`0-9a-z`) ordered bytewise, so any client can insert between two cells without renumbering.
// The algorithm is anode's, with its defects fixed (each fix is noted where it is made).
// Randomness (jitter, which keeps concurrent inserts apart) comes from an injected source.

#include "runt/schema/events.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace runt::schema {

// Thrown when no key fits; `no_room()` tells the "no string exists between" / "invalid range"
// cases (which rebalancing solves) from invalid keys.
class FractionalIndexError : public std::invalid_argument {
 public:
  FractionalIndexError(const std::string& message, bool no_room)
      : std::invalid_argument(message), no_room_(no_room) {}
  bool no_room() const noexcept { return no_room_; }

 private:
  bool no_room_;
};

class JitterSource {
 public:
  virtual ~JitterSource() = default;
  virtual double random() = 0;  // in [0, 1)
  virtual int random_int(int max) { return static_cast<int>(random() * max); }
};

// Never jitters (random() is always ≥ 0.3).
class NoJitter final : public JitterSource {
 public:
  double random() override { return 0.999; }
};

// anode's `createTestJitterProvider(seed)`: the LCG with JavaScript's double arithmetic, so the
// same seed gives the same keys as the TypeScript tests.
class LcgJitter final : public JitterSource {
 public:
  explicit LcgJitter(std::uint32_t seed = 0) : state_(seed) {}
  double random() override;
  std::uint32_t state() const { return state_; }

 private:
  std::uint32_t state_;
};

using OptionalKey = std::optional<std::string_view>;

bool is_valid_key(std::string_view key);
// Keys strictly between a and b (either may be absent). Throws FractionalIndexError.
std::string key_between(OptionalKey a, OptionalKey b);
std::string key_after(std::string_view a);
// Fixed: anode returns "0" + b for an all-zero b, which sorts *after* b. No valid key sorts
// before an all-zero key, so this throws a no-room error instead.
std::string key_before(std::string_view b);

// key_between plus jitter: with probability 0.3 (and length < 10) append one random digit when
// the result stays strictly inside (a, b). Consumes random() on every call, random_int only
// when jitter is attempted, exactly as anode.
std::string fractional_index_between(OptionalKey a, OptionalKey b, JitterSource& jitter);
std::string initial_fractional_index(JitterSource& jitter);
// n keys, each between the previous one and b.
std::vector<std::string> generate_fractional_indices(OptionalKey a, OptionalKey b, size_t n,
                                                     JitterSource& jitter);
// Valid keys, strictly increasing (invalid entries dropped first, as anode does).
bool is_valid_key_order(std::span<const std::string> keys);

struct CellReference {
  std::string id;
  std::optional<std::string> fractionalIndex;
  CellType cellType = CellType::code;
};

// True when some adjacent pair of keys (sorted) has no room between it, or the slot at
// `insert_position` has none; a key outside the alphabet counts as no room. Cells without a
// key are skipped.
bool needs_rebalancing(std::span<const CellReference> cells,
                       std::optional<size_t> insert_position = std::nullopt);

struct Rebalance {
  std::vector<events::CellMovedV2> events;                      // one per changed cell
  std::vector<std::string> ordered_keys;                        // every cell's key, in order
};
// `count` keys of one width, evenly spread over the key space with room in every gap.
std::vector<std::string> evenly_spaced_keys(size_t count);

// Fresh keys for every cell in current order, with `buffer` spare slots at each end.
// Deliberately different from anode, which generates them sequentially from "m" (`m n o … y yh
// yi …`): for N cells those keys grow to about N/17 characters; evenly spaced keys have
// ⌈log36 2N⌉. The keys travel in the v2.CellMoved events, so clients need not agree on how
// they were chosen.
Rebalance rebalance_cell_indices(std::span<const CellReference> cells,
                                 std::string actor_id = "system", size_t buffer = 2);

struct CellCreation {
  std::vector<Event> events;  // rebalancing v2.CellMoved events, then one v2.CellCreated
  std::string new_cell_id;
  bool rebalanced = false;
  size_t rebalance_count = 0;
};
// Creates a cell between `before` and `after` (either absent: at that end; both absent: after
// the last cell). When there is no room, or a neighbour's key is invalid, it rebalances first. Fixed: anode placed the new cell
// among the *changed* keys only, which lands it in the wrong slot when some keys survive the
// rebalance; here the slot is found among all keys in order.
CellCreation create_cell_between(const std::string& id, CellType type, const std::string& created_by,
                                 const CellReference* before, const CellReference* after,
                                 std::span<const CellReference> all_cells, JitterSource& jitter);

// One v2.CellMoved putting `cell` between `before` and `after`, or nullopt when the cell has
// no key or already sits there. Throws FractionalIndexError when there is no room.
std::optional<events::CellMovedV2> move_cell_between(const CellReference& cell,
                                                     const CellReference* before,
                                                     const CellReference* after,
                                                     std::optional<std::string> actor_id,
                                                     JitterSource& jitter);

struct CellMove {
  std::vector<events::CellMovedV2> events;
  bool moved = false;
  bool rebalanced = false;
};
// move_cell_between that rebalances when there is no room. Fixed: anode returned only the
// rebalancing events and reported the move as done; here the events include the move itself.
CellMove move_cell_with_rebalancing(const CellReference& cell, const CellReference* before,
                                    const CellReference* after,
                                    std::span<const CellReference> all_cells,
                                    const std::string& actor_id, JitterSource& jitter);

}  // namespace runt::schema
