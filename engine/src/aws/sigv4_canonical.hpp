#pragma once
// The canonical forms SigV4 hashes (the URI, the query string, the header
// block), shared by the signer and the server-side verifier so both sides
// compute byte-identical canonical requests.
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kinesys::engine::aws::detail {

/// Percent-encodes every byte outside RFC 3986's unreserved set (A-Z a-z 0-9
/// - . _ ~), uppercase hex, keeping '/' when `keep_slash` (paths).
void append_uri_encoded(std::string& out, std::string_view text, bool keep_slash);

/// Decodes %XX sequences; malformed ones are kept as they are.
std::string uri_decoded(std::string_view text);

/// The canonical URI of `path`. Non-S3 services encode the path as it appears
/// on the wire once more (so '%' becomes %25), and with `normalize` first
/// remove empty, "." and ".." segments as RFC 3986 does.
void append_canonical_uri(std::string& out, std::string_view path, bool normalize);

/// The canonical query of `query` (without '?'): each name and value decoded
/// and re-encoded strictly, sorted by name then value, "name=value" joined by '&'.
using query_pairs = std::vector<std::pair<std::string, std::string>>;
void append_canonical_query(std::string& out, std::string_view query, query_pairs& scratch);

/// Trims the value and collapses every run of whitespace (including the line
/// breaks of an obsolete folded header) into one space.
void append_canonical_header_value(std::string& out, std::string_view value);

/// One header taking part in the signature: lowercase name, raw value.
using signed_header = std::pair<std::string, std::string_view>;

/// Sorts `headers` by name (stable, so repeated headers keep their order),
/// then appends "name:v1,v2\n" lines to `canonical` and "name;name" to
/// `signed_names`.
void append_canonical_headers(std::string& canonical, std::string& signed_names, std::span<signed_header> headers);

/// "YYYYMMDDTHHMMSSZ" for a Unix time in seconds.
std::string format_amz_date(long long unix_seconds);
/// Parses "YYYYMMDDTHHMMSSZ"; false when it is not exactly that shape or not a real date.
bool parse_amz_date(std::string_view text, long long& unix_seconds);

bool iequals(std::string_view a, std::string_view b) noexcept;
void append_lowercase(std::string& out, std::string_view text);

}  // namespace kinesys::engine::aws::detail
