#include "flags.hpp"

#include "routes.hpp"

namespace kinesys::ingest {

void ingest_flags::add_to(CLI::App& app) {
  app.add_option("--address", address, "address to listen on")->capture_default_str();
  app.add_option("--port", port, "port to listen on (0: any free port)")->capture_default_str();
  app.add_option("--cores", cores, "server threads, one io_context each (0: all)")->capture_default_str();
  app.add_option("--kinesis-endpoint", kinesis_endpoint, "Kinesis URL (default: AWS_ENDPOINT_URL_KINESIS or AWS)");
  app.add_option("--region", region, "AWS region (default: AWS_REGION / AWS_DEFAULT_REGION / ~/.aws/config)");
  app.add_option("--producer-config", producer_config, "producer settings file, .toml or .properties (docs/producer.md)")
      ->check(CLI::ExistingFile);
  app.add_option("--set", sets, "override one producer key: --set RecordMaxBufferedTime=50ms (repeatable)");
  app.add_option("--keys-file", keys_file, "TOML file of [[tenant]] API keys (also: KINESYS_INGEST_API_KEYS)")
      ->check(CLI::ExistingFile);
  app.add_option("--path-prefix", path_prefix, "also serve the endpoints under this prefix, e.g. /prod");
  app.add_option("--partition-key-field", partition_key_field, "payload field holding the partition key")
      ->capture_default_str();
  app.add_option("--partition-key-strategy", partition_key_strategy, "field, fan-out, random or explicit-hash-key")
      ->capture_default_str()
      ->check(CLI::IsMember({"field", "fan-out", "random", "explicit-hash-key"}));
  app.add_option("--partition-key-fan-out", partition_key_fan_out, "fan-out: sub-keys per key")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1000000u));
  app.add_option("--partition-key-fan-out-by", partition_key_fan_out_by,
                 "fan-out: payload field whose hash picks the sub-key (default: round robin)");
  app.add_option("--partition-key-spread", partition_key_spread, "random: suffixes per key")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1000000u));
  app.add_option("--spool-dir", spool_dir, "durable spool directory; answer 202 once a record is on disk");
  app.add_option("--max-body-bytes", max_body_bytes, "largest request body (413 beyond)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{64}, std::size_t{1} << 30));
  app.add_option("--max-batch", max_batch, "entries per PUT /streams/<name>/records (413 beyond)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  app.add_option("--header-timeout-ms", header_timeout_ms, "time to receive a request header (408 beyond)")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{3600000}));
  app.add_option("--idle-timeout-ms", idle_timeout_ms, "keep-alive idle time; also bounds reading a body")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{86400000}));
  app.add_option("--max-connections", max_connections, "open connections across cores (503 beyond)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{10000000}));
  app.add_option("--tls-cert", tls_cert, "serve HTTPS with this PEM certificate (chain); needs --tls-key")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-key", tls_key, "the PEM private key of --tls-cert, unencrypted")->check(CLI::ExistingFile);
  app.add_option("--log-level", log_level, "debug, info, warn or error")
      ->capture_default_str()
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
}

boost::system::result<producer::producer_config, std::string> producer_config_from(ingest_flags const& flags) {
  auto fail = [](std::string message) {
    return boost::system::result<producer::producer_config, std::string>(boost::system::in_place_error,
                                                                         std::move(message));
  };
  producer::producer_config config;
  if (!flags.producer_config.empty()) {
    auto loaded = producer::producer_config::from_file(flags.producer_config);
    if (!loaded) return fail("--producer-config " + flags.producer_config + ": " + loaded.error().message());
    config = std::move(*loaded);
  }
  auto set = [&](std::string const& flag, std::string_view key, std::string_view value) -> std::string {
    if (auto r = config.set(key, value); !r) return flag + ": " + r.error().message();
    return {};
  };
  if (!flags.kinesis_endpoint.empty())
    if (auto e = set("--kinesis-endpoint", "KinesisEndpoint", flags.kinesis_endpoint); !e.empty()) return fail(e);
  if (!flags.region.empty())
    if (auto e = set("--region", "Region", flags.region); !e.empty()) return fail(e);
  for (auto const& s : flags.sets) {
    auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) return fail("--set " + s + ": expected Key=Value");
    if (auto e = set("--set", std::string_view(s).substr(0, eq), std::string_view(s).substr(eq + 1)); !e.empty())
      return fail(e);
  }
  if (!flags.spool_dir.empty()) {
    config.spool_directory = flags.spool_dir;
    // The answer (202) does not wait for Kinesis, so neither may a full
    // backlog hold requests: it is refused with 503 + Retry-After instead.
    config.backpressure = producer::backpressure_mode::fail;
  }
  if (auto v = config.validate(); !v) return fail("producer configuration: " + v.error().message());
  return config;
}

boost::system::result<ingest_settings, std::string> settings_from(ingest_flags const& flags) {
  auto fail = [](std::string message) {
    return boost::system::result<ingest_settings, std::string>(boost::system::in_place_error, std::move(message));
  };
  ingest_settings s;
  s.path_prefix = normalize_prefix(flags.path_prefix);
  if (s.path_prefix.find_first_of("?# ") != std::string::npos)
    return fail("--path-prefix " + flags.path_prefix + ": must be a plain path such as /prod");
  s.max_batch = flags.max_batch;
  s.max_body_bytes = flags.max_body_bytes;
  s.header_timeout = std::chrono::milliseconds(flags.header_timeout_ms);
  s.idle_timeout = std::chrono::milliseconds(flags.idle_timeout_ms);
  s.spool = !flags.spool_dir.empty();
  auto strategy = parse_key_strategy(flags.partition_key_strategy);
  if (!strategy) return fail("--partition-key-strategy " + flags.partition_key_strategy + ": unknown");
  s.keys.strategy = *strategy;
  if (flags.partition_key_field.empty()) return fail("--partition-key-field: must not be empty");
  s.keys.field = flags.partition_key_field;
  s.keys.fan_out = flags.partition_key_fan_out;
  s.keys.fan_out_by = flags.partition_key_fan_out_by;
  s.keys.spread = flags.partition_key_spread;
  return s;
}

boost::system::result<engine::http_server_options, std::string> server_options_from(ingest_flags const& flags) {
  auto fail = [](std::string message) {
    return boost::system::result<engine::http_server_options, std::string>(boost::system::in_place_error,
                                                                            std::move(message));
  };
  if (!flags.tls_cert.empty() && flags.tls_key.empty())
    return fail("--tls-cert " + flags.tls_cert + " needs --tls-key (the certificate's private key)");
  if (flags.tls_cert.empty() && !flags.tls_key.empty())
    return fail("--tls-key " + flags.tls_key + " needs --tls-cert (the certificate it belongs to)");
  engine::http_server_options o;
  o.address = flags.address;
  o.port = flags.port;
  o.max_body_bytes = flags.max_body_bytes;
  o.header_timeout = std::chrono::milliseconds(flags.header_timeout_ms);
  o.idle_timeout = std::chrono::milliseconds(flags.idle_timeout_ms);
  o.max_connections = flags.max_connections;
  o.tls = {flags.tls_cert, flags.tls_key};
  return o;
}

}  // namespace kinesys::ingest
