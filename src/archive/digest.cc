#include "archive/digest.h"

#include <openssl/evp.h>

#include <cstdint>
#include <new>
#include <utility>

namespace forage {

struct DigestStream::Context {
  EVP_MD_CTX* md = nullptr;
  ~Context() { EVP_MD_CTX_free(md); }
};

namespace {

const EVP_MD* Md(DigestStream::Algorithm algorithm) {
  return algorithm == DigestStream::Algorithm::kSha1 ? EVP_sha1() : EVP_sha256();
}

}  // namespace

DigestStream::DigestStream(Algorithm algorithm)
    : algorithm_(algorithm), ctx_(std::make_unique<Context>()) {
  ctx_->md = EVP_MD_CTX_new();
  if (!ctx_->md) throw std::bad_alloc();
  Reset();
}

DigestStream::~DigestStream() = default;
DigestStream::DigestStream(DigestStream&&) noexcept = default;
DigestStream& DigestStream::operator=(DigestStream&&) noexcept = default;

void DigestStream::Reset() { EVP_DigestInit_ex(ctx_->md, Md(algorithm_), nullptr); }

void DigestStream::Update(std::string_view bytes) {
  if (!bytes.empty()) EVP_DigestUpdate(ctx_->md, bytes.data(), bytes.size());
}

std::string DigestStream::Finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx_->md, out, &n);
  Reset();
  return std::string(reinterpret_cast<const char*>(out), n);
}

std::string Base32(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  out.reserve((bytes.size() + 4) / 5 * 8);
  std::uint64_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kAlphabet[(buffer >> bits) & 31]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  while (out.size() % 8 != 0) out.push_back('=');
  return out;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string WarcSha1(std::string_view bytes) {
  DigestStream sha1(DigestStream::Algorithm::kSha1);
  sha1.Update(bytes);
  return "sha1:" + Base32(sha1.Finish());
}

}  // namespace forage
