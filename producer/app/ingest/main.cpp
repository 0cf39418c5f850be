// kinesys-ingest: the HTTP front door of kinesys. PUT /stream with an
// x-api-key and {"stream": "...", "payload": {...}} becomes a producer put
// (aggregated, rate-limited, retried); the answer carries the shard and
// sequence number, or, with --spool-dir, comes once the record is on disk.
#include "flags.hpp"
#include "ingest_service.hpp"
#include "log.hpp"
#include "tenant_keys.hpp"

#include <kinesys/engine.hpp>
#include <kinesys/producer.hpp>

#include <CLI/CLI.hpp>

#include <boost/system/system_error.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace ki = kinesys::ingest;
namespace kp = kinesys::producer;
namespace engine = kinesys::engine;

namespace {

constexpr int exit_ok = 0;
constexpr int exit_runtime = 1;
constexpr int exit_config = 2;

/// The tenants of --keys-file and KINESYS_INGEST_API_KEYS; nullopt after
/// logging why not.
std::optional<ki::tenant_registry> load_tenants(ki::ingest_flags const& flags) {
  ki::tenant_registry tenants;
  if (!flags.keys_file.empty()) {
    if (auto r = tenants.add_file(flags.keys_file); !r) {
      ki::log_error("--keys-file ", r.error().message);
      return std::nullopt;
    }
  }
  if (char const* env = std::getenv("KINESYS_INGEST_API_KEYS"); env && *env) {
    if (auto r = tenants.add_env(env); !r) {
      ki::log_error(r.error().message);
      return std::nullopt;
    }
  }
  if (tenants.empty()) {
    ki::log_error("no API keys: give --keys-file FILE or KINESYS_INGEST_API_KEYS=\"name:key:streams:rate\"");
    return std::nullopt;
  }
  return tenants;
}

int run(ki::ingest_flags const& flags) {
  ki::log_level level{};
  ki::parse_log_level(flags.log_level, level);
  ki::set_log_level(level);

  auto tenants = load_tenants(flags);
  if (!tenants) return exit_config;
  auto settings = ki::settings_from(flags);
  if (!settings) {
    ki::log_error(settings.error());
    return exit_config;
  }
  auto config = ki::producer_config_from(flags);
  if (!config) {
    ki::log_error(config.error());
    return exit_config;
  }
  auto options = ki::server_options_from(flags);
  if (!options) {
    ki::log_error(options.error());
    return exit_config;
  }
  auto const grace = config->record_ttl + std::chrono::seconds(5);

  std::unique_ptr<kp::producer> producer;
  try {
    producer = std::make_unique<kp::producer>(*config);
  } catch (boost::system::system_error const& e) {
    ki::log_error("producer: ", e.code().message() == e.what() ? e.code().message() : std::string(e.what()));
    return exit_config;
  } catch (std::exception const& e) {
    ki::log_error("producer: ", e.what());
    return exit_config;
  }
  if (settings->spool)
    ki::log_info("spool mode: records are answered 202 once synced to ", flags.spool_dir,
                 "; a full backlog is refused with 503 (BackpressureMode=fail)");

  // The grace covers a request that waits for Kinesis: every put completes
  // within RecordTtl, acknowledged or failed.
  engine::core_set cores(engine::core_set_options{
      .cores = flags.cores, .handle_signals = true, .shutdown_grace = std::chrono::duration_cast<std::chrono::milliseconds>(grace)});
  std::size_t const tenant_count = tenants->tenants().size();
  ki::ingest_service service(std::move(*settings), std::move(*tenants), *producer, cores);
  options->error_response = [&service](unsigned status) { return service.refused_by_server(status); };
  bool const tls = options->tls.enabled();
  engine::http_server server(cores, std::move(*options),
                             [&service](engine::server_request& r) { return service.handle(r); });
  auto port = server.start();
  if (!port) {
    // A TLS file at fault is configuration; a port in use is not.
    bool const configuration = !port.error().tls_problem.empty();
    if (configuration)
      ki::log_error(port.error().tls_problem);
    else
      ki::log_error("cannot listen on ", flags.address, ":", flags.port, ": ", port.error().message());
    producer->close();
    return configuration ? exit_config : exit_runtime;
  }
  char const* const scheme = tls ? "https://" : "";
  // Scripts and tests wait for this line; it is the only thing on stdout.
  std::printf("listening %s%s:%u\n", scheme, flags.address.c_str(), static_cast<unsigned>(*port));
  std::fflush(stdout);
  ki::log_info("listening on ", scheme, flags.address, ":", *port, " with ", cores.size(), " cores, ", tenant_count,
               " tenants, producer ", producer->producer_id());

  cores.run();  // until SIGINT/SIGTERM; in-flight requests finish first
  server.stop();
  ki::log_info("stopped accepting; draining the producer (", producer->outstanding(), " records outstanding)");
  producer->close();
  ki::log_info("stopped");
  return exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
  // A client that disconnects must not kill the process: sockets use
  // MSG_NOSIGNAL, and this covers stdout closed by a parent.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"kinesys-ingest: HTTP PUT /stream -> Kinesis, with API keys, per-tenant rates and a durable spool"};
  app.set_version_flag("--version", ki::version_text);
  ki::ingest_flags flags;
  flags.add_to(app);
  try {
    app.parse(argc, argv);
  } catch (CLI::ParseError const& e) {
    int const code = app.exit(e);  // prints help, the version or the error
    return code == 0 ? exit_ok : exit_config;
  }
  try {
    return run(flags);
  } catch (std::exception const& e) {
    ki::log_error("fatal: ", e.what());
    return exit_runtime;
  }
}
