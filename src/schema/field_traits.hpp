#pragma once
// Private to the schema layer: what the codec (codec.cpp decodes, encode.cpp encodes) asks of
// a field's type as it walks an event struct's field list.

#include <optional>
#include <type_traits>
#include <vector>

namespace runt::schema {

template <class T> struct is_optional : std::false_type {};
template <class T> struct is_optional<std::optional<T>> : std::true_type {};
template <class T> struct is_vector : std::false_type {};
template <class T> struct is_vector<std::vector<T>> : std::true_type {};

}  // namespace runt::schema
