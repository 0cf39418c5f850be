#include "tenant_keys.hpp"

#include "stream_name.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kinesys::ingest {
namespace {

bool valid_tenant_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
  });
}

keys_error fail(std::string const& where, std::string const& what) { return {where + ": " + what}; }

// The streams a tenant may write: "*" alone means every stream.
keys_result set_streams(tenant& t, std::vector<std::string> names, std::string const& where) {
  if (names.empty()) return fail(where, "streams: empty list (use [\"*\"] to allow every stream)");
  for (auto const& n : names) {
    if (n == "*") {
      t.all_streams = true;
      continue;
    }
    if (!valid_stream_name(n))
      return fail(where, "streams: \"" + n.substr(0, 140) +
                             "\" is not a stream name (1 to 128 characters of a-z A-Z 0-9 _ . -)");
  }
  if (!t.all_streams) t.streams = std::move(names);
  return {};
}

keys_result set_rate(tenant& t, double rate, std::string const& where) {
  if (!std::isfinite(rate) || rate < 0) return fail(where, "rate_limit: must be 0 (unlimited) or a positive number");
  t.rate_limit = rate;
  return {};
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    auto at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

}  // namespace

key_digest digest_of(std::string_view api_key) noexcept {
  key_digest d{};
  unsigned int size = 0;
  EVP_Digest(api_key.data(), api_key.size(), d.data(), &size, EVP_sha256(), nullptr);
  return d;
}

bool tenant::allows(std::string_view stream) const noexcept {
  return all_streams || std::find(streams.begin(), streams.end(), stream) != streams.end();
}

void throw_exception_from_error(keys_error const& e, boost::source_location const&) {
  throw std::invalid_argument(e.message);
}

keys_result tenant_registry::add(tenant t, std::string const& where) {
  for (auto const& other : tenants_) {
    if (other.name == t.name) return fail(where, "name: tenant \"" + t.name + "\" is defined twice");
    // The same key for two tenants would make the tenant a key names ambiguous.
    if (CRYPTO_memcmp(other.key.data(), t.key.data(), t.key.size()) == 0)
      return fail(where, "api_key: tenant \"" + t.name + "\" has the same key as tenant \"" + other.name + "\"");
  }
  tenants_.push_back(std::move(t));
  return {};
}

keys_result tenant_registry::add_toml(std::string_view text, std::string_view source) {
  std::string const file(source);
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (toml::parse_error const& err) {
    return fail(file, "TOML syntax error at line " + std::to_string(err.source().begin.line) + ": " +
                          std::string(err.description()));
  }
  for (auto const& [key, node] : root)
    if (key.str() != "tenant")
      return fail(file, "unknown key \"" + std::string(key.str()) + "\" (expected [[tenant]] tables)");
  auto const* list = root["tenant"].as_array();
  if (!list) return fail(file, "no [[tenant]] table");
  std::size_t index = 0;
  for (auto const& entry : *list) {
    ++index;
    std::string where = file + ": tenant " + std::to_string(index) + " (line " +
                        std::to_string(entry.source().begin.line) + ")";
    auto const* table = entry.as_table();
    if (!table) return fail(where, "expected a [[tenant]] table");
    tenant t;
    bool has_key = false, has_streams = false;
    for (auto const& [k, v] : *table) {
      std::string_view name = k.str();
      if (name == "name") {
        auto s = v.value<std::string>();
        if (!s || !valid_tenant_name(*s))
          return fail(where, "name: expected 1 to 64 characters of a-z A-Z 0-9 _ . -");
        t.name = *s;
      } else if (name == "api_key") {
        auto s = v.value<std::string>();
        if (!s || s->empty()) return fail(where, "api_key: expected a non-empty string");
        t.key = digest_of(*s);
        has_key = true;
      } else if (name == "streams") {
        auto const* arr = v.as_array();
        if (!arr) return fail(where, "streams: expected an array of stream names, e.g. [\"events\"] or [\"*\"]");
        std::vector<std::string> names;
        for (auto const& s : *arr) {
          auto value = s.value<std::string>();
          if (!value) return fail(where, "streams: every entry must be a string");
          names.push_back(*value);
        }
        if (auto r = set_streams(t, std::move(names), where); !r) return r;
        has_streams = true;
      } else if (name == "rate_limit") {
        auto rate = v.value<double>();
        if (!rate) return fail(where, "rate_limit: expected a number of records per second (0 = unlimited)");
        if (auto r = set_rate(t, *rate, where); !r) return r;
      } else {
        return fail(where, "unknown key \"" + std::string(name) + "\" (name, api_key, streams, rate_limit)");
      }
    }
    if (t.name.empty()) return fail(where, "name: missing");
    if (!has_key) return fail(where, "api_key: missing");
    if (!has_streams) return fail(where, "streams: missing (use [\"*\"] to allow every stream)");
    if (auto r = add(std::move(t), where); !r) return r;
  }
  return {};
}

keys_result tenant_registry::add_file(std::filesystem::path const& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(path.string(), "cannot read the keys file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return add_toml(buffer.str(), path.string());
}

keys_result tenant_registry::add_env(std::string_view value) {
  std::size_t index = 0;
  for (std::string_view entry : split(value, ';')) {
    entry = trim(entry);
    if (entry.empty()) continue;
    ++index;
    std::string where = "KINESYS_INGEST_API_KEYS entry " + std::to_string(index);
    auto fields = split(entry, ':');
    if (fields.size() < 3 || fields.size() > 4)
      return fail(where, "expected name:key:streams[:rate] (streams comma-separated or *), got " +
                             std::to_string(fields.size()) + " fields");
    tenant t;
    if (!valid_tenant_name(trim(fields[0])))
      return fail(where, "name: expected 1 to 64 characters of a-z A-Z 0-9 _ . -");
    t.name = std::string(trim(fields[0]));
    where += " (tenant \"" + t.name + "\")";
    std::string_view key = trim(fields[1]);
    if (key.empty()) return fail(where, "api_key: empty");
    t.key = digest_of(key);
    std::vector<std::string> names;
    for (auto s : split(fields[2], ',')) names.emplace_back(trim(s));
    if (names.size() == 1 && names[0].empty()) names.clear();
    if (auto r = set_streams(t, std::move(names), where); !r) return r;
    if (fields.size() == 4 && !trim(fields[3]).empty()) {
      std::string text(trim(fields[3]));
      std::size_t used = 0;
      double rate = -1;
      try {
        rate = std::stod(text, &used);
      } catch (std::exception const&) {
        used = 0;
      }
      if (used != text.size()) return fail(where, "rate: \"" + text + "\" is not a number of records per second");
      if (auto r = set_rate(t, rate, where); !r) return r;
    }
    if (auto r = add(std::move(t), where); !r) return r;
  }
  return {};
}

std::optional<std::size_t> tenant_registry::find(std::string_view api_key) const noexcept {
  key_digest const presented = digest_of(api_key);
  std::optional<std::size_t> found;
  for (std::size_t i = 0; i < tenants_.size(); ++i)
    if (CRYPTO_memcmp(presented.data(), tenants_[i].key.data(), presented.size()) == 0) found = i;
  return found;
}

}  // namespace kinesys::ingest
