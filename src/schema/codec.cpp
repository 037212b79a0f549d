// Decoding events: from Json values and from JSON text (EventDecoder, on simdjson), validated as
// the TypeScript decoder validates. The encoding side is encode.cpp.

#include "runt/schema/codec.hpp"

#include "field_traits.hpp"
#include "json_views.hpp"
#include "simd_decoding.hpp"

#include <simdjson.h>

#include <array>
#include <cmath>
#include <limits>
#include <type_traits>
#include <cstdint>
#include <optional>

namespace runt::schema {

DecodeError::DecodeError(std::string event_name, std::string field_path, const std::string& problem)
    : std::invalid_argument(
          (event_name.empty() ? std::string("event") : event_name) +
          (field_path.empty() ? std::string(": ") : ": field \"" + field_path + "\": ") + problem),
      event_name_(std::move(event_name)),
      field_path_(std::move(field_path)) {}

namespace {

// ---- Where in the args a value sits; rendered only when there is an error -------------------

struct Path {
  enum class Kind { root, field, element, mime };
  const Path* parent = nullptr;
  Kind kind = Kind::root;
  std::string_view key;
  size_t index = 0;

  Path field(std::string_view k) const { return {this, Kind::field, k, 0}; }
  Path element(size_t i) const { return {this, Kind::element, {}, i}; }
  Path mime(std::string_view k) const { return {this, Kind::mime, k, 0}; }

