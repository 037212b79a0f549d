// Encoding events: to Json values, and straight to the text clients commit. The decoding side
// is codec.cpp; both follow the event structs' field lists (events.hpp).

#include "runt/schema/codec.hpp"

#include "field_traits.hpp"

#include <string>
#include <type_traits>

namespace runt::schema {

namespace {

template <class T> Json encode_value(const T& v);

template <class S> Json encode_struct(const S& s) {
  Json out = Json::object();
  std::apply(
      [&](const auto&... f) {
        (
            [&] {
              const auto& value = s.*(f.member);
              using T = std::remove_cvref_t<decltype(value)>;
              if constexpr (is_optional<T>::value) {
                if (value) out.emplace(std::string(f.name), encode_value(*value));
              } else {
                out.emplace(std::string(f.name), encode_value(value));
              }
            }(),
            ...);
      },
      S::fields());
  return out;
}

Json encode_media(const MediaRepresentation& m) {
  Json out = Json::object();
  if (const auto* in = std::get_if<InlineMedia>(&m)) {
    out.emplace("type", "inline");
    if (in->data) out.emplace("data", Json(*in->data));
    if (in->metadata) out.emplace("metadata", Json(in->metadata->value));
  } else {
    const auto& art = std::get<ArtifactMedia>(m);
    out.emplace("type", "artifact");
    out.emplace("artifactId", art.artifactId);
    if (art.metadata) out.emplace("metadata", Json(art.metadata->value));
  }
  return out;
}

template <class T> Json encode_value(const T& v) {
  if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, bool> ||
                std::is_same_v<T, double> || std::is_same_v<T, std::int64_t>) {
    return Json(v);
  } else if constexpr (std::is_same_v<T, Timestamp>) {
    return Json(format_iso(v));
  } else if constexpr (std::is_same_v<T, Json>) {
    return v;
  } else if constexpr (std::is_same_v<T, Object>) {
    return v.value;
  } else if constexpr (std::is_same_v<T, MediaRepresentation>) {
    return encode_media(v);
  } else if constexpr (std::is_same_v<T, Representations>) {
    // Appended without ordered_map's per-key search, which is quadratic for wide bundles.
    Json out = Json::object();
    for (const auto& [mime, rep] : v) append_new_member(out, mime, encode_media(rep));
    dedupe_keys(out.get_ref<Json::object_t&>());  // in case a caller built a bundle with repeats
    return out;
  } else if constexpr (is_vector<T>::value) {
    Json out = Json::array();
    for (const auto& element : v) out.push_back(encode_value(element));
    return out;
  } else if constexpr (std::is_enum_v<T>) {
    return Json(std::string(to_string(v)));
  } else {
    return encode_struct(v);
  }
}

// ---- Encoding straight to text --------------------------------------------------------------
// What to_js_string(encode_value(v)) writes, without building the Json tree: how clients
// encode the events they commit. Values held as Json, numbers and media bundles go through
// the same writer, so the bytes cannot differ.

template <class T> void write_value(std::string& out, const T& v);

template <class S> void write_struct(std::string& out, const S& s) {
  out.push_back('{');
  bool first = true;
  std::apply(
      [&](const auto&... f) {
        (
            [&] {
              const auto& value = s.*(f.member);
              using T = std::remove_cvref_t<decltype(value)>;
              if constexpr (is_optional<T>::value)
                if (!value) return;
              if (!first) out.push_back(',');
              first = false;
              append_quoted_js_string(out, f.name);
              out.push_back(':');
              if constexpr (is_optional<T>::value)
                write_value(out, *value);
              else
                write_value(out, value);
            }(),
            ...);
      },
      S::fields());
  out.push_back('}');
}

template <class T> void write_value(std::string& out, const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    append_quoted_js_string(out, v);
  } else if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, double> || std::is_same_v<T, std::int64_t>) {
    append_js_string(out, Json(v));  // a scalar Json allocates nothing
  } else if constexpr (std::is_same_v<T, Timestamp>) {
    append_quoted_js_string(out, format_iso(v));
  } else if constexpr (std::is_same_v<T, Json>) {
    append_js_string(out, v);
  } else if constexpr (std::is_same_v<T, Object>) {
    append_js_string(out, v.value);
  } else if constexpr (std::is_same_v<T, MediaRepresentation> || std::is_same_v<T, Representations>) {
    append_js_string(out, encode_value(v));
  } else if constexpr (is_vector<T>::value) {
    out.push_back('[');
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) out.push_back(',');
      write_value(out, v[i]);
    }
    out.push_back(']');
  } else if constexpr (std::is_enum_v<T>) {
    append_quoted_js_string(out, to_string(v));
  } else {
    write_struct(out, v);
  }
}

}  // namespace

std::string_view event_name(const Event& event) {
  return std::visit(
      [](const auto& e) -> std::string_view {
        if constexpr (std::is_same_v<std::decay_t<decltype(e)>, events::Unknown>)
          return e.name;
        else
          return std::decay_t<decltype(e)>::kName;
      },
      event);
}

std::optional<Json> encode_args(const Event& event) {
  return std::visit(
      [](const auto& e) -> std::optional<Json> {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, events::Unknown>)
          return e.args;
        else if constexpr (requires { E::kVoidArgs; })
          return std::nullopt;
        else
          return encode_struct(e);
      },
      event);
}

std::optional<std::string> encode_args_text(const Event& event) {
  return std::visit(
      [](const auto& e) -> std::optional<std::string> {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, events::Unknown>) {
          if (!e.args) return std::nullopt;
          return to_js_string(*e.args);
        } else if constexpr (requires { E::kVoidArgs; }) {
          return std::nullopt;
        } else {
          std::string out;
          write_struct(out, e);
          return out;
        }
      },
      event);
}

Json encode_event(const Event& event) {
  Json out = Json::object();
  out.emplace("name", std::string(event_name(event)));
  if (auto args = encode_args(event)) out.emplace("args", std::move(*args));
  return out;
}

Json encode_representations(const Representations& representations) {
  return encode_value(representations);
}

Json encode_logged_event(const LoggedEvent& logged) {
  Json out = encode_event(logged.event);
  out.emplace("seqNum", logged.seqNum);
  out.emplace("parentSeqNum", logged.parentSeqNum);
  out.emplace("clientId", logged.clientId);
  out.emplace("sessionId", logged.sessionId);
  return out;
}

}  // namespace runt::schema
