#pragma once
// Two read-only views of parsed JSON with one interface, private to the codec: nlohmann values
// (events built in code or read from ordered JSON) and simdjson's DOM (logs and frames parsed
// from text, ~10x faster). The decoder is written once against this interface.

#include "runt/schema/json.hpp"

#include <simdjson.h>

#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace runt::schema::json_views {

enum class Kind { null, boolean, int64, uint64, float64, string, array, object };

class NlohmannView {
 public:
  explicit NlohmannView(const Json& j) : j_(&j) {}
  Kind kind() const {
    switch (j_->type()) {
      case Json::value_t::boolean: return Kind::boolean;
      case Json::value_t::number_integer: return Kind::int64;
      case Json::value_t::number_unsigned: return Kind::uint64;
      case Json::value_t::number_float: return Kind::float64;
      case Json::value_t::string: return Kind::string;
      case Json::value_t::array: return Kind::array;
      case Json::value_t::object: return Kind::object;
      default: return Kind::null;
    }
  }
  std::string_view string() const { return j_->get_ref<const std::string&>(); }
  bool boolean() const { return j_->get<bool>(); }
  std::int64_t int64() const { return j_->get<std::int64_t>(); }
  std::uint64_t uint64() const { return j_->get<std::uint64_t>(); }
  double float64() const { return j_->get<double>(); }
  std::optional<NlohmannView> find(std::string_view key) const {
    const auto it = j_->find(key);
    if (it == j_->end()) return std::nullopt;
    return NlohmannView(*it);
  }
  size_t size() const { return j_->size(); }
  template <class F> void members(F&& f) const {
    for (const auto& [key, value] : j_->items()) f(std::string_view(key), NlohmannView(value));
  }
  template <class F> void elements(F&& f) const {
    for (const auto& value : *j_) f(NlohmannView(value));
  }
  // Every member in order, duplicates included (a parsed nlohmann object has none).
  template <class F> void members_raw(F&& f) const { members(std::forward<F>(f)); }
  Json to_json() const { return *j_; }

 private:
  const Json* j_;
};

// The view's callers check kind() first, so a failed access is a bug in this file.
template <class T, class R> T take(R&& result) {
  T value{};
  if (std::forward<R>(result).get(value) != simdjson::SUCCESS) throw std::logic_error("SimdView: wrong JSON type");
  return value;
}

class SimdView {
 public:
  explicit SimdView(simdjson::dom::element e) : e_(e) {}
  Kind kind() const {
    switch (e_.type()) {
      case simdjson::dom::element_type::BOOL: return Kind::boolean;
      case simdjson::dom::element_type::INT64: return Kind::int64;
      case simdjson::dom::element_type::UINT64: return Kind::uint64;
      case simdjson::dom::element_type::DOUBLE: return Kind::float64;
      case simdjson::dom::element_type::STRING: return Kind::string;
      case simdjson::dom::element_type::ARRAY: return Kind::array;
      case simdjson::dom::element_type::OBJECT: return Kind::object;
      default: return Kind::null;
    }
  }
  std::string_view string() const { return take<std::string_view>(e_.get_string()); }
  bool boolean() const { return take<bool>(e_.get_bool()); }
  std::int64_t int64() const { return take<std::int64_t>(e_.get_int64()); }
  std::uint64_t uint64() const { return take<std::uint64_t>(e_.get_uint64()); }
  double float64() const { return take<double>(e_.get_double()); }
  // JSON.parse keeps the last of duplicate keys; simdjson keeps them all, so take the last.
  std::optional<SimdView> find(std::string_view key) const {
    std::optional<SimdView> found;
    for (auto field : object())
      if (field.key == key) found = SimdView(field.value);
    return found;
  }
  size_t size() const {
    return kind() == Kind::array ? array().size() : object().size();
  }
  template <class F> void members(F&& f) const {
    // Duplicate keys: each key once, at its first position with its last value. Small objects
    // (the usual case) are checked in place, without allocating.
    const simdjson::dom::object fields = object();
    if (fields.size() <= 16) {
      bool repeats = false;
      size_t i = 0;
      for (auto a : fields) {
        size_t j = 0;
        for (auto b : fields) {
          if (j++ >= i) break;
          if (a.key == b.key) repeats = true;
        }
        ++i;
      }
      if (!repeats) {
        for (auto field : fields) f(field.key, SimdView(field.value));
        return;
      }
    }
    std::vector<std::pair<std::string_view, SimdView>> unique;
    std::unordered_map<std::string_view, size_t> position;
    for (auto field : fields) {
      const auto [it, fresh] = position.emplace(field.key, unique.size());
      if (fresh)
        unique.emplace_back(field.key, SimdView(field.value));
      else
        unique[it->second].second = SimdView(field.value);
    }
    for (const auto& [key, value] : unique) f(key, value);
  }
  template <class F> void elements(F&& f) const {
    for (auto value : array()) f(SimdView(value));
  }
  template <class F> void members_raw(F&& f) const {
    for (auto field : object()) f(field.key, SimdView(field.value));
  }
  Json to_json() const {
    switch (kind()) {
      case Kind::null: return Json();
      case Kind::boolean: return boolean();
      case Kind::int64: return int64();
      case Kind::uint64: return uint64();
      case Kind::float64: return float64();
      case Kind::string: return std::string(string());
      case Kind::array: {
        Json out = Json::array();
        for (auto value : array()) out.push_back(SimdView(value).to_json());
        return out;
      }
      case Kind::object: {
        Json out = Json::object();
        for (auto field : object()) append_new_member(out, std::string(field.key), SimdView(field.value).to_json());
        dedupe_keys(out.get_ref<Json::object_t&>());
        return out;
      }
    }
    return Json();
  }

 private:
  // By value: a reference into the temporary simdjson_result would dangle.
  simdjson::dom::object object() const {
    return take<simdjson::dom::object>(e_.get_object());
  }
  simdjson::dom::array array() const {
    return take<simdjson::dom::array>(e_.get_array());
  }

  simdjson::dom::element e_;
};

}  // namespace runt::schema::json_views
