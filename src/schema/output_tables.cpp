// The outputs and output_deltas tables' own indexes (by cell, by display id, by output): kept
// beside the rows so the materializers never scan a table.
#include "runt/schema/state.hpp"

#include <algorithm>
#include <string_view>

namespace runt::schema {

namespace {

// Removes one slot from an index entry, and the entry once it is empty (display ids are often
// unique, so empty entries would pile up).
template <class Slot> void unlink(SlotIndex<Slot>& index, std::string_view key, Slot* slot) {
  auto* entry = index.find(key);
  if (entry == nullptr) return;
  auto& slots = entry->slots;
  for (auto s = slots.begin(); s != slots.end(); ++s)
    if (*s == slot) {
      slots.erase(s);
      break;
    }
  if (slots.empty()) index.erase(key);
}

template <class Slot> const std::vector<Slot*>* lookup(const SlotIndex<Slot>& index, std::string_view key) {
  const auto* entry = index.find(key);
  return entry == nullptr || entry->slots.empty() ? nullptr : &entry->slots;
}

// The table's slots in rowid order, for rebuilding an index in the order it was built.
template <class Slot, class T> std::vector<Slot*> slots_in_order(T& table) {
  std::vector<Slot*> slots;
  slots.reserve(table.size());
  table.for_each_slot([&](auto& slot) { slots.push_back(&slot); });
  std::sort(slots.begin(), slots.end(), [](const Slot* a, const Slot* b) { return a->rowid < b->rowid; });
  return slots;
}

bool has_display(const OutputRow& row) {
  return row.displayId && row.outputType == OutputType::multimedia_display;
}

}  // namespace

void OutputTable::index(Slot* slot) {
  by_cell_.find_or_add(slot->row.cellId).slots.push_back(slot);
  if (has_display(slot->row)) by_display_.find_or_add(*slot->row.displayId).slots.push_back(slot);
}

void OutputTable::unindex(Slot* slot) {
  unlink(by_cell_, slot->row.cellId, slot);
  if (has_display(slot->row)) unlink(by_display_, *slot->row.displayId, slot);
}

void OutputTable::reindex() {
  by_cell_.clear();
  by_display_.clear();
  for (Slot* slot : slots_in_order<Slot>(rows_)) index(slot);
}

void OutputTable::insert_replace(OutputRow row) {
  // A replaced row keeps its slot, so only its index entries may need to change.
  Slot& slot = rows_.insert_replace(std::move(row), [this](Slot& old) { unindex(&old); });
  index(&slot);
}

void OutputTable::erase_cell(std::string_view cell_id) {
  auto* entry = by_cell_.find(cell_id);
  if (entry == nullptr) return;
  // The cell's entry stays, emptied: cells are cleared and refilled on every run, and keeping
  // the entry saves re-creating it (lookups treat an empty entry as none).
  for (Slot* slot : entry->slots) {
    if (has_display(slot->row)) unlink(by_display_, *slot->row.displayId, slot);
    rows_.erase(*slot);
  }
  entry->slots.clear();
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
  Slot* slot = rows_.insert(std::move(row));
  if (slot == nullptr) return false;
  by_output_.find_or_add(slot->row.outputId).slots.push_back(slot);
  return true;
}

void OutputDeltaTable::reindex() {
  by_output_.clear();
  for (Slot* slot : slots_in_order<Slot>(rows_)) by_output_.find_or_add(slot->row.outputId).slots.push_back(slot);
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
