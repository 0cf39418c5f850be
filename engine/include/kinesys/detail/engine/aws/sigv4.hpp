#pragma once
// AWS Signature Version 4 (header and query forms), pure: no I/O, no clock.
// The signer works on any request type with `method`, `target` (origin form,
// path[?query]), `body` and a `headers` vector of {name, value} — the
// engine's http_request in practice. It signs every header present except the
// few that proxies and clients rewrite, so what is signed is what is sent.
#include <kinesys/detail/engine/aws/credentials.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace kinesys::engine::aws {

struct header_view {
  std::string_view name;
  std::string_view value;
};

struct sigv4_options {
  /// Remove "." / ".." / empty path segments before encoding (every service
  /// but S3 wants this).
  bool normalize_path = true;
  /// Add and sign x-amz-content-sha256 (S3 requires it; Kinesis and DynamoDB
  /// do not, and leaving it out saves a header per request).
  bool content_sha256_header = false;
  /// Sign X-Amz-Security-Token. A few services want it added after signing;
  /// Kinesis and DynamoDB accept it signed.
  bool sign_session_token = true;
};

/// The texts a signature was computed from, for tests and for explaining a
/// signature mismatch. Views into the signer; valid until its next call.
struct sigv4_trace {
  std::string_view canonical_request;
  std::string_view string_to_sign;
  std::string_view signature;  ///< lowercase hex
};

class sigv4_signer {
public:
  /// @param region  e.g. "eu-west-1"
  /// @param service the signing name, e.g. "kinesis", "dynamodb"
  sigv4_signer(std::string region, std::string service, sigv4_options options = {});

  /// Signs `request` in place: sets X-Amz-Date, X-Amz-Security-Token (when
  /// the credentials carry one), x-amz-content-sha256 (if configured) and
  /// Authorization, replacing earlier values, so a retried request is simply
  /// signed again with a fresh time. The request must carry a Host header.
  /// @locality owning core (the signer keeps reusable buffers)
  template <class Request>
  sigv4_trace sign(Request& request, credentials const& creds, std::chrono::system_clock::time_point now);
  /// As above, for a request whose body is sent from `body` rather than
  /// from request.body (http_client::request's borrowed body).
  template <class Request>
  sigv4_trace sign(Request& request, std::string_view body, credentials const& creds,
                   std::chrono::system_clock::time_point now);

  /// The query-string form (a presigned URL valid for `expires`): appends the
  /// X-Amz-* parameters and X-Amz-Signature to `request.target`.
  template <class Request>
  sigv4_trace presign(Request& request, credentials const& creds, std::chrono::system_clock::time_point now,
                      std::chrono::seconds expires);

  /// The core of sign(): computes the headers to add for a request with the
  /// given parts. `headers` must not contain the headers sign() adds.
  struct header_signature {
    std::string_view amz_date;        ///< X-Amz-Date value
    std::string_view content_sha256;  ///< x-amz-content-sha256 value, empty unless configured
    std::string_view authorization;   ///< Authorization value
    sigv4_trace trace;
  };
  header_signature sign_headers(std::string_view method, std::string_view target, std::span<header_view const> headers,
                                std::string_view body, credentials const& creds, std::int64_t unix_seconds);

  /// The core of presign(): returns the new target.
  std::string presigned_target(std::string_view method, std::string_view target, std::span<header_view const> headers,
                               std::string_view body, credentials const& creds, std::int64_t unix_seconds,
                               std::chrono::seconds expires, sigv4_trace* trace = nullptr);

  std::string const& region() const noexcept { return region_; }
  std::string const& service() const noexcept { return service_; }
  sigv4_options const& options() const noexcept { return options_; }

  /// True for the headers the signer owns or never signs (Authorization,
  /// X-Amz-Date, User-Agent, ...), case-insensitively.
  static bool is_unsigned_header(std::string_view name) noexcept;
  /// True for the headers sign() sets (and so removes first).
  static bool is_signer_header(std::string_view name) noexcept;

private:
  void derive_key(credentials const& creds, std::string_view date);
  void finish(std::string_view amz_date, std::string_view date);
  void collect_headers(std::span<header_view const> headers);
  void add_signed(std::string_view name, std::string_view value);
  void canonical_headers(std::string& out);

  std::string region_;
  std::string service_;
  sigv4_options options_;

  // The derived key depends only on (secret, date, region, service): cached,
  // so a request costs one HMAC instead of five.
  std::string key_date_;
  std::string key_secret_;
  std::array<unsigned char, 32> key_{};

  // Reused across calls: no allocation per request once they have grown.
  std::vector<std::pair<std::string, std::string_view>> signed_;
  std::size_t signed_count_ = 0;
  std::vector<std::pair<std::string, std::string>> query_scratch_;
  std::string query_;
  std::string amz_date_;
  std::string scope_;
  std::string payload_hash_;
  std::string canonical_;
  std::string signed_names_;
  std::string string_to_sign_;
  std::string signature_;
  std::string authorization_;
  std::vector<header_view> views_;
};

/// Seconds since the Unix epoch, as SigV4 timestamps count them.
inline std::int64_t unix_seconds(std::chrono::system_clock::time_point t) noexcept {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// --- templates ---------------------------------------------------------------

template <class Request>
sigv4_trace sigv4_signer::sign(Request& request, credentials const& creds, std::chrono::system_clock::time_point now) {
  return sign(request, std::string_view(request.body), creds, now);
}

template <class Request>
sigv4_trace sigv4_signer::sign(Request& request, std::string_view body, credentials const& creds,
                               std::chrono::system_clock::time_point now) {
  auto& headers = request.headers;
  std::erase_if(headers, [](auto const& h) { return is_signer_header(h.name); });
  views_.clear();
  for (auto const& h : headers) views_.push_back({h.name, h.value});
  header_signature const s = sign_headers(request.method, request.target, views_, body, creds, unix_seconds(now));
  using header_type = typename std::decay_t<decltype(headers)>::value_type;
  headers.push_back(header_type{"X-Amz-Date", std::string(s.amz_date)});
  if (!creds.session_token.empty()) headers.push_back(header_type{"X-Amz-Security-Token", creds.session_token});
  if (!s.content_sha256.empty()) headers.push_back(header_type{"x-amz-content-sha256", std::string(s.content_sha256)});
  headers.push_back(header_type{"Authorization", std::string(s.authorization)});
  return s.trace;
}

template <class Request>
sigv4_trace sigv4_signer::presign(Request& request, credentials const& creds, std::chrono::system_clock::time_point now,
                                  std::chrono::seconds expires) {
  views_.clear();
  for (auto const& h : request.headers)
    if (!is_unsigned_header(h.name)) views_.push_back({h.name, h.value});
  sigv4_trace trace;
  request.target =
      presigned_target(request.method, request.target, views_, request.body, creds, unix_seconds(now), expires, &trace);
  return trace;
}

}  // namespace kinesys::engine::aws
