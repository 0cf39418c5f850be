#include "aws/crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <stdexcept>

namespace kinesys::engine::aws::detail {
namespace {

// Failure here means OpenSSL itself is broken (no default provider): a
// startup problem, not a per-request one, so it throws.
[[noreturn]] void openssl_failed(char const* what) { throw std::runtime_error(std::string("OpenSSL: ") + what); }

EVP_MD const* sha256_md() {
  static EVP_MD* const md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr) openssl_failed("SHA256 unavailable");
    return fetched;
  }();
  return md;
}

EVP_MAC* hmac_algorithm() {
  static EVP_MAC* const mac = [] {
    EVP_MAC* fetched = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (fetched == nullptr) openssl_failed("HMAC unavailable");
    return fetched;
  }();
  return mac;
}

struct digest_context {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~digest_context() { EVP_MD_CTX_free(ctx); }
};

struct mac_context {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(hmac_algorithm());
  ~mac_context() { EVP_MAC_CTX_free(ctx); }
};

}  // namespace

sha256_digest sha256(std::string_view data) {
  thread_local digest_context context;
  sha256_digest out{};
  unsigned int length = 0;
  if (context.ctx == nullptr || EVP_DigestInit_ex2(context.ctx, sha256_md(), nullptr) != 1 ||
      EVP_DigestUpdate(context.ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(context.ctx, out.data(), &length) != 1 || length != out.size())
    openssl_failed("SHA256 failed");
  return out;
}

sha256_digest hmac_sha256(std::span<unsigned char const> key, std::string_view data) {
  thread_local mac_context context;
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end(),
  };
  sha256_digest out{};
  std::size_t length = 0;
  if (context.ctx == nullptr || EVP_MAC_init(context.ctx, key.data(), key.size(), params) != 1 ||
      EVP_MAC_update(context.ctx, reinterpret_cast<unsigned char const*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(context.ctx, out.data(), &length, out.size()) != 1 || length != out.size())
    openssl_failed("HMAC-SHA256 failed");
  return out;
}

void append_hex(std::string& out, std::span<unsigned char const> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::size_t const start = out.size();
  out.resize(start + bytes.size() * 2);
  char* p = out.data() + start;
  for (unsigned char b : bytes) {
    *p++ = digits[b >> 4];
    *p++ = digits[b & 0x0f];
  }
}

std::string to_hex(std::span<unsigned char const> bytes) {
  std::string out;
  append_hex(out, bytes);
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace kinesys::engine::aws::detail
