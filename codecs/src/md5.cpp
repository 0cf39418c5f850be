#include "md5.hpp"

#include <kinesys/codecs.hpp>

#include <openssl/evp.h>

#include <cstdlib>
#include <memory>

namespace kinesys::codecs::detail {
namespace {

struct ctx_deleter {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};

EVP_MD const* md5_algorithm() noexcept
{
  // Fetching explicitly avoids a provider lookup on every digest.
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "MD5", nullptr);
  if (!md) std::abort();  // no default provider: the library cannot work at all
  return md;
}

EVP_MD_CTX* thread_ctx() noexcept
{
  thread_local std::unique_ptr<EVP_MD_CTX, ctx_deleter> ctx(EVP_MD_CTX_new());
  if (!ctx) std::abort();
  return ctx.get();
}

}  // namespace

md5_digest md5(std::initializer_list<std::string_view> parts) noexcept
{
  EVP_MD_CTX* c = thread_ctx();
  md5_digest out{};
  unsigned len = 0;
  if (EVP_DigestInit_ex2(c, md5_algorithm(), nullptr) != 1) std::abort();
  for (auto p : parts) EVP_DigestUpdate(c, p.data(), p.size());
  EVP_DigestFinal_ex(c, out.data(), &len);
  return out;
}

md5_digest md5(std::string_view data) noexcept { return md5({data}); }

}  // namespace kinesys::codecs::detail

namespace kinesys::codecs {
md5_digest md5(std::string_view data) noexcept { return detail::md5(data); }
}  // namespace kinesys::codecs
