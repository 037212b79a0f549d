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
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

template <class Row> class Table {
 public:
  struct Slot {
    std::uint64_t rowid;
    Row row;
  };

  const Row* find(std::string_view key) const {
    const auto it = rows_.find(key);
    return it == rows_.end() ? nullptr : &it->second.row;
  }
  Row* find(std::string_view key) {
    const auto it = rows_.find(key);
    return it == rows_.end() ? nullptr : &it->second.row;
  }
  bool contains(std::string_view key) const { return rows_.find(key) != rows_.end(); }

  // INSERT ... ON CONFLICT DO NOTHING. Returns whether the row was inserted.
  bool insert_ignore(std::string_view key, Row row) {
    if (contains(key)) return false;
    rows_.emplace(std::string(key), Slot{next_rowid_++, std::move(row)});
    return true;
  }
  // Plain INSERT: false (and nothing changed) when the key exists.
  bool insert(std::string_view key, Row row) { return insert_ignore(key, std::move(row)); }
  // INSERT OR REPLACE: the old row is deleted, the new one gets a fresh rowid.
  Row& insert_replace(std::string_view key, Row row) {
    const auto it = rows_.find(key);
    if (it != rows_.end()) {
      it->second = Slot{next_rowid_++, std::move(row)};
      return it->second.row;
    }
    return rows_.emplace(std::string(key), Slot{next_rowid_++, std::move(row)}).first->second.row;
  }
  bool erase(std::string_view key) {
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
  // Rows in rowid order: what `SELECT *` without ORDER BY returns.
  std::vector<const Row*> in_insertion_order() const {
    std::vector<const Slot*> slots;
    slots.reserve(rows_.size());
    for (const auto& [key, slot] : rows_) slots.push_back(&slot);
    std::sort(slots.begin(), slots.end(),
              [](const Slot* a, const Slot* b) { return a->rowid < b->rowid; });
    std::vector<const Row*> out;
    out.reserve(slots.size());
    for (const Slot* s : slots) out.push_back(&s->row);
    return out;
  }
  // Rowid of a row, for tie-breaking in ordered queries; 0 when absent.
  std::uint64_t rowid(std::string_view key) const {
    const auto it = rows_.find(key);
    return it == rows_.end() ? 0 : it->second.rowid;
  }

 private:
  std::unordered_map<std::string, Slot, StringHash, std::equal_to<>> rows_;
  std::uint64_t next_rowid_ = 1;
};

}  // namespace runt::schema