  std::string render() const {
    if (kind == Kind::root) return "";
    std::string base = parent->render();
    switch (kind) {
      case Kind::field: return base.empty() ? std::string(key) : base + "." + std::string(key);
      case Kind::element: return base + "[" + std::to_string(index) + "]";
      default: return base + "[" + to_js_string(Json(std::string(key))) + "]";
    }
  }
};

// Thrown inside the codec; the entry points add the event name.
struct FieldError {
  std::string path;
  std::string problem;
};

using json_views::Kind;
using json_views::NlohmannView;
using json_views::SimdView;

template <class V> std::string describe(const V& v) {
  switch (v.kind()) {
    case Kind::null: return "null";
    case Kind::boolean: return v.boolean() ? "true" : "false";
    case Kind::int64: return std::to_string(v.int64());
    case Kind::uint64: return std::to_string(v.uint64());
    case Kind::float64: return js_number(v.float64());
    case Kind::string: {
      std::string s = to_js_string(Json(std::string(v.string())));
      if (s.size() > 60) s = s.substr(0, 57) + "...";
      return "the string " + s;
    }
    case Kind::array: return "an array";
    case Kind::object: return "an object";
  }
  return "?";
}

template <class V>
[[noreturn]] void fail(const Path& path, const std::string& expected, const V& got) {
  throw FieldError{path.render(), "expected " + expected + ", got " + describe(got)};
}

[[noreturn]] void missing(const Path& path) { throw FieldError{path.render(), "missing"}; }

// The values of `keys` in one pass over an object (which must be one); a key given twice keeps
// its last value, as JSON.parse does.
template <class V, size_t N>
std::array<std::optional<V>, N> pick(const V& object, const std::array<std::string_view, N>& keys) {
  std::array<std::optional<V>, N> found;
  // Encoders (ours and the TypeScript clients') write keys in schema order, which is the order
  // of `keys`: the key after the last one matched is tried first, and one compare usually does.
  size_t next = 0;
  object.members_raw([&](std::string_view key, const V& value) {
    if (next < N && key == keys[next]) {
      found[next++] = value;
      return;
    }
    for (size_t i = 0; i < N; ++i)  // the first byte rules out most keys of the same length
      if (key.size() == keys[i].size() && !key.empty() && key[0] == keys[i][0] && key == keys[i]) {
        found[i] = value;
        next = i + 1;
        return;
      }
  });
  return found;
}

// ---- Generic decoding over the event structs' field lists ---------------------------------

template <class T>
concept Described = requires { T::fields(); };

template <class T, class V> T decode_value(const V& j, const Path& path);

template <class S> constexpr auto field_names() {
  return std::apply([](const auto&... f) { return std::array<std::string_view, sizeof...(f)>{f.name...}; },
                    S::fields());
}

template <class S, class V> S decode_struct(const V& j, const Path& path) {
  if (j.kind() != Kind::object) fail(path, "an object", j);
  static constexpr auto names = field_names<S>();
  const auto values = pick(j, names);
  S out{};
  size_t i = 0;
  std::apply(
      [&](const auto&... f) {
        (
            [&] {
              using T = std::remove_cvref_t<decltype(out.*(f.member))>;
              const auto& value = values[i++];
              const Path field_path = path.field(f.name);
              if constexpr (is_optional<T>::value) {
                if (value) out.*(f.member) = decode_value<typename T::value_type>(*value, field_path);
              } else {
                if (!value) missing(field_path);
                out.*(f.member) = decode_value<T>(*value, field_path);
              }
            }(),
            ...);
      },
      S::fields());
  return out;
}

template <class V> std::int64_t decode_integer(const V& j, const Path& path) {
  switch (j.kind()) {
    case Kind::int64: return j.int64();
    case Kind::uint64:
      if (j.uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return static_cast<std::int64_t>(j.uint64());
      break;
    case Kind::float64: {
      // JavaScript cannot tell 3 from 3.0; both are the integer 3.
      const double d = j.float64();
      if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.2e18) return static_cast<std::int64_t>(d);
      break;
    }
    default: break;
  }
  fail(path, "an integer", j);
}

template <class V> std::string decode_string(const V& j, const Path& path) {
  if (j.kind() != Kind::string) fail(path, "a string", j);
  return std::string(j.string());
}

template <class V> MediaRepresentation decode_media(const V& j, const Path& path) {
  if (j.kind() != Kind::object) fail(path, "a media representation object", j);
  static constexpr std::array<std::string_view, 4> keys{"type", "data", "metadata", "artifactId"};
  const auto [type, data, metadata_value, artifact_id] = pick(j, keys);
  if (!type) missing(path.field("type"));
  // An init-capture: clang before 16 cannot capture a structured binding.
  const auto metadata = [&, &metadata_value = metadata_value]() -> std::optional<Object> {
    if (!metadata_value) return std::nullopt;
    return decode_value<Object>(*metadata_value, path.field("metadata"));
  };
  const std::string_view tag = type->kind() == Kind::string ? type->string() : std::string_view();
  if (tag == "inline") {
    InlineMedia m;
    if (data) m.data = data->to_json();
    m.metadata = metadata();
    return m;
  }
  if (tag == "artifact") {
    ArtifactMedia m;
    if (!artifact_id) missing(path.field("artifactId"));
    m.artifactId = decode_string(*artifact_id, path.field("artifactId"));
    m.metadata = metadata();
    return m;
  }
  fail(path.field("type"), "\"inline\" or \"artifact\"", *type);
}

template <class T, class V> T decode_value(const V& j, const Path& path) {
  if constexpr (std::is_same_v<T, std::string>) {
    return decode_string(j, path);
  } else if constexpr (std::is_same_v<T, bool>) {
    if (j.kind() != Kind::boolean) fail(path, "a boolean", j);
    return j.boolean();
  } else if constexpr (std::is_same_v<T, double>) {
    switch (j.kind()) {
      case Kind::int64: return static_cast<double>(j.int64());
      case Kind::uint64: return static_cast<double>(j.uint64());
      case Kind::float64: return j.float64();
      default: fail(path, "a number", j);
    }
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    return decode_integer(j, path);
  } else if constexpr (std::is_same_v<T, Timestamp>) {
    if (j.kind() == Kind::string)
      if (auto t = parse_iso(j.string())) return *t;
    fail(path, "an ISO-8601 date string", j);
  } else if constexpr (std::is_same_v<T, Json>) {
    return j.to_json();
  } else if constexpr (std::is_same_v<T, Object>) {
    if (j.kind() != Kind::object) fail(path, "an object", j);
    return Object{j.to_json()};
  } else if constexpr (std::is_same_v<T, MediaRepresentation>) {
    return decode_media(j, path);
  } else if constexpr (std::is_same_v<T, Representations>) {
    if (j.kind() != Kind::object) fail(path, "an object of media representations by MIME type", j);
    Representations out;
    out.reserve(j.size());
    j.members([&](std::string_view mime, const V& rep) {
      out.emplace_back(std::string(mime), decode_media(rep, path.mime(mime)));
    });
    return out;
  } else if constexpr (is_vector<T>::value) {
    if (j.kind() != Kind::array) fail(path, "an array", j);
    T out;
    out.reserve(j.size());
    size_t i = 0;
    j.elements([&](const V& element) {
      out.push_back(decode_value<typename T::value_type>(element, path.element(i++)));
    });
    return out;
  } else if constexpr (std::is_enum_v<T>) {
    if (j.kind() == Kind::string)
      if (auto v = parse_literal<T>(j.string())) return *v;
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

// ---- Events by name -------------------------------------------------------------------------

template <class E, class V> Event decode_known(const std::optional<V>& args) {
  if constexpr (requires { E::kVoidArgs; }) {
    (void)args;  // Schema.Void accepts anything
    return E{};
  } else {
    if (!args) throw FieldError{"", "args: missing"};
    if (args->kind() != Kind::object) throw FieldError{"", "args: expected an object, got " + describe(*args)};
    return decode_struct<E>(*args, Path{});
  }
}

template <size_t... I>
constexpr auto make_names(std::index_sequence<I...>) {
  return std::array<std::string_view, sizeof...(I)>{std::variant_alternative_t<I, Event>::kName...};
}
constexpr auto kNames = make_names(std::make_index_sequence<kKnownEventCount>{});

template <class V> using Decoder = Event (*)(const std::optional<V>&);
template <class V, size_t... I>
constexpr auto make_decoders(std::index_sequence<I...>) {
  return std::array<Decoder<V>, sizeof...(I)>{&decode_known<std::variant_alternative_t<I, Event>, V>...};
}
template <class V>
constexpr auto kDecoders = make_decoders<V>(std::make_index_sequence<kKnownEventCount>{});

// Event names to their place in Event, looked up once per decoded event: open addressing over
// a hash of the length and three bytes, built at compile time. (std::unordered_map spent more on
// hashing the whole name and on its modulo than the rest of the envelope's decoding.)
class NameIndex {
 public:
  constexpr NameIndex() {
    slots_.fill(kEmpty);
    for (size_t name = 0; name < kNames.size(); ++name) {
      size_t i = hash(kNames[name]) & kMask;
      while (slots_[i] != kEmpty) i = (i + 1) & kMask;
      slots_[i] = static_cast<std::uint8_t>(name);
    }
  }
  constexpr std::optional<size_t> find(std::string_view name) const {
    for (size_t i = hash(name) & kMask;; i = (i + 1) & kMask) {
      if (slots_[i] == kEmpty) return std::nullopt;
      if (kNames[slots_[i]] == name) return slots_[i];
    }
  }

 private:
  static constexpr size_t kSize = 128;  // a power of two, under half full
  static constexpr size_t kMask = kSize - 1;
  static constexpr std::uint8_t kEmpty = 0xff;
  static_assert(kNames.size() < kSize / 2);
  static constexpr size_t hash(std::string_view s) {
    if (s.empty()) return 0;
    const auto byte = [&](size_t i) { return static_cast<size_t>(static_cast<unsigned char>(s[i])); };
    return s.size() * 31 + byte(s.size() - 1) * 7 + byte(s.size() / 2) * 131 + byte(s.size() > 1 ? 1 : 0);
  }
  std::array<std::uint8_t, kSize> slots_{};
};
constexpr NameIndex kNameIndex;

template <class V> Event decode_named(std::string_view name, const std::optional<V>& args) {
  const std::optional<size_t> known = kNameIndex.find(name);
  if (!known)
    return events::Unknown{std::string(name), args ? std::optional<Json>(args->to_json()) : std::nullopt};
  try {
    return kDecoders<V>[*known](args);
  } catch (const FieldError& e) {
    throw DecodeError(std::string(name), e.path, e.problem);
  }
}

enum class Args { decode, keep };

// The event of an object whose `name` and `args` members were picked (j must be an object).
template <class V> Event decode_picked(const std::optional<V>& name, const std::optional<V>& args, Args mode) {
  if (!name) throw DecodeError("", "", "missing \"name\"");
  if (name->kind() != Kind::string) throw DecodeError("", "", "\"name\" must be a string, got " + describe(*name));
  if (mode == Args::keep)
    return events::Unknown{std::string(name->string()), args ? std::optional<Json>(args->to_json()) : std::nullopt};
  return decode_named(name->string(), args);
}

template <class V> void check_event_object(const V& j) {
  if (j.kind() != Kind::object) throw DecodeError("", "", "expected an event object, got " + describe(j));
}

template <class V> Event decode_object(const V& j, Args mode = Args::decode) {
  check_event_object(j);
  static constexpr std::array<std::string_view, 2> keys{"name", "args"};
  const auto [name, args] = pick(j, keys);
  return decode_picked(name, args, mode);
}

// The envelope's six keys are picked in one pass over the object.
template <class V> LoggedEvent decode_logged(const V& j, Args mode = Args::decode) {
  check_event_object(j);
  static constexpr std::array<std::string_view, 6> keys{"name", "args", "seqNum", "parentSeqNum", "clientId", "sessionId"};
  const auto values = pick(j, keys);
  LoggedEvent out{.event = decode_picked(values[0], values[1], mode)};
  const std::string_view name = event_name(out.event);
  const Path root;
  for (size_t i = 2; i < keys.size(); ++i)
    if (!values[i]) throw DecodeError(std::string(name), "", "missing \"" + std::string(keys[i]) + "\"");
  try {
    out.seqNum = decode_integer(*values[2], root.field(keys[2]));
    out.parentSeqNum = decode_integer(*values[3], root.field(keys[3]));
    out.clientId = decode_string(*values[4], root.field(keys[4]));
    out.sessionId = decode_string(*values[5], root.field(keys[5]));
  } catch (const FieldError& e) {
    throw DecodeError(std::string(name), "", "\"" + e.path + "\" " + e.problem);
  }
  return out;
}

}  // namespace

// ---- Public API -------------------------------------------------------------------------------

std::span<const std::string_view> known_event_names() { return kNames; }

bool is_known_event_name(std::string_view name) { return kNameIndex.find(name).has_value(); }

Event decode_event(std::string_view name, const Json* args) {
  return decode_named(name, args ? std::optional<NlohmannView>(NlohmannView(*args)) : std::nullopt);
}

Event decode_event(const Json& name_and_args) { return decode_object(NlohmannView(name_and_args)); }

LoggedEvent decode_logged_event(const Json& encoded) { return decode_logged(NlohmannView(encoded)); }

struct EventDecoder::Impl {
  static_assert(kMaxJsonDepth == simdjson::DEFAULT_MAX_DEPTH, "both parsers must refuse the same depth");
  simdjson::dom::parser parser;
  std::string buffer;  // the text and the padding simdjson reads past its end, kept between calls
};

EventDecoder::EventDecoder() : impl_(std::make_unique<Impl>()) {}
EventDecoder::~EventDecoder() = default;

namespace {

// simdjson refuses a few documents JSON.parse accepts (integers beyond 64 bits, numbers that
// overflow to Infinity): those, and malformed text, take the slower nlohmann path, which
// accepts exactly what it accepts elsewhere and words the syntax errors. simdjson refuses a raw
// NUL anywhere in the text (codec_test pins it), so only the byte order mark, which it skips, is
// checked first; scanning every text for NUL cost 5% of a replay.
template <class R, class F>
R decode_text(simdjson::dom::parser& parser, std::string& buffer, std::string_view text, F&& decode) {
  if (text.starts_with("\xEF\xBB\xBF")) check_json_bytes(text);  // throws
  buffer.reserve(text.size() + simdjson::SIMDJSON_PADDING);
  buffer.assign(text);
  simdjson::dom::element root;
  const auto error = parser.parse(buffer.data(), buffer.size(), /*realloc_if_needed=*/false).get(root);
  if (error == simdjson::SUCCESS) return decode(SimdView(root));
  if (error == simdjson::DEPTH_ERROR)
    throw JsonSyntaxError("JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  const Json parsed = parse_json(text);
  return decode(NlohmannView(parsed));
}

}  // namespace

Event EventDecoder::decode_event(std::string_view json_text) {
  return decode_text<Event>(impl_->parser, impl_->buffer, json_text, [](const auto& view) { return decode_object(view); });
}

Event EventDecoder::decode_event(std::string_view name, std::optional<std::string_view> args_text) {
  if (!args_text) return decode_named(name, std::optional<SimdView>());
  return decode_text<Event>(impl_->parser, impl_->buffer, *args_text, [name](const auto& view) { return decode_named(name, std::optional(view)); });
}

LoggedEvent EventDecoder::decode_logged_event(std::string_view json_text) {
  return decode_text<LoggedEvent>(impl_->parser, impl_->buffer, json_text, [](const auto& view) { return decode_logged(view); });
}

LoggedEvent detail::decode_logged_element(simdjson::dom::element document) {
  return decode_logged(SimdView(document));
}

LoggedEvent EventDecoder::decode_logged_envelope(std::string_view json_text) {
  return decode_text<LoggedEvent>(impl_->parser, impl_->buffer, json_text, [](const auto& view) { return decode_logged(view, Args::keep); });
}

}  // namespace runt::schema
