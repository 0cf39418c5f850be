#pragma once
// The command line of kinesys-ingest, and the producer configuration it
// yields: --producer-config first, then the shorthand flags (--region,
// --kinesis-endpoint, --spool-dir), then every --set in order, so the last
// word wins. docs/ingest.md lists every flag with its default.
#include "ingest_service.hpp"

#include <kinesys/producer.hpp>

#include <CLI/CLI.hpp>

#include <boost/system/result.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kinesys::ingest {

inline constexpr char const* version_text = "kinesys-ingest 0.1.0";

struct ingest_flags {
  std::string address = "127.0.0.1";
  std::uint16_t port = 3000;
  std::size_t cores = 0;
  std::string kinesis_endpoint;
  std::string region;
  std::string producer_config;
  std::vector<std::string> sets;
  std::string keys_file;
  std::string path_prefix;
  std::string partition_key_field = "device_id";
  std::string partition_key_strategy = "field";
  std::uint32_t partition_key_fan_out = 4;
  std::string partition_key_fan_out_by;
  std::uint32_t partition_key_spread = 16;
  std::string spool_dir;
  std::size_t max_body_bytes = (1u << 20) + (64u << 10);
  std::size_t max_batch = 500;
  std::uint64_t header_timeout_ms = 10000;
  std::uint64_t idle_timeout_ms = 60000;
  std::size_t max_connections = 10000;
  std::string tls_cert;
  std::string tls_key;
  std::string log_level = "info";

  void add_to(CLI::App& app);
};

/// Problems name the flag or the producer key.
boost::system::result<producer::producer_config, std::string> producer_config_from(ingest_flags const& flags);
boost::system::result<ingest_settings, std::string> settings_from(ingest_flags const& flags);
/// The server's limits, timeouts and TLS files (the error hook is set by
/// the caller). --tls-cert and --tls-key come together or not at all.
boost::system::result<engine::http_server_options, std::string> server_options_from(ingest_flags const& flags);

}  // namespace kinesys::ingest
