#include "runt/schema/codec.hpp"

#include <array>
#include <cmath>
#include <concepts>
#include <limits>
#include <type_traits>
#include <unordered_map>

namespace runt::schema {

DecodeError::DecodeError(std::string event_name, std::string field_path, const std::string& problem)
    : std::invalid_argument(
          (event_name.empty() ? std::string("event") : event_name) +
          (field_path.empty() ? std::string(": ") : ": field \"" + field_path + "\": ") + problem),
      event_name_(std::move(event_name)),
      field_path_(std::move(field_path)) {}

namespace {

// Thrown inside the codec; decode_event adds the event name.
struct FieldError {
  std::string path;
  std::string problem;
};

std::string describe(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case Json::value_t::string: {
      std::string s = to_js_string(v);
      if (s.size() > 60) s = s.substr(0, 57) + "...";
      return "the string " + s;
    }
    case Json::value_t::array: return "an array";
    case Json::value_t::object: return "an object";
    default: return to_js_string(v);
  }
}

[[noreturn]] void fail(const std::string& path, const std::string& expected, const Json& got) {
  throw FieldError{path, "expected " + expected + ", got " + describe(got)};
}

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

template <class T> struct is_optional : std::false_type {};
template <class T> struct is_optional<std::optional<T>> : std::true_type {};
template <class T> struct is_vector : std::false_type {};
template <class T> struct is_vector<std::vector<T>> : std::true_type {};

template <class T>
concept Described = requires { T::fields(); };

template <class T> T decode_value(const Json& j, const std::string& path);
template <class T> Json encode_value(const T& v);

template <class S> S decode_struct(const Json& j, const std::string& path) {
  if (!j.is_object()) fail(path, "an object", j);
  S out{};
  std::apply(
      [&](const auto&... f) {
        (
            [&] {
              using T = std::remove_cvref_t<decltype(out.*(f.member))>;
              const auto it = j.find(f.name);
              const std::string field_path = join(path, f.name);
              if constexpr (is_optional<T>::value) {
                if (it != j.end())
                  out.*(f.member) = decode_value<typename T::value_type>(*it, field_path);
              } else {
                if (it == j.end()) throw FieldError{field_path, "missing"};
                out.*(f.member) = decode_value<T>(*it, field_path);
              }
            }(),
            ...);
      },
      S::fields());
  return out;
}

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

std::int64_t decode_integer(const Json& j, const std::string& path) {
  if (j.is_number_integer() && !j.is_number_unsigned()) return j.get<std::int64_t>();
  if (j.is_number_unsigned()) {
    const auto u = j.get<std::uint64_t>();
    if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return static_cast<std::int64_t>(u);
  }
  if (j.is_number_float()) {
    const double d = j.get<double>();
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.2e18)
      return static_cast<std::int64_t>(d);
  }
  fail(path, "an integer", j);
}

MediaRepresentation decode_media(const Json& j, const std::string& path) {
  if (!j.is_object()) fail(path, "a media representation object", j);
  const auto type = j.find("type");
  if (type == j.end()) throw FieldError{join(path, "type"), "missing"};
  const auto metadata = [&]() -> std::optional<Object> {
    const auto it = j.find("metadata");
    if (it == j.end()) return std::nullopt;
    return decode_value<Object>(*it, join(path, "metadata"));
  };
  if (type->is_string() && type->get_ref<const std::string&>() == "inline") {
    InlineMedia m;
    if (const auto it = j.find("data"); it != j.end()) m.data = *it;
    m.metadata = metadata();
    return m;
  }
  if (type->is_string() && type->get_ref<const std::string&>() == "artifact") {
    ArtifactMedia m;
    const auto it = j.find("artifactId");
    if (it == j.end()) throw FieldError{join(path, "artifactId"), "missing"};
    m.artifactId = decode_value<std::string>(*it, join(path, "artifactId"));
    m.metadata = metadata();
    return m;
  }
  fail(join(path, "type"), "\"inline\" or \"artifact\"", *type);
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

template <class T> T decode_value(const Json& j, const std::string& path) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (!j.is_string()) fail(path, "a string", j);
    return j.get<std::string>();
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!j.is_boolean()) fail(path, "a boolean", j);
    return j.get<bool>();
  } else if constexpr (std::is_same_v<T, double>) {
    if (!j.is_number()) fail(path, "a number", j);
    return j.get<double>();
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    return decode_integer(j, path);
  } else if constexpr (std::is_same_v<T, Timestamp>) {
    if (j.is_string())
      if (auto t = parse_iso(j.get_ref<const std::string&>())) return *t;
    fail(path, "an ISO-8601 date string", j);
  } else if constexpr (std::is_same_v<T, Json>) {
    return j;
  } else if constexpr (std::is_same_v<T, Object>) {
    if (!j.is_object()) fail(path, "an object", j);
    return Object{j};
  } else if constexpr (std::is_same_v<T, MediaRepresentation>) {
    return decode_media(j, path);
  } else if constexpr (std::is_same_v<T, Representations>) {
    if (!j.is_object()) fail(path, "an object of media representations by MIME type", j);
    Representations out;
    out.reserve(j.size());
    for (const auto& [mime, rep] : j.items())
      out.emplace_back(mime, decode_media(rep, path + "[" + to_js_string(Json(mime)) + "]"));
    return out;
  } else if constexpr (is_vector<T>::value) {
    if (!j.is_array()) fail(path, "an array", j);
    T out;
    out.reserve(j.size());
    for (size_t i = 0; i < j.size(); ++i)
      out.push_back(
          decode_value<typename T::value_type>(j[i], path + "[" + std::to_string(i) + "]"));
    return out;
  } else if constexpr (std::is_enum_v<T>) {
    if (j.is_string())
      if (auto v = parse_literal<T>(j.get_ref<const std::string&>())) return *v;
    std::string allowed;
    for (auto name : literal_names<T>()) {
      if (!allowed.empty()) allowed += " | ";
      allowed += "\"" + std::string(name) + "\"";
    }
    fail(path, "one of " + allowed, j);
  } else {
    static_assert(Described<T>, "no codec for this type");
    return decode_struct<T>(j, path);
  }
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
    Json out = Json::object();
    for (const auto& [mime, rep] : v) out.emplace(mime, encode_media(rep));
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

