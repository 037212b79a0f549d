#pragma once
// Reading providers' JSON the forgiving way real servers need (ai-wire-formats.md §4.7): an
// explicit null is the same as absent, a field of the wrong type is empty. Private to src/ai.

#include <nlohmann/json.hpp>

#include <string>

namespace runt::ai::wire {

// The field, or nullptr when `object` is not an object or the field is absent or null.
inline const nlohmann::json* field(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(name);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

// The field's text, or "" when it is missing, null or not a string.
inline std::string string_field(const nlohmann::json& object, const char* name) {
  const nlohmann::json* value = field(object, name);
  return value && value->is_string() ? value->get<std::string>() : std::string();
}

}  // namespace runt::ai::wire
