#include "runt/sync/replica.hpp"

#include "runt/schema/codec.hpp"
#include "runt/schema/json.hpp"
#include "runt/schema/materialize.hpp"

#include <algorithm>
#include <stdexcept>

namespace runt::sync {

using namespace runt::protocol;

namespace {

bool same_event(const WireEvent& a, const WireEvent& b) {
  return a.seqNum == b.seqNum && a.clientId == b.clientId && a.sessionId == b.sessionId && a.name == b.name && a.args == b.args;
}

void append_error(std::string& error, const std::string& more) {
  if (!error.empty()) error += "; ";
  error += more;
}

}  // namespace

Replica::Replica(std::string client_id, std::string session_id)
    : client_id_(std::move(client_id)), session_id_(std::move(session_id)) {}

schema::Event Replica::decode(const WireEvent& wire, std::string& error) {
  try {
    const auto args = wire.args ? std::optional(schema::parse_json(*wire.args)) : std::nullopt;
    return schema::decode_event(wire.name, args ? &*args : nullptr);
  } catch (const std::invalid_argument& e) {  // DecodeError, JsonSyntaxError
    append_error(error, "e" + std::to_string(wire.seqNum) + " not materialized: " + e.what());
    return schema::events::Unknown{wire.name, std::nullopt};
  }
}

void Replica::apply(schema::State& state, const schema::Event& event, std::string& error) {
  try {
    schema::materialize(state, event);
  } catch (const schema::MaterializeError& e) {
    append_error(error, e.what());
  }
}

std::int64_t Replica::commit(const schema::Event& event) {
  auto args = schema::encode_args_text(event);  // throws for an event that cannot be encoded
  const std::int64_t parent = pending_.empty() ? head_ : pending_.back().wire.seqNum;
  WireEvent wire{std::string(schema::event_name(event)), std::move(args), parent + 1, parent, client_id_, session_id_};
  // A server refuses frames over its limit (16 MiB by default) and the push could never go.
  if (wire.args && wire.args->size() > kMaxEventBytes)
    throw std::length_error(wire.name + " of " + std::to_string(wire.args->size()) + " bytes is larger than the " +
                            std::to_string(kMaxEventBytes) + " bytes an event may have (big outputs belong in the artifact store)");
  Change change;
  apply(state_, event, change.error);
  change.committed = wire.seqNum;
  pending_.push_back(Pending{std::move(wire), event, next_local_id_++});
  notify(change);  // pushed by take_outgoing(): commits made together go in one push
  return parent + 1;
}

void Replica::on_connected() {
  connected_ = true;
  live_ = false;
  pull();
}

void Replica::on_disconnected() {
  connected_ = live_ = awaiting_upstream_ = retry_wanted_ = false;
  pull_request_.clear();
  push_request_.clear();
  push_ids_.clear();
  sent_ = 0;  // whatever was in flight is pushed again (or pulled back as confirmed) next time
}

std::vector<std::string> Replica::take_outgoing() {
  push();
  return std::exchange(outgoing_, {});
}

void Replica::pull() {
  if (!connected_) return;
  pull_request_ = "pull-" + std::to_string(next_request_++);
  outgoing_.push_back(encode(ClientMessage{PullReq{pull_request_, head_ > 0 ? std::optional(head_) : std::nullopt}}));
}

void Replica::push() {
  if (!live_ || !push_request_.empty() || awaiting_upstream_ || retry_wanted_ || sent_ >= pending_.size()) return;
  push_request_ = "push-" + std::to_string(next_request_++);
  push_ids_.clear();
  std::vector<const WireEvent*> batch;  // encoded where they are, not copied
  std::size_t bytes = 0;
  for (; sent_ < pending_.size() && batch.size() < kMaxPushBatch; ++sent_) {
    const WireEvent& wire = pending_[sent_].wire;
    const std::size_t size = (wire.args ? wire.args->size() : 0) + 200;
    if (!batch.empty() && bytes + size > kMaxPushBytes) break;  // frames stay well under the server's cap
    bytes += size;
    batch.push_back(&wire);
    push_ids_.push_back(pending_[sent_].local_id);
  }
  outgoing_.push_back(encode_push_req(push_request_, batch));
}

void Replica::on_frame(std::string_view frame) {
  ServerMessage message;
  Change change;
  try {
    message = frames_.decode_server_message(frame);
  } catch (const FrameError& e) {
    change.error = std::string("unreadable frame from the server: ") + e.what();
    return notify(change);
  }
  if (auto* res = std::get_if<PullRes>(&message)) {
    receive(*res, change);
  } else if (const auto* ack = std::get_if<PushAck>(&message)) {
    if (ack->requestId != push_request_) return;
    push_request_.clear();
    push_ids_.clear();
    push();
    return;
  } else if (const auto* error = std::get_if<Error>(&message)) {
    on_rejected(*error, change);
  } else {
    return;  // Pong, admin replies
  }
  notify(change);
}

void Replica::receive(PullRes& response, Change& change) {
  bool foreign = false;
  // Others' events the optimistic state has not had yet. With nothing pending the two states
  // are equal, so an event goes into both (copying a large state per page of a pull made
  // opening a long notebook quadratic); with events pending the state is rebuilt (rebase).
  bool unmirrored = false;
  for (auto& synced : response.batch) {
    WireEvent& e = synced.event;
    if (e.seqNum <= head_) continue;  // already have it
    if (e.seqNum != head_ + 1) {
      // A gap: never guess; pull again from what we have.
      append_error(change.error, "gap in the log: got e" + std::to_string(e.seqNum) + " after e" + std::to_string(head_));
      if (pull_request_.empty()) {
        live_ = false;
        pull();
      }
      break;
    }
    head_ = e.seqNum;
    if (!pending_.empty() && same_event(pending_.front().wire, e)) {
      apply(confirmed_state_, pending_.front().event, change.error);
      pending_.pop_front();
      if (sent_ > 0) --sent_;
      change.confirmed.push_back(std::move(e));
    } else {
      const schema::Event event = decode(e, change.error);
      if (pending_.empty() && !unmirrored) {
        std::string reported_once;  // the confirmed state reports it
        apply(state_, event, reported_once);
      } else {
        unmirrored = true;
      }
      apply(confirmed_state_, event, change.error);
      change.upstream.push_back(std::move(e));
      foreign = true;
    }
  }
  if (unmirrored) {
    if (pending_.empty()) {
      state_ = confirmed_state_;
    } else {
      rebase();
      change.rebased = true;
    }
  }
  if (foreign && awaiting_upstream_) awaiting_upstream_ = false;
  if (response.context == Context::pull && response.requestId == pull_request_ && response.remaining == 0) {
    pull_request_.clear();
    live_ = true;
  }
  push();
}

void Replica::rebase() {
  std::int64_t seq = head_;
  for (auto& p : pending_) {
    p.wire.parentSeqNum = seq;
    p.wire.seqNum = ++seq;
  }
  // Pushed events numbered on the old head will be refused; nothing sent is valid any more.
  sent_ = 0;
  state_ = confirmed_state_;
  std::string ignored;  // reported when they were committed
  for (const auto& p : pending_) apply(state_, p.event, ignored);
}

void Replica::on_rejected(const Error& error, Change& change) {
  if (error.requestId.empty() || error.requestId != push_request_) {
    change.error = "server error: " + error.message;
    return;
  }
  const std::vector<std::uint64_t> refused = std::exchange(push_ids_, {});
  push_request_.clear();
  if (is_invalid_parent_message(error.message)) {
    // Others' events came first. Once they are here: rebase and push again.
    const bool already_rebased = sent_ == 0;
    sent_ = 0;
    if (!already_rebased) awaiting_upstream_ = true;
    push();
    return;
  }
  if (is_not_stored_message(error.message)) {
    // The server could not write (its disk, say): nothing is wrong with the events. Keep them
    // and push again after a pause (retry()).
    change.error = "push not stored, will retry: " + error.message;
    sent_ = 0;
    retry_wanted_ = true;
    return;
  }
  // Any other refusal is final for these events.
  change.error = "push refused: " + error.message;
  const auto first = std::find_if(pending_.begin(), pending_.end(), [&](const Pending& p) {
    return std::find(refused.begin(), refused.end(), p.local_id) != refused.end();
  });
  sent_ = static_cast<std::size_t>(first - pending_.begin());
  std::erase_if(pending_, [&](const Pending& p) {
    const bool drop = std::find(refused.begin(), refused.end(), p.local_id) != refused.end();
    if (drop) change.rejected.push_back(p.wire);
    return drop;
  });
  sent_ = std::min(sent_, pending_.size());
  const std::size_t keep_sent = sent_;
  rebase();
  sent_ = keep_sent;
  change.rebased = true;
  push();
}

void Replica::retry() {
  if (!connected_) return;
  retry_wanted_ = false;
  if (awaiting_upstream_) {
    // The events that beat our push never came (their write may have failed): ask for them.
    awaiting_upstream_ = false;
    if (pull_request_.empty()) {
      live_ = false;  // push again once the pull is through
      pull();
    }
    return;
  }
  push();
}

void Replica::notify(const Change& change) {
  for (const auto& listener : listeners_) listener(change);
}

}  // namespace runt::sync