template <class E> Event decode_known(const Json* args) {
  if constexpr (requires { E::kVoidArgs; }) {
    (void)args;  // Schema.Void accepts anything
    return E{};
  } else {
    if (args == nullptr) throw FieldError{"", "args: missing"};
    if (!args->is_object()) throw FieldError{"", "args: expected an object, got " + describe(*args)};
    return decode_struct<E>(*args, "");
  }
}

using Decoder = Event (*)(const Json*);

template <size_t... I>
constexpr auto make_names(std::index_sequence<I...>) {
  return std::array<std::string_view, sizeof...(I)>{std::variant_alternative_t<I, Event>::kName...};
}
constexpr auto kNames = make_names(std::make_index_sequence<kKnownEventCount>{});

template <size_t... I>
constexpr auto make_decoders(std::index_sequence<I...>) {
  return std::array<Decoder, sizeof...(I)>{&decode_known<std::variant_alternative_t<I, Event>>...};
}
constexpr auto kDecoders = make_decoders(std::make_index_sequence<kKnownEventCount>{});

const std::unordered_map<std::string_view, size_t>& name_index() {
  static const auto index = [] {
    std::unordered_map<std::string_view, size_t> m;
    for (size_t i = 0; i < kNames.size(); ++i) m.emplace(kNames[i], i);
    return m;
  }();
  return index;
}

const Json* find_key(const Json& object, std::string_view key) {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

}  // namespace

std::span<const std::string_view> known_event_names() { return kNames; }

bool is_known_event_name(std::string_view name) { return name_index().contains(name); }

Event decode_event(std::string_view name, const Json* args) {
  const auto& index = name_index();
  const auto it = index.find(name);
  if (it == index.end())
    return events::Unknown{std::string(name), args ? std::optional<Json>(*args) : std::nullopt};
  try {
    return kDecoders[it->second](args);
  } catch (const FieldError& e) {
    if (e.path.empty()) throw DecodeError(std::string(name), "", e.problem);
    throw DecodeError(std::string(name), e.path, e.problem);
  }
}

Event decode_event(const Json& name_and_args) {
  if (!name_and_args.is_object())
    throw DecodeError("", "", "expected an event object, got " + describe(name_and_args));
  const Json* name = find_key(name_and_args, "name");
  if (name == nullptr) throw DecodeError("", "", "missing \"name\"");
  if (!name->is_string())
    throw DecodeError("", "", "\"name\" must be a string, got " + describe(*name));
  return decode_event(name->get_ref<const std::string&>(), find_key(name_and_args, "args"));
}

LoggedEvent decode_logged_event(const Json& encoded) {
  LoggedEvent out;
  out.event = decode_event(encoded);
  const std::string name(event_name(out.event));
  const auto envelope = [&](std::string_view key) -> const Json& {
    const Json* v = find_key(encoded, key);
    if (v == nullptr) throw DecodeError(name, "", "missing \"" + std::string(key) + "\"");
    return *v;
  };
  try {
    out.seqNum = decode_integer(envelope("seqNum"), "seqNum");
    out.parentSeqNum = decode_integer(envelope("parentSeqNum"), "parentSeqNum");
    out.clientId = decode_value<std::string>(envelope("clientId"), "clientId");
    out.sessionId = decode_value<std::string>(envelope("sessionId"), "sessionId");
  } catch (const FieldError& e) {
    throw DecodeError(name, "", "\"" + e.path + "\" " + e.problem);
  }
  return out;
}

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

Json encode_event(const Event& event) {
  Json out = Json::object();
  out.emplace("name", std::string(event_name(event)));
  if (auto args = encode_args(event)) out.emplace("args", std::move(*args));
  return out;
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
