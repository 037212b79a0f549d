#pragma once
// SHA-256 fed in pieces (artifacts are hashed as they are read, never held whole).

#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace runt::storage {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view bytes);
  // Lower-case hex of everything updated so far; the hasher is spent afterwards.
  std::string finish();

 private:
  evp_md_ctx_st* context_;
};

}  // namespace runt::storage
