// The server's SigV4 checks: any Authorization header value parses or is
// refused as incomplete, and a whole request with fuzzed Authorization,
// X-Amz-Date and body is refused (nothing the fuzzer makes up can carry a
// valid signature) without a crash, and the refusal never quotes the secret.
#include <kinesys/detail/engine/aws/sigv4_verifier.hpp>

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>
#include <string>

namespace aws = kinesys::engine::aws;

namespace {

constexpr std::string_view secret = "fuzz-secret-6b1f0c2e";

aws::sigv4_verifier& verifier()
{
  static aws::sigv4_verifier v([](std::string_view id) -> std::optional<std::string> {
    if (id == "AKIDFUZZ") return std::string(secret);
    return std::nullopt;
  });
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
  FuzzedDataProvider in(data, size);
  std::string const authorization = in.ConsumeRandomLengthString(4096);
  auto parsed = aws::parse_authorization(authorization);
  if (parsed) {
    // Views point into the header value.
    for (std::string_view part : {parsed->access_key_id, parsed->date, parsed->region, parsed->service,
                                  parsed->signed_headers, parsed->signature}) {
      if (!part.empty() && (part.data() < authorization.data() || part.data() + part.size() > authorization.data() + authorization.size()))
        std::abort();
    }
  } else if (parsed.error().reason != aws::auth_failure::incomplete_signature &&
             parsed.error().reason != aws::auth_failure::missing_authentication_token) {
    std::abort();
  }

  std::string const date = in.ConsumeRandomLengthString(32);
  std::string const target = in.ConsumeRandomLengthString(64);
  std::string const extra = in.ConsumeRandomLengthString(64);
  std::string const body = in.ConsumeRemainingBytesAsString();
  std::vector<aws::header_view> headers = {
      {"Host", "127.0.0.1:4567"},
      {"X-Amz-Date", date},
      {"X-Amz-Target", target},
      {"X-Extra", extra},
      {"Authorization", authorization},
  };
  auto verdict = verifier().verify("POST", "/", headers, body, 1'700'000'000);
  if (verdict) std::abort();  // a forged signature was accepted
  // A refusal may quote what the client sent (AWS does), so only a secret
  // the input did not contain is a leak.
  std::string_view const input(reinterpret_cast<char const*>(data), size);
  if (verdict.error().message.find(secret) != std::string::npos && input.find(secret) == std::string_view::npos)
    std::abort();
  (void)verdict.error().aws_code();
  if (verdict.error().http_status() != 400 && verdict.error().http_status() != 403) std::abort();
  return 0;
}
