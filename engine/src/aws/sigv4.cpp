#include <kinesys/detail/engine/aws/sigv4.hpp>

#include "aws/crypto.hpp"
#include "aws/sigv4_canonical.hpp"

#include <algorithm>

namespace kinesys::engine::aws {
namespace {

constexpr std::string_view algorithm = "AWS4-HMAC-SHA256";

std::span<unsigned char const> bytes_of(std::string_view s) {
  return {reinterpret_cast<unsigned char const*>(s.data()), s.size()};
}

}  // namespace

sigv4_signer::sigv4_signer(std::string region, std::string service, sigv4_options options)
    : region_(std::move(region)), service_(std::move(service)), options_(options) {}

bool sigv4_signer::is_signer_header(std::string_view name) noexcept {
  using detail::iequals;
  return iequals(name, "authorization") || iequals(name, "x-amz-date") || iequals(name, "x-amz-security-token") ||
         iequals(name, "x-amz-content-sha256");
}

bool sigv4_signer::is_unsigned_header(std::string_view name) noexcept {
  using detail::iequals;
  // Hop-by-hop and tracing headers: intermediaries add, drop or rewrite
  // them, which would break a signature that covered them.
  return is_signer_header(name) || iequals(name, "user-agent") || iequals(name, "x-amzn-trace-id") ||
         iequals(name, "expect") || iequals(name, "connection") || iequals(name, "transfer-encoding") ||
         iequals(name, "keep-alive") || iequals(name, "te") || iequals(name, "upgrade");
}

void sigv4_signer::derive_key(credentials const& creds, std::string_view date) {
  if (key_date_ == date && key_secret_ == creds.secret_access_key) return;
  std::string seed = "AWS4" + creds.secret_access_key;
  auto k = detail::hmac_sha256(bytes_of(seed), date);
  k = detail::hmac_sha256(k, region_);
  k = detail::hmac_sha256(k, service_);
  key_ = detail::hmac_sha256(k, "aws4_request");
  std::fill(seed.begin(), seed.end(), '\0');
  key_date_.assign(date);
  key_secret_ = creds.secret_access_key;
}

void sigv4_signer::add_signed(std::string_view name, std::string_view value) {
  // Entries past signed_count_ keep their string capacity for the next call.
  if (signed_count_ == signed_.size()) signed_.emplace_back();
  auto& [lower, v] = signed_[signed_count_++];
  lower.clear();
  detail::append_lowercase(lower, name);
  v = value;
}

void sigv4_signer::collect_headers(std::span<header_view const> headers) {
  signed_count_ = 0;
  bool has_host = false;
  for (auto const& h : headers) {
    if (is_unsigned_header(h.name)) continue;
    has_host = has_host || detail::iequals(h.name, "host");
    add_signed(h.name, h.value);
  }
  if (!has_host) throw std::invalid_argument("SigV4: the request has no Host header to sign");
}

void sigv4_signer::canonical_headers(std::string& out) {
  std::span<std::pair<std::string, std::string_view>> const entries(signed_.data(), signed_count_);
  detail::append_canonical_headers(out, signed_names_, entries);
}

// canonical_ holds everything but the signed-header list and payload hash;
// this appends them, hashes, and signs.
void sigv4_signer::finish(std::string_view amz_date, std::string_view date) {
  canonical_.push_back('\n');
  canonical_ += signed_names_;
  canonical_.push_back('\n');
  canonical_ += payload_hash_;

  scope_.clear();
  scope_ += date;
  scope_ += '/';
  scope_ += region_;
  scope_ += '/';
  scope_ += service_;
  scope_ += "/aws4_request";

  string_to_sign_.clear();
  string_to_sign_ += algorithm;
  string_to_sign_ += '\n';
  string_to_sign_ += amz_date;
  string_to_sign_ += '\n';
  string_to_sign_ += scope_;
  string_to_sign_ += '\n';
  detail::append_hex(string_to_sign_, detail::sha256(canonical_));

  signature_.clear();
  detail::append_hex(signature_, detail::hmac_sha256(key_, string_to_sign_));
}

sigv4_signer::header_signature sigv4_signer::sign_headers(std::string_view method, std::string_view target,
                                                          std::span<header_view const> headers, std::string_view body,
                                                          credentials const& creds, std::int64_t unix_seconds) {
  amz_date_ = detail::format_amz_date(unix_seconds);
  std::string_view const date = std::string_view(amz_date_).substr(0, 8);
  derive_key(creds, date);

  payload_hash_.clear();
  detail::append_hex(payload_hash_, detail::sha256(body));

  // signed_ holds views; the values the signer adds live in its own members.
  collect_headers(headers);
  add_signed("x-amz-date", amz_date_);
  if (!creds.session_token.empty() && options_.sign_session_token)
    add_signed("x-amz-security-token", creds.session_token);
  if (options_.content_sha256_header) add_signed("x-amz-content-sha256", payload_hash_);

  std::size_t const q = target.find('?');
  canonical_.clear();
  canonical_ += method;
  canonical_.push_back('\n');
  detail::append_canonical_uri(canonical_, target.substr(0, q), options_.normalize_path);
  canonical_.push_back('\n');
  if (q != std::string_view::npos) detail::append_canonical_query(canonical_, target.substr(q + 1), query_scratch_);
  canonical_.push_back('\n');
  signed_names_.clear();
  canonical_headers(canonical_);

  finish(amz_date_, date);

  authorization_.clear();
  authorization_ += algorithm;
  authorization_ += " Credential=";
  authorization_ += creds.access_key_id;
  authorization_ += '/';
  authorization_ += scope_;
  authorization_ += ", SignedHeaders=";
  authorization_ += signed_names_;
  authorization_ += ", Signature=";
  authorization_ += signature_;

  return {amz_date_, options_.content_sha256_header ? std::string_view(payload_hash_) : std::string_view{},
          authorization_, {canonical_, string_to_sign_, signature_}};
}

std::string sigv4_signer::presigned_target(std::string_view method, std::string_view target,
                                           std::span<header_view const> headers, std::string_view body,
                                           credentials const& creds, std::int64_t unix_seconds,
                                           std::chrono::seconds expires, sigv4_trace* trace) {
  amz_date_ = detail::format_amz_date(unix_seconds);
  std::string_view const date = std::string_view(amz_date_).substr(0, 8);
  derive_key(creds, date);

  payload_hash_.clear();
  detail::append_hex(payload_hash_, detail::sha256(body));

  collect_headers(headers);
  signed_names_.clear();
  std::string header_block;
  canonical_headers(header_block);

  std::size_t const q = target.find('?');
  std::string_view const path = target.substr(0, q);
  // The X-Amz-* parameters join the query before canonicalisation; they go
  // out encoded exactly as they are signed.
  query_.clear();
  if (q != std::string_view::npos) query_ += target.substr(q + 1);
  auto param = [&](std::string_view name, std::string_view value) {
    if (!query_.empty()) query_.push_back('&');
    query_ += name;
    query_.push_back('=');
    detail::append_uri_encoded(query_, value, false);
  };
  param("X-Amz-Algorithm", algorithm);
  param("X-Amz-Credential", creds.access_key_id + "/" + std::string(date) + "/" + region_ + "/" + service_ +
                                "/aws4_request");
  param("X-Amz-Date", amz_date_);
  param("X-Amz-Expires", std::to_string(expires.count()));
  if (!creds.session_token.empty() && options_.sign_session_token) param("X-Amz-Security-Token", creds.session_token);
  param("X-Amz-SignedHeaders", signed_names_);

  canonical_.clear();
  canonical_ += method;
  canonical_.push_back('\n');
  detail::append_canonical_uri(canonical_, path, options_.normalize_path);
  canonical_.push_back('\n');
  detail::append_canonical_query(canonical_, query_, query_scratch_);
  canonical_.push_back('\n');
  canonical_ += header_block;
  finish(amz_date_, date);

  if (!creds.session_token.empty() && !options_.sign_session_token) param("X-Amz-Security-Token", creds.session_token);
  param("X-Amz-Signature", signature_);
  if (trace != nullptr) *trace = {canonical_, string_to_sign_, signature_};
  std::string out(path);
  out.push_back('?');
  out += query_;
  return out;
}

}  // namespace kinesys::engine::aws
