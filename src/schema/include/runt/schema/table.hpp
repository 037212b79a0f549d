#pragma once
// A keyed table with SQLite's row semantics, as the anode materializers rely on them:
// rows remember their insertion order (rowid), `insert_replace` deletes and re-inserts (the row
// moves to the end and every column the caller does not set is back at its default), and
// `insert` refuses a duplicate key.
//
// The key is one of the row's own columns (`Key`), so it is stored once; callers must not
// change that column of a row in the table. Rows live in fixed-size chunks, where a slot never
// moves while its row exists (a freed slot is reused by a later row); the key index is open
// addressing with linear probing over (hash, slot) pairs. A lookup is a probe of one flat array
// and one string compare, and an insert allocates nothing but the row's own strings: replaying
// a log is mostly lookups and inserts into these tables.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace runt::schema {

template <class Row, std::string Row::*Key> class Table {
 public:
  // A row and its insertion order (0: a free slot). Slots never move while their row exists (a
  // replace reuses the slot), so indexes may hold pointers to them.
  struct Slot {
    std::uint64_t rowid = 0;
    Row row;

   private:
    friend class Table;
    std::uint32_t hash_ = 0;   // the key's, so erasing a slot needs neither the key nor a compare
    std::uint32_t position_ = 0;  // this slot's number in the table
  };

  Table() = default;
  // A copy's slots sit at the same positions as the original's, so its index is copied as is.
  Table(const Table& other) { *this = other; }
  Table& operator=(const Table& other) {
    if (this == &other) return *this;
    chunks_.clear();
    for (const auto& chunk : other.chunks_) {
      chunks_.push_back(std::make_unique<Slot[]>(kChunk));
      std::copy(chunk.get(), chunk.get() + kChunk, chunks_.back().get());
    }
    slots_used_ = other.slots_used_;
    free_ = other.free_;
    index_ = other.index_;
    size_ = other.size_;
    next_rowid_ = other.next_rowid_;
    return *this;
  }
  // A move keeps the chunks, so pointers to slots stay valid.
  Table(Table&&) noexcept = default;
  Table& operator=(Table&&) noexcept = default;

  const Slot* slot(std::string_view key) const {
    if (size_ == 0) return nullptr;  // skips hashing for the many lookups in empty tables
    const Entry& e = index_[probe(key, hash(key))];
    return e.slot == kEmpty ? nullptr : &at(e.slot);
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

  // The inserts take the row by rvalue reference; a row that is not inserted is left as it was.

  // INSERT ... ON CONFLICT DO NOTHING. Returns the new slot, or nullptr when the key exists.
  Slot* insert_ignore(Row&& row) {
    const std::string_view key = row.*Key;
    const std::uint32_t h = hash(key);
    const size_t i = reserve_and_probe(key, h);
    if (index_[i].slot != kEmpty) return nullptr;
    return &add(i, h, std::move(row));
  }
  // Plain INSERT: nullptr (and nothing changed) when the key exists.
  Slot* insert(Row&& row) { return insert_ignore(std::move(row)); }
  // INSERT OR REPLACE: the old row is deleted, the new one gets a fresh rowid. `replacing`
  // sees the old slot just before its row is overwritten (for indexes kept beside the table).
  template <class F = void (*)(Slot&)>
  Slot& insert_replace(Row&& row, F&& replacing = [](Slot&) {}) {
    const std::string_view key = row.*Key;
    const std::uint32_t h = hash(key);
    const size_t i = reserve_and_probe(key, h);
    if (index_[i].slot == kEmpty) return add(i, h, std::move(row));
    Slot& existing = at(index_[i].slot);
    replacing(existing);
    existing.rowid = next_rowid_++;
    existing.row = std::move(row);
    return existing;
  }
  // INSERT OR REPLACE for callers that set every column themselves: an existing row is reused
  // in place (its strings keep their buffers) and moves to the end of the insertion order; a
  // new row has its key set and every other column at its default.
  Row& replace_in_place(std::string_view key) {
    Slot& s = find_or_add_slot(key);
    s.rowid = next_rowid_++;
    return s.row;
  }
  // The row with this key, added (key set, other columns at their defaults) when there is
  // none; an existing row keeps its place in the insertion order.
  Row& find_or_add(std::string_view key) { return find_or_add_slot(key).row; }
  bool erase(std::string_view key) {
    if (size_ == 0) return false;
    const size_t i = probe(key, hash(key));
    if (index_[i].slot == kEmpty) return false;
    release(i);
    return true;
  }
  // Erases the row in this slot, which must be one of this table's live slots.
  void erase(Slot& slot) {
    const size_t mask = index_.size() - 1;
    size_t i = slot.hash_ & mask;
    while (index_[i].slot != slot.position_) i = (i + 1) & mask;
    release(i);
  }
  void clear() {
    chunks_.clear();
    free_.clear();
    index_.clear();
    slots_used_ = 0;
    size_ = 0;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Unordered iteration, for updates that touch many rows.
  template <class F> void for_each(F&& f) {
    for_each_slot([&](Slot& s) { f(s.row); });
  }
  template <class F> void for_each_slot(F&& f) {
    for (std::uint32_t i = 0; i < slots_used_; ++i)
      if (Slot& s = at(i); s.rowid != 0) f(s);
  }
  // Rows in rowid order: what `SELECT *` without ORDER BY returns.
  std::vector<const Row*> in_insertion_order() const {
    std::vector<const Slot*> slots;
    slots.reserve(size_);
    for (std::uint32_t i = 0; i < slots_used_; ++i)
      if (const Slot& s = at(i); s.rowid != 0) slots.push_back(&s);
    std::sort(slots.begin(), slots.end(),
              [](const Slot* a, const Slot* b) { return a->rowid < b->rowid; });
    std::vector<const Row*> out;
    out.reserve(slots.size());
    for (const Slot* s : slots) out.push_back(&s->row);
    return out;
  }

 private:
  static constexpr std::uint32_t kChunkBits = 6;
  static constexpr std::uint32_t kChunk = 1u << kChunkBits;
  static constexpr std::uint32_t kEmpty = UINT32_MAX;
  // 32 bits of the key's hash place the entry (tables stay far below 2^32 rows) and tell most
  // keys apart without a string compare; 8 bytes an entry keep the index small in the cache.
  struct Entry {
    std::uint32_t hash = 0;
    std::uint32_t slot = kEmpty;
  };

  static std::uint32_t hash(std::string_view key) {
    return static_cast<std::uint32_t>(std::hash<std::string_view>{}(key));
  }
  const Slot& at(std::uint32_t i) const { return chunks_[i >> kChunkBits][i & (kChunk - 1)]; }
  Slot& at(std::uint32_t i) { return chunks_[i >> kChunkBits][i & (kChunk - 1)]; }
  Slot& find_or_add_slot(std::string_view key) {
    const std::uint32_t h = hash(key);
    const size_t i = reserve_and_probe(key, h);
    if (index_[i].slot != kEmpty) return at(index_[i].slot);
    Row row{};
    row.*Key = std::string(key);
    return add(i, h, std::move(row));
  }

  // The entry holding `key`, or the empty entry where it would go. The index must not be empty.
  size_t probe(std::string_view key, std::uint32_t h) const {
    const size_t mask = index_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const Entry& e = index_[i];
      if (e.slot == kEmpty || (e.hash == h && at(e.slot).row.*Key == key)) return i;
    }
  }
  // probe, after making room for one more entry (at most half the entries are used).
  size_t reserve_and_probe(std::string_view key, std::uint32_t h) {
    if ((size_ + 1) * 2 > index_.size()) grow();
    return probe(key, h);
  }
  void grow() {
    std::vector<Entry> old = std::move(index_);
    index_.assign(old.empty() ? 16 : old.size() * 2, Entry{});
    const size_t mask = index_.size() - 1;
    for (const Entry& e : old) {
      if (e.slot == kEmpty) continue;
      size_t i = e.hash & mask;
      while (index_[i].slot != kEmpty) i = (i + 1) & mask;
      index_[i] = e;
    }
  }
  void release(size_t entry) {
    const std::uint32_t i = index_[entry].slot;
    Slot& s = at(i);
    s.rowid = 0;
    // Frees the row's strings now, not when the slot is reused (a default row allocates nothing).
    std::destroy_at(&s.row);
    std::construct_at(&s.row);
    free_.push_back(i);
    remove_entry(entry);
    --size_;
  }
  Slot& add(size_t entry, std::uint32_t h, Row&& row) {
    std::uint32_t i;
    if (!free_.empty()) {
      i = free_.back();
      free_.pop_back();
    } else {
      if (slots_used_ == chunks_.size() * kChunk) chunks_.push_back(std::make_unique<Slot[]>(kChunk));
      i = slots_used_++;
    }
    Slot& s = at(i);
    s.rowid = next_rowid_++;
    s.row = std::move(row);
    s.hash_ = h;
    s.position_ = i;
    index_[entry] = Entry{h, i};
    ++size_;
    return s;
  }
  // Backward-shift deletion: later entries of the probe run move up, so no tombstones pile up
  // in tables that churn (outputs are cleared and re-added on every run of a cell).
  void remove_entry(size_t hole) {
    const size_t mask = index_.size() - 1;
    for (size_t j = (hole + 1) & mask; index_[j].slot != kEmpty; j = (j + 1) & mask) {
      const size_t home = index_[j].hash & mask;
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        index_[hole] = index_[j];
        hole = j;
      }
    }
    index_[hole] = Entry{};
  }

  std::vector<std::unique_ptr<Slot[]>> chunks_;
  std::uint32_t slots_used_ = 0;  // slots ever handed out since the last clear (live or free)
  std::vector<std::uint32_t> free_;
  std::vector<Entry> index_;  // a power of two in size, or empty
  size_t size_ = 0;
  std::uint64_t next_rowid_ = 1;
};

}  // namespace runt::schema
