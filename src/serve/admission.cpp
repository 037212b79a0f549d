#include "admission.hpp"

namespace runt::serve {

Admissions::Ticket::Ticket(std::shared_ptr<Counts> counts, std::string address)
    : counts_(std::move(counts)), address_(std::move(address)) {
  ++counts_->total;
  ++counts_->by_address[address_];
}

Admissions::Ticket::~Ticket() {
  --counts_->total;
  if (const auto it = counts_->by_address.find(address_); it != counts_->by_address.end() && --it->second == 0)
    counts_->by_address.erase(it);
}

std::unique_ptr<Admissions::Ticket> Admissions::admit(const std::string& address) {
  if (counts_->total >= limits_.total) return nullptr;
  if (const auto it = counts_->by_address.find(address); it != counts_->by_address.end() && it->second >= limits_.per_address)
    return nullptr;
  return std::make_unique<Ticket>(counts_, address);
}

}  // namespace runt::serve
