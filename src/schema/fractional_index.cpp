#include "runt/schema/fractional_index.hpp"

#include <algorithm>
#include <cmath>

namespace runt::schema {

namespace {

constexpr std::string_view kDigits = "0123456789abcdefghijklmnopqrstuvwxyz";
constexpr int kBase = 36;

int value_of(char c) {
  const auto pos = kDigits.find(c);
  if (pos == std::string_view::npos)
    throw FractionalIndexError(std::string("Invalid character: ") + c, false);
  return static_cast<int>(pos);
}

char digit(int value) { return kDigits[static_cast<size_t>(value)]; }

[[noreturn]] void no_room_between(std::string_view a, std::string_view b) {
  throw FractionalIndexError("No string exists between \"" + std::string(a) + "\" and \"" +
                                 std::string(b) + "\" in base36 encoding",
                             true);
}

// JavaScript treats "" like an absent key (`!a`).
OptionalKey present(OptionalKey k) { return k && !k->empty() ? k : std::nullopt; }

}  // namespace

double LcgJitter::random() {
  // JavaScript: (state * 1103515245 + 12345) & 0x7fffffff, computed in doubles, then ToInt32.
  const double q = static_cast<double>(state_) * 1103515245.0 + 12345.0;
  const double wrapped = std::fmod(q, 4294967296.0);
  state_ = static_cast<std::uint32_t>(static_cast<std::uint64_t>(wrapped) & 0x7fffffffu);
  return static_cast<double>(state_) / 2147483647.0;
}

bool is_valid_key(std::string_view key) {
  return !key.empty() && key.find_first_not_of(kDigits) == std::string_view::npos;
}

std::string key_after(std::string_view a) {
  if (a.empty()) return "m";
  const auto last = a.find_last_not_of('z');
  if (last == std::string_view::npos) return std::string(a) + "h";
  const int v = value_of(a[last]);
  if (v < kBase - 2) return std::string(a.substr(0, last)) + digit(v + 1);
  return std::string(a) + "h";  // 'y': extend rather than touch the 'z' boundary
}

std::string key_before(std::string_view b) {
  if (b.empty()) return "m";
  const auto i = b.find_first_not_of('0');
  if (i == std::string_view::npos)
    throw FractionalIndexError("No string exists before \"" + std::string(b) + "\" in base36 encoding",
                               true);
  const int v = value_of(b[i]);
  if (i == 0 && v > 1) return std::string(1, digit(v / 2));
  if (v > 1) return std::string(b.substr(0, i)) + digit(v / 2);
  return std::string(b.substr(0, i)) + "0h";
}

std::string key_between(OptionalKey a_in, OptionalKey b_in) {
  const OptionalKey a_opt = present(a_in), b_opt = present(b_in);
  if (!a_opt && !b_opt) return "m";
  if (!a_opt) return key_before(*b_opt);
  if (!b_opt) return key_after(*a_opt);
  const std::string_view a = *a_opt, b = *b_opt;
  if (a >= b)
    throw FractionalIndexError("Invalid range: " + std::string(a) + " >= " + std::string(b), true);

  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;

  if (i == a.size()) {  // a is a prefix of b
    const int next = value_of(b[i]);
    if (next > 0) return std::string(a) + digit(next / 2);
    size_t j = i;
    while (j < b.size() && b[j] == '0') ++j;
    const size_t zeros = j - i;
    if (b.size() > i + 1) {
      if (j == b.size() && zeros > 1) return std::string(a) + std::string(zeros / 2, '0');
      if (j < b.size()) return std::string(a) + std::string(zeros, '0') + digit(value_of(b[j]) / 2);
    }
    no_room_between(a, b);
  }

  const int av = value_of(a[i]), bv = value_of(b[i]);
  if (bv - av > 1) {
    std::string out(a);
    out[i] = digit((av + bv) / 2);
    return out;
  }
  if (i + 1 < a.size()) return std::string(a.substr(0, i + 1)) + key_after(a.substr(i + 1));
  return std::string(a.substr(0, i + 1)) + "h";
}

std::string fractional_index_between(OptionalKey a_in, OptionalKey b_in, JitterSource& jitter) {
  const OptionalKey a = present(a_in), b = present(b_in);
  std::string key = key_between(a, b);
  if (jitter.random() < 0.3 && key.size() < 10) {
    std::string candidate = key + digit(jitter.random_int(kBase));
    if ((!a || candidate > *a) && (!b || candidate < *b)) return candidate;
  }
  return key;
}

std::string initial_fractional_index(JitterSource& jitter) {
  return fractional_index_between(std::nullopt, std::nullopt, jitter);
}

std::vector<std::string> generate_fractional_indices(OptionalKey a, OptionalKey b, size_t n,
                                                     JitterSource& jitter) {
  std::vector<std::string> keys;
  keys.reserve(n);
  std::optional<std::string> prev = a ? std::optional<std::string>(*a) : std::nullopt;
  for (size_t i = 0; i < n; ++i) {
    keys.push_back(fractional_index_between(prev, b, jitter));
    prev = keys.back();
  }
  return keys;
}

bool is_valid_key_order(std::span<const std::string> keys) {
  std::optional<std::string_view> prev;
  for (const auto& k : keys) {
    if (!is_valid_key(k)) continue;
    if (prev && !(*prev < k)) return false;
    prev = k;
  }
  return true;
}

namespace {

// Sorted by key (a cell without one first, as SQLite and anode's `|| ""` sort do), ties by id.
std::vector<const CellReference*> sorted_cells(std::span<const CellReference> cells) {
  std::vector<const CellReference*> out;
  out.reserve(cells.size());
  for (const auto& c : cells) out.push_back(&c);
  std::stable_sort(out.begin(), out.end(), [](const CellReference* x, const CellReference* y) {
    static const std::string kNone;
    const std::string& kx = x->fractionalIndex ? *x->fractionalIndex : kNone;
    const std::string& ky = y->fractionalIndex ? *y->fractionalIndex : kNone;
    return kx != ky ? kx < ky : x->id < y->id;
  });
  return out;
}

// A pair with no key between it, or with a key outside the alphabet (logs can carry any
// string, e.g. legacy "a-1"), can only be fixed by rebalancing.
bool has_room(std::string_view a, std::string_view b) {
  try {
    key_between(a, b);
    return true;
  } catch (const FractionalIndexError&) {
    return false;
  }
}

size_t position_of(const std::vector<const CellReference*>& sorted, const std::string& id) {
  for (size_t i = 0; i < sorted.size(); ++i)
    if (sorted[i]->id == id) return i;
  return sorted.size();
}

}  // namespace

bool needs_rebalancing(std::span<const CellReference> cells, std::optional<size_t> insert_position) {
  if (cells.size() < 2) return false;
  const auto sorted = sorted_cells(cells);
  for (size_t i = 0; i + 1 < sorted.size(); ++i) {
    const auto& cur = sorted[i]->fractionalIndex;
    const auto& next = sorted[i + 1]->fractionalIndex;
    if (!cur || cur->empty() || !next || next->empty()) continue;
    if (!has_room(*cur, *next)) return true;
  }
  if (insert_position && *insert_position > 0 && *insert_position < sorted.size()) {
    const auto& before = sorted[*insert_position - 1]->fractionalIndex;
    const auto& after = sorted[*insert_position]->fractionalIndex;
    if (before && after && !has_room(*before, *after)) return true;
  }
  return false;
}

std::vector<std::string> evenly_spaced_keys(size_t count) {
  // Width w with at least two steps of room per gap: 36^w >= 2 * (count + 1).
  size_t width = 1;
  std::uint64_t span = kBase;
  while (span < 2 * (static_cast<std::uint64_t>(count) + 1)) {
    span *= kBase;
    ++width;
  }
  std::vector<std::string> keys;
  keys.reserve(count);
  for (size_t j = 0; j < count; ++j) {
    // (j + 1) * span / (count + 1), split so that no product overflows.
    const std::uint64_t n = count + 1, k = j + 1;
    std::uint64_t value = k * (span / n) + k * (span % n) / n;
    std::string key(width, '0');
    for (size_t d = width; d-- > 0; value /= kBase) key[d] = digit(static_cast<int>(value % kBase));
    keys.push_back(std::move(key));
  }
  return keys;
}

Rebalance rebalance_cell_indices(std::span<const CellReference> cells, std::string actor_id,
                                 size_t buffer) {
  Rebalance out;
  if (cells.empty()) return out;
  const auto sorted = sorted_cells(cells);
  const auto keys = evenly_spaced_keys(cells.size() + 2 * buffer);
  for (size_t i = 0; i < sorted.size(); ++i) {
    const std::string& key = keys[i + buffer];
    out.ordered_keys.push_back(key);
    if (sorted[i]->fractionalIndex == key) continue;
    out.events.push_back(events::CellMovedV2{sorted[i]->id, key, actor_id});
  }
  return out;
}

CellCreation create_cell_between(const std::string& id, CellType type, const std::string& created_by,
                                 const CellReference* before, const CellReference* after,
                                 std::span<const CellReference> all_cells, JitterSource& jitter) {
  const auto sorted = sorted_cells(all_cells);
  std::optional<std::string> prev = before ? before->fractionalIndex : std::nullopt;
  std::optional<std::string> next = after ? after->fractionalIndex : std::nullopt;
  size_t slot = sorted.size();
  if (before)
    slot = std::min(position_of(sorted, before->id) + 1, sorted.size());
  else if (after)
    slot = position_of(sorted, after->id);
  else if (!sorted.empty())
    prev = sorted.back()->fractionalIndex;

  CellCreation out;
  out.new_cell_id = id;
  std::string key;
  try {
    key = fractional_index_between(prev, next, jitter);
  } catch (const FractionalIndexError&) {
    // No room, or a neighbour's key is not a valid key: fresh keys for everyone fix both.
    if (sorted.empty()) throw;
    auto rebalance = rebalance_cell_indices(all_cells);
    const auto& keys = rebalance.ordered_keys;
    key = fractional_index_between(slot > 0 ? OptionalKey(keys[slot - 1]) : std::nullopt,
                                   slot < keys.size() ? OptionalKey(keys[slot]) : std::nullopt, jitter);
    out.rebalanced = true;
    out.rebalance_count = rebalance.events.size();
    for (auto& move : rebalance.events) out.events.emplace_back(std::move(move));
  }
  out.events.emplace_back(events::CellCreatedV2{id, key, type, created_by});
  return out;
}

std::optional<events::CellMovedV2> move_cell_between(const CellReference& cell,
                                                     const CellReference* before,
                                                     const CellReference* after,
                                                     std::optional<std::string> actor_id,
                                                     JitterSource& jitter) {
  if (!cell.fractionalIndex || cell.fractionalIndex->empty()) return std::nullopt;
  const std::string& current = *cell.fractionalIndex;
  const OptionalKey prev = before && before->fractionalIndex ? OptionalKey(*before->fractionalIndex) : std::nullopt;
  const OptionalKey next = after && after->fractionalIndex ? OptionalKey(*after->fractionalIndex) : std::nullopt;
  if (prev && next && current > *prev && current < *next) return std::nullopt;
  if (!before && next && current < *next) return std::nullopt;
  if (!after && prev && current > *prev) return std::nullopt;
  return events::CellMovedV2{cell.id, fractional_index_between(prev, next, jitter), std::move(actor_id)};
}

CellMove move_cell_with_rebalancing(const CellReference& cell, const CellReference* before,
                                    const CellReference* after,
                                    std::span<const CellReference> all_cells,
                                    const std::string& actor_id, JitterSource& jitter) {
  CellMove out;
  try {
    if (auto move = move_cell_between(cell, before, after, actor_id, jitter)) {
      out.events.push_back(std::move(*move));
      out.moved = true;
    }
    return out;
  } catch (const FractionalIndexError&) {
    if (all_cells.empty()) throw;
  }
  auto rebalance = rebalance_cell_indices(all_cells, actor_id + "-rebalance");
  const auto sorted = sorted_cells(all_cells);
  const auto rekey = [&](const CellReference* ref) -> std::optional<CellReference> {
    if (ref == nullptr) return std::nullopt;
    const size_t i = position_of(sorted, ref->id);
    if (i == sorted.size()) return *ref;
    return CellReference{ref->id, rebalance.ordered_keys[i], ref->cellType};
  };
  const auto new_before = rekey(before), new_after = rekey(after);
  const size_t self = position_of(sorted, cell.id);
  const CellReference moved = self == sorted.size()
                                  ? cell
                                  : CellReference{cell.id, rebalance.ordered_keys[self], cell.cellType};
  out.events = std::move(rebalance.events);
  out.rebalanced = true;
  if (auto move = move_cell_between(moved, new_before ? &*new_before : nullptr,
                                    new_after ? &*new_after : nullptr, actor_id, jitter))
    out.events.push_back(std::move(*move));
  out.moved = true;
  return out;
}

}  // namespace runt::schema
