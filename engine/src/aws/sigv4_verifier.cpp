#include <kinesys/detail/engine/aws/sigv4_verifier.hpp>

#include "aws/crypto.hpp"
#include "aws/sigv4_canonical.hpp"

#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>

#include <stdexcept>

namespace kinesys::engine::aws {
namespace {

constexpr std::string_view algorithm = "AWS4-HMAC-SHA256";

auth_rejection reject(auth_failure reason, std::string message) { return {reason, std::move(message)}; }

auth_rejection incomplete(std::string message) { return reject(auth_failure::incomplete_signature, std::move(message)); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_lower_hex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::span<unsigned char const> bytes_of(std::string_view s) {
  return {reinterpret_cast<unsigned char const*>(s.data()), s.size()};
}

std::string const mismatch_text =
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access "
    "Key and signing method. Consult the service documentation for details.";

}  // namespace

std::string_view auth_rejection::aws_code() const noexcept {
  switch (reason) {
    case auth_failure::missing_authentication_token: return "MissingAuthenticationTokenException";
    case auth_failure::incomplete_signature: return "IncompleteSignatureException";
    case auth_failure::unrecognized_client: return "UnrecognizedClientException";
    case auth_failure::signature_mismatch:
    case auth_failure::signature_expired: return "InvalidSignatureException";
  }
  return "InvalidSignatureException";
}

unsigned auth_rejection::http_status() const noexcept {
  return reason == auth_failure::missing_authentication_token ? 403 : 400;
}

void throw_exception_from_error(auth_rejection const& e, boost::source_location const& loc) {
  boost::throw_exception(std::runtime_error(std::string(e.aws_code()) + ": " + e.message), loc);
}

auth_result<authorization_header> parse_authorization(std::string_view value) {
  value = trim(value);
  std::size_t const space = value.find(' ');
  std::string_view const alg = value.substr(0, space);
  if (alg != algorithm)
    return incomplete("Unsupported AWS 'algorithm': '" + std::string(alg.substr(0, 64)) +
                      "' (only AWS4-HMAC-SHA256 is accepted)");
  if (space == std::string_view::npos) return incomplete("Authorization header has no Credential, SignedHeaders or Signature");

  std::string_view credential, signed_headers, signature;
  std::string_view rest = value.substr(space + 1);
  while (!rest.empty()) {
    std::size_t const comma = rest.find(',');
    std::string_view const part = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (part.empty()) continue;
    std::size_t const eq = part.find('=');
    if (eq == std::string_view::npos)
      return incomplete("Authorization header component '" + std::string(part.substr(0, 64)) +
                        "' is not of the form key=value");
    std::string_view const key = part.substr(0, eq);
    std::string_view const v = part.substr(eq + 1);
    if (key == "Credential")
      credential = v;
    else if (key == "SignedHeaders")
      signed_headers = v;
    else if (key == "Signature")
      signature = v;
    else
      return incomplete("Authorization header has an unknown component '" + std::string(key.substr(0, 64)) + "'");
  }
  std::string missing;
  if (credential.empty()) missing += " Authorization header requires 'Credential' parameter.";
  if (signed_headers.empty()) missing += " Authorization header requires 'SignedHeaders' parameter.";
  if (signature.empty()) missing += " Authorization header requires 'Signature' parameter.";
  if (!missing.empty()) return incomplete(missing.substr(1));

  // Credential=<key>/<yyyymmdd>/<region>/<service>/aws4_request
  std::string_view parts[5];
  std::string_view scope = credential;
  for (int i = 0; i < 5; ++i) {
    std::size_t const slash = scope.find('/');
    if ((slash == std::string_view::npos) != (i == 4))
      return incomplete("Credential should have 5 '/'-separated parts: "
                        "<access key>/<YYYYMMDD>/<region>/<service>/aws4_request");
    parts[i] = scope.substr(0, slash);
    scope = slash == std::string_view::npos ? std::string_view{} : scope.substr(slash + 1);
  }
  if (parts[0].empty() || parts[2].empty() || parts[3].empty())
    return incomplete("Credential has an empty access key, region or service");
  if (parts[1].size() != 8 || parts[1].find_first_not_of("0123456789") != std::string_view::npos)
    return incomplete("Credential date '" + std::string(parts[1]) + "' is not YYYYMMDD");
  if (parts[4] != "aws4_request")
    return incomplete("Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                      std::string(parts[4].substr(0, 64)) + "'");
  if (signature.size() != 64 || !is_lower_hex(signature))
    return incomplete("Signature must be 64 lowercase hexadecimal characters");
  return authorization_header{parts[0], parts[1], parts[2], parts[3], signed_headers, signature};
}

sigv4_verifier::sigv4_verifier(secret_lookup lookup, options opts)
    : lookup_(std::move(lookup)), options_(std::move(opts)) {
  if (!lookup_) throw std::invalid_argument("sigv4_verifier needs a secret lookup");
}

auth_result<auth_identity> sigv4_verifier::verify(std::string_view method, std::string_view target,
                                                  std::span<header_view const> headers, std::string_view body,
                                                  std::int64_t now) {
  auto find = [&](std::string_view name) -> std::optional<std::string_view> {
    for (auto const& h : headers)
      if (detail::iequals(h.name, name)) return h.value;
    return std::nullopt;
  };

  auto const authorization = find("authorization");
  if (!authorization) return reject(auth_failure::missing_authentication_token, "Missing Authentication Token");
  auto parsed = parse_authorization(*authorization);
  if (!parsed) return parsed.error();
  authorization_header const& auth = *parsed;

  auto const amz_date = find("x-amz-date");
  if (!amz_date)
    return incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header "
                      "(kinesys accepts X-Amz-Date only).");
  std::int64_t signed_at = 0;
  {
    long long t = 0;
    if (!detail::parse_amz_date(trim(*amz_date), t))
      return incomplete("X-Amz-Date must be in the ISO-8601 basic format YYYYMMDD'T'HHMMSS'Z', got '" +
                        std::string(amz_date->substr(0, 32)) + "'");
    signed_at = t;
  }
  std::string_view const date_header = trim(*amz_date);
  if (date_header.substr(0, 8) != auth.date)
    return reject(auth_failure::signature_mismatch,
                  "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
                      std::string(auth.date) + "' != '" + std::string(date_header.substr(0, 8)) +
                      "', from 'X-Amz-Date'.");
  if (!options_.region.empty() && auth.region != options_.region)
    return reject(auth_failure::signature_mismatch, "Credential should be scoped to a valid region, not '" +
                                                        std::string(auth.region) + "'. Expected '" + options_.region +
                                                        "'.");

  std::int64_t const skew = options_.max_skew.count();
  if (signed_at < now - skew || signed_at > now + skew) {
    bool const early = signed_at < now - skew;
    std::string const limit = detail::format_amz_date(early ? now - skew : now + skew);
    std::string const minutes = std::to_string(skew / 60) + " min.";
    return reject(auth_failure::signature_expired,
                  early ? "Signature expired: " + std::string(date_header) + " is now earlier than " + limit + " (" +
                              detail::format_amz_date(now) + " - " + minutes + ")"
                        : "Signature not yet current: " + std::string(date_header) + " is still later than " + limit +
                              " (" + detail::format_amz_date(now) + " + " + minutes + ")");
  }

  auto const secret = lookup_(auth.access_key_id);
  if (!secret) return reject(auth_failure::unrecognized_client, "The security token included in the request is invalid.");

  // Rebuild the canonical headers from exactly the names the client signed.
  std::size_t count = 0;
  bool host_signed = false;
  std::string_view names = auth.signed_headers;
  while (!names.empty()) {
    std::size_t const semi = names.find(';');
    std::string_view const name = names.substr(0, semi);
    names = semi == std::string_view::npos ? std::string_view{} : names.substr(semi + 1);
    if (name.empty()) return incomplete("SignedHeaders contains an empty header name");
    host_signed = host_signed || name == "host";
    bool present = false;
    for (auto const& h : headers) {
      if (!detail::iequals(h.name, name)) continue;
      present = true;
      if (count == signed_.size()) signed_.emplace_back();
      auto& [lower, value] = signed_[count++];
      lower.clear();
      detail::append_lowercase(lower, name);
      value = h.value;
    }
    if (!present)
      return reject(auth_failure::signature_mismatch,
                    mismatch_text + " (signed header '" + std::string(name.substr(0, 64)) + "' is not in the request)");
  }
  if (!host_signed) return incomplete("'Host' must be a 'SignedHeader' in the AWS Authorization.");

  std::size_t const q = target.find('?');
  canonical_.clear();
  canonical_ += method;
  canonical_.push_back('\n');
  detail::append_canonical_uri(canonical_, target.substr(0, q), options_.normalize_path);
  canonical_.push_back('\n');
  if (q != std::string_view::npos) detail::append_canonical_query(canonical_, target.substr(q + 1), query_scratch_);
  canonical_.push_back('\n');
  signed_names_.clear();
  detail::append_canonical_headers(canonical_, signed_names_, std::span(signed_.data(), count));
  canonical_.push_back('\n');
  canonical_ += signed_names_;
  canonical_.push_back('\n');
  detail::append_hex(canonical_, detail::sha256(body));

  string_to_sign_.clear();
  string_to_sign_ += algorithm;
  string_to_sign_ += '\n';
  string_to_sign_ += date_header;
  string_to_sign_ += '\n';
  string_to_sign_ += auth.date;
  string_to_sign_ += '/';
  string_to_sign_ += auth.region;
  string_to_sign_ += '/';
  string_to_sign_ += auth.service;
  string_to_sign_ += "/aws4_request\n";
  detail::append_hex(string_to_sign_, detail::sha256(canonical_));

  std::string const seed = "AWS4" + *secret;
  auto key = detail::hmac_sha256(bytes_of(seed), auth.date);
  key = detail::hmac_sha256(key, auth.region);
  key = detail::hmac_sha256(key, auth.service);
  key = detail::hmac_sha256(key, "aws4_request");
  std::string const expected = detail::to_hex(detail::hmac_sha256(key, string_to_sign_));
  if (!detail::constant_time_equal(expected, auth.signature))
    return reject(auth_failure::signature_mismatch, mismatch_text);

  return auth_identity{std::string(auth.access_key_id), std::string(auth.region), std::string(auth.service), signed_at,
                       find("x-amz-security-token").has_value()};
}

}  // namespace kinesys::engine::aws
