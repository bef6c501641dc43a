#pragma once

// SHA-256 of bytes that arrive in pieces (a body as curl hands it over), by
// OpenSSL's EVP interface.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of this header

namespace forage {

// One digest at a time; Reset starts the next. Not thread-safe. A failure of
// OpenSSL (out of memory) is not an exception: the digest is then unknown,
// and HexDigest says so.
class Sha256 {
 public:
  Sha256();  // ready for Update, as after Reset
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  // Forgets what was hashed and starts again.
  void Reset();
  void Update(std::string_view bytes);
  // The digest of everything since the last Reset, 64 lower-case hex
  // digits; nullopt if OpenSSL failed on the way. Ends this digest: Reset
  // before hashing again.
  std::optional<std::string> HexDigest();

  // The digest of `bytes` at once.
  static std::optional<std::string> Of(std::string_view bytes);

 private:
  struct Free {
    void operator()(evp_md_ctx_st* ctx) const;
  };
  std::unique_ptr<evp_md_ctx_st, Free> ctx_;
  bool ok_ = false;
};

}  // namespace forage
