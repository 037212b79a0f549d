#pragma once
// How many connections are open, in all and per client address, with limits. A connection holds
// a ticket for as long as its socket lives: the ticket rides in the stream's rate policy, so
// every path that ends a connection (a response written, a WebSocket closed, a timeout) also
// gives it back.

#include <cstddef>
#include <limits>
#include <map>
#include <memory>
#include <string>

namespace runt::serve {

struct AdmissionLimits {
  std::size_t total = 1024;
  std::size_t per_address = 256;
};

class Admissions {
  struct Counts {
    std::size_t total = 0;
    std::map<std::string, std::size_t> by_address;
  };

 public:
  explicit Admissions(AdmissionLimits limits) : counts_(std::make_shared<Counts>()), limits_(limits) {}

  class Ticket {
   public:
    Ticket(std::shared_ptr<Counts> counts, std::string address);
    ~Ticket();
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;

   private:
    std::shared_ptr<Counts> counts_;  // tickets may outlive the server's parts at shutdown
    std::string address_;
  };

  // A ticket for a new connection from `address`, or nullptr when it would exceed a limit.
  std::unique_ptr<Ticket> admit(const std::string& address);
  std::size_t open() const { return counts_->total; }
  const AdmissionLimits& limits() const { return limits_; }

 private:
  std::shared_ptr<Counts> counts_;
  AdmissionLimits limits_;
};

// The rate policy of the server's streams: beast::unlimited_rate_policy, holding the ticket.
class AdmittedPolicy {
 public:
  AdmittedPolicy() = default;
  explicit AdmittedPolicy(std::unique_ptr<Admissions::Ticket> ticket) : ticket_(std::move(ticket)) {}

  std::size_t available_read_bytes() const noexcept { return std::numeric_limits<std::size_t>::max(); }
  std::size_t available_write_bytes() const noexcept { return std::numeric_limits<std::size_t>::max(); }
  void transfer_read_bytes(std::size_t) const noexcept {}
  void transfer_write_bytes(std::size_t) const noexcept {}
  void on_timer() const noexcept {}

 private:
  std::unique_ptr<Admissions::Ticket> ticket_;
};

}  // namespace runt::serve
