#pragma once
// Tenants and their API keys: from a TOML keys file and/or the
// KINESYS_INGEST_API_KEYS environment variable. Only a SHA-256 digest of each
// key is kept; a presented key is hashed and compared with every tenant's
// digest in constant time, so neither the comparison nor the lookup tells an
// attacker how much of a guess was right.
//
//   [[tenant]]
//   name = "demo"
//   api_key = "d41d8cd98f00b204e9800998ecf8427e"
//   streams = ["events"]      # "*" allows every stream
//   rate_limit = 20000        # records per second; 0 = unlimited
//
//   KINESYS_INGEST_API_KEYS="name:key:stream1,stream2:rate;name2:key2:*:0"
#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <array>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kinesys::ingest {

using key_digest = std::array<unsigned char, 32>;

/// SHA-256 of an API key. @locality any thread
key_digest digest_of(std::string_view api_key) noexcept;

struct tenant {
  std::string name;  ///< metric label and log name: [A-Za-z0-9_.-], 1..64
  key_digest key{};
  std::vector<std::string> streams;  ///< allowed streams (unused when all_streams)
  bool all_streams = false;
  double rate_limit = 0;  ///< records per second; 0 = unlimited

  bool allows(std::string_view stream) const noexcept;
};

/// Why a keys source was refused: names the source, the entry and the
/// field, never the key itself.
struct keys_error {
  std::string message;
};
[[noreturn]] void throw_exception_from_error(keys_error const& e, boost::source_location const& loc);

using keys_result = boost::system::result<void, keys_error>;

/// Built once at startup, then read-only (shared by every core).
class tenant_registry {
public:
  /// The [[tenant]] tables of a keys file's text; `source` names the file
  /// in errors.
  keys_result add_toml(std::string_view text, std::string_view source);
  keys_result add_file(std::filesystem::path const& path);
  /// "name:key:streams:rate" entries separated by ';' (rate optional, 0).
  keys_result add_env(std::string_view value);

  /// The index of the tenant whose key this is. Every tenant is compared
  /// (CRYPTO_memcmp over digests), whether or not one matched already.
  /// @locality any thread
  std::optional<std::size_t> find(std::string_view api_key) const noexcept;

  std::vector<tenant> const& tenants() const noexcept { return tenants_; }
  bool empty() const noexcept { return tenants_.empty(); }

private:
  keys_result add(tenant t, std::string const& where);

  std::vector<tenant> tenants_;
};

}  // namespace kinesys::ingest
