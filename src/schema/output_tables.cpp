// The outputs and output_deltas tables' own indexes (by cell, by display id, by output): kept
// beside the rows so the materializers never scan a table.
#include "runt/schema/state.hpp"

#include <algorithm>
#include <string_view>

namespace runt::schema {

namespace {

// Removes one slot from an index entry, and the entry once it is empty (display ids are often
// unique, so empty entries would pile up).
template <class Index, class Slot> void unlink(Index& index, std::string_view key, const Slot* slot) {
  const auto it = index.find(key);
  if (it == index.end()) return;
  auto& slots = it->second;
  for (auto s = slots.begin(); s != slots.end(); ++s)
    if (*s == slot) {
      slots.erase(s);
      break;
    }
  if (slots.empty()) index.erase(it);
}

template <class Index> auto lookup(const Index& index, std::string_view key) -> const typename Index::mapped_type* {
  if (index.empty()) return nullptr;
  const auto it = index.find(key);
  return it == index.end() || it->second.empty() ? nullptr : &it->second;
}

bool has_display(const OutputRow& row) {
  return row.displayId && row.outputType == OutputType::multimedia_display;
}

}  // namespace

void OutputTable::unindex(Slot* slot) {
  unlink(by_cell_, slot->row.cellId, slot);
  if (has_display(slot->row)) unlink(by_display_, *slot->row.displayId, slot);
}

void OutputTable::reindex() {
  by_cell_.clear();
  by_display_.clear();
  std::vector<Slot*> slots;
  slots.reserve(rows_.size());
  rows_.for_each_slot([&](Slot& slot) { slots.push_back(&slot); });
  std::sort(slots.begin(), slots.end(), [](const Slot* a, const Slot* b) { return a->rowid < b->rowid; });
  for (Slot* slot : slots) {
    by_cell_[slot->row.cellId].push_back(slot);
    if (has_display(slot->row)) by_display_[*slot->row.displayId].push_back(slot);
  }
}

void OutputTable::insert_replace(OutputRow row) {
  // A replaced row keeps its slot, so only its index entries may need to change.
  Slot* existing = rows_.slot(row.id);
  if (existing) unindex(existing);
  Slot& slot = rows_.insert_replace(row.id, std::move(row));
  by_cell_[slot.row.cellId].push_back(&slot);
  if (has_display(slot.row)) by_display_[*slot.row.displayId].push_back(&slot);
}

void OutputTable::erase_cell(std::string_view cell_id) {
  if (by_cell_.empty()) return;
  const auto it = by_cell_.find(cell_id);
  if (it == by_cell_.end()) return;
  // The cell's entry stays, emptied: cells are cleared and refilled on every run, and keeping
  // the entry saves re-creating it (lookups treat an empty entry as none).
  std::vector<Slot*>& slots = it->second;
  for (Slot* slot : slots) {
    if (has_display(slot->row)) unlink(by_display_, *slot->row.displayId, slot);
    rows_.erase(slot->row.id);
  }
  slots.clear();
}

void OutputTable::clear() {
  rows_.clear();
  by_cell_.clear();
  by_display_.clear();
}

const std::vector<OutputTable::Slot*>* OutputTable::display_rows(std::string_view display_id) const {
  return lookup(by_display_, display_id);
}

const std::vector<OutputTable::Slot*>* OutputTable::cell_rows(std::string_view cell_id) const {
  return lookup(by_cell_, cell_id);
}

bool OutputDeltaTable::insert(OutputDeltaRow&& row) {
  const Slot* slot = rows_.insert(row.id, std::move(row));
  if (slot == nullptr) return false;
  by_output_[slot->row.outputId].push_back(slot);
  return true;
}

std::vector<const OutputDeltaRow*> OutputDeltaTable::of_output(std::string_view output_id) const {
  std::vector<const OutputDeltaRow*> out;
  const auto* slots = lookup(by_output_, output_id);
  if (slots == nullptr) return out;
  out.reserve(slots->size());
  for (const Slot* slot : *slots) out.push_back(&slot->row);
  // Slots are kept in insertion order, so a stable sort leaves ties in that order.
  std::stable_sort(out.begin(), out.end(), [](const OutputDeltaRow* a, const OutputDeltaRow* b) {
    return a->sequenceNumber < b->sequenceNumber;
  });
  return out;
}

}  // namespace runt::schema
