#pragma once
// A keyed table with SQLite's row semantics, as the anode materializers rely on them:
// rows remember their insertion order (rowid), `insert_replace` deletes and re-inserts (the row
// moves to the end and every column the caller does not set is back at its default), and
// `insert` refuses a duplicate key.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace runt::schema {

struct StringHash {
  using is_transparent = void;
  // Deliberately not noexcept: libstdc++ then keeps each key's hash in its node, so a lookup
  // compares hashes before strings and never rehashes the keys it walks past.
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

template <class Row> class Table {
 public:
  // A row and its insertion order. Slots never move while their row exists (a replace reuses
  // the slot), so indexes may hold pointers to them.
  struct Slot {
    std::uint64_t rowid;
    Row row;
  };

  const Slot* slot(std::string_view key) const {
    if (rows_.empty()) return nullptr;  // skips hashing for the many lookups in empty tables
    const auto it = rows_.find(key);
    return it == rows_.end() ? nullptr : &it->second;
  }
  Slot* slot(std::string_view key) {
    return const_cast<Slot*>(static_cast<const Table*>(this)->slot(key));
  }
  const Row* find(std::string_view key) const {
    const Slot* s = slot(key);
    return s ? &s->row : nullptr;
  }
  Row* find(std::string_view key) {
    Slot* s = slot(key);
    return s ? &s->row : nullptr;
  }
  bool contains(std::string_view key) const { return slot(key) != nullptr; }

  // The inserts take the row by rvalue reference and copy the key before moving it, so `key`
  // may view one of the row's own columns. A row that is not inserted is left as it was.

  // INSERT ... ON CONFLICT DO NOTHING. Returns the new slot, or nullptr when the key exists.
  Slot* insert_ignore(std::string_view key, Row&& row) {
    if (contains(key)) return nullptr;
    return &emplace_new(key, std::move(row));
  }
  // Plain INSERT: nullptr (and nothing changed) when the key exists.
  Slot* insert(std::string_view key, Row&& row) { return insert_ignore(key, std::move(row)); }
  // INSERT OR REPLACE: the old row is deleted, the new one gets a fresh rowid.
  Slot& insert_replace(std::string_view key, Row&& row) {
    if (Slot* existing = slot(key)) {
      existing->rowid = next_rowid_++;
      existing->row = std::move(row);
      return *existing;
    }
    return emplace_new(key, std::move(row));
  }
  // INSERT OR REPLACE for callers that set every column themselves: an existing row is reused
  // in place (its strings keep their buffers) and moves to the end of the insertion order.
  Row& replace_in_place(std::string_view key) {
    if (Slot* existing = slot(key)) {
      existing->rowid = next_rowid_++;
      return existing->row;
    }
    return emplace_new(key, Row{}).row;
  }
  bool erase(std::string_view key) {
    if (rows_.empty()) return false;
    const auto it = rows_.find(key);
    if (it == rows_.end()) return false;
    rows_.erase(it);
    return true;
  }
  void clear() { rows_.clear(); }

  size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }

  // Unordered iteration, for updates that touch many rows.
  template <class F> void for_each(F&& f) {
    for (auto& [key, slot] : rows_) f(slot.row);
  }
  template <class F> void for_each_slot(F&& f) {
    for (auto& [key, slot] : rows_) f(slot);
  }
  // Rows in rowid order: what `SELECT *` without ORDER BY returns.
  std::vector<const Row*> in_insertion_order() const {
    std::vector<const Slot*> slots;
    slots.reserve(rows_.size());
    for (const auto& [key, s] : rows_) slots.push_back(&s);
    std::sort(slots.begin(), slots.end(),
              [](const Slot* a, const Slot* b) { return a->rowid < b->rowid; });
    std::vector<const Row*> out;
    out.reserve(slots.size());
    for (const Slot* s : slots) out.push_back(&s->row);
    return out;
  }

 private:
  Slot& emplace_new(std::string_view key, Row&& row) {
    std::string owned(key);  // before the row moves: `key` may view it
    return rows_.emplace(std::move(owned), Slot{next_rowid_++, std::move(row)}).first->second;
  }

  std::unordered_map<std::string, Slot, StringHash, std::equal_to<>> rows_;
  std::uint64_t next_rowid_ = 1;
};

}  // namespace runt::schema
