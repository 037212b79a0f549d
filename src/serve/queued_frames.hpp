#pragma once
// The bytes of frames waiting in sync sockets' queues, a shared frame (one broadcast queued for
// many sockets) counted once: what the queues really hold in memory.

#include "runt/sync/hub.hpp"

#include <cstddef>
#include <unordered_map>

namespace runt::serve {

class QueuedFrames {
 public:
  void add(const sync::Frame& frame) {
    if (++holders_[frame.get()] == 1) bytes_ += frame->size();
  }
  void remove(const sync::Frame& frame) {
    const auto it = holders_.find(frame.get());
    if (it == holders_.end()) return;
    if (--it->second == 0) {
      bytes_ -= frame->size();
      holders_.erase(it);
    }
  }
  std::size_t bytes() const { return bytes_; }

 private:
  std::unordered_map<const std::string*, std::size_t> holders_;
  std::size_t bytes_ = 0;
};

}  // namespace runt::serve
