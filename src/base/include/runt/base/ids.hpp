#pragma once
// Random identifiers and secrets, all from the kernel's CSPRNG (std::random_device reads
// getrandom on Linux): ids that must not collide across clients, and tokens nobody may guess.

#include <string>
#include <string_view>

namespace runt::base {

// `length` characters drawn uniformly from `alphabet`.
std::string random_string(std::string_view alphabet, int length);
// `digits` lower-case hexadecimal digits.
std::string random_hex(int digits);
// A UUID version 4 in its 36-character text form (Jupyter message ids, session ids, output ids).
std::string new_uuid();

}  // namespace runt::base
