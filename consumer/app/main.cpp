// kinesys-consumer: reads a Kinesis stream and writes DynamoDB tables at a
// controlled rate, with leases, order-preserving checkpoints and a
// dead-letter path. `kinesys-consumer dlq replay` puts dead letters back.
#include <kinesys/consumer.hpp>

#include <kinesys/detail/engine/aws/kinesis_client.hpp>
#include <kinesys/detail/engine/core_set.hpp>
#include <kinesys/detail/engine/http_client.hpp>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>

namespace kc = kinesys::consumer;
namespace aws = kinesys::engine::aws;

namespace {

constexpr char const* version = "kinesys-consumer 0.1.0";

struct config_flags {
  std::string path;
  std::vector<std::string> sets;
  // Shorthands for the keys changed most often; each is a --set.
  std::string stream, application, start_position, mode, worker_id, dead_letter_file, dead_letter_stream;
  std::string kinesis_endpoint, dynamodb_endpoint, region;
  std::optional<long> batch_size, read_interval_ms, metrics_port, cores, parallelization_factor, max_retries,
      max_record_age_s, rate_limit;

  void add_to(CLI::App& app)
  {
    app.add_option("--config", path, "TOML configuration file (every key: docs/consumer.md)");
    app.add_option("--set", sets, "override any key: --set read.batch_size=500 (repeatable)");
    app.add_option("--stream", stream, "= --set stream=...");
    app.add_option("--application", application, "= --set application=... (names the lease table)");
    app.add_option("--start-position", start_position, "TRIM_HORIZON, LATEST or AT_TIMESTAMP");
    app.add_option("--mode", mode, "write mode for every table: put or merge");
    app.add_option("--batch-size", batch_size, "GetRecords Limit (read.batch_size)");
    app.add_option("--read-interval-ms", read_interval_ms, "pause between GetRecords (read.interval_ms)");
    app.add_option("--rate-limit", rate_limit, "writes per second for every table (tables.*.rate_limit)");
    app.add_option("--parallelization-factor", parallelization_factor, "concurrent batches per shard");
    app.add_option("--max-retries", max_retries, "write attempts before dead-lettering (-1 unlimited)");
    app.add_option("--max-record-age-s", max_record_age_s, "dead-letter records older than this (-1 unlimited)");
    app.add_option("--dead-letter-file", dead_letter_file, "NDJSON file for dead letters");
    app.add_option("--dead-letter-stream", dead_letter_stream, "Kinesis stream for dead letters");
    app.add_option("--metrics-port", metrics_port, "port of /metrics and /health (0 any, -1 off)");
    app.add_option("--worker-id", worker_id, "lease owner name (default host:pid)");
    app.add_option("--cores", cores, "threads, one io_context each (0: all)");
    app.add_option("--kinesis-endpoint", kinesis_endpoint, "= --set aws.kinesis_endpoint=...");
    app.add_option("--dynamodb-endpoint", dynamodb_endpoint, "= --set aws.dynamodb_endpoint=...");
    app.add_option("--region", region, "= --set aws.region=...");
  }

  /// The overrides, or the first --set that is not key=value.
  std::optional<std::vector<kc::config_override>> overrides(std::string& bad) const
  {
    std::vector<kc::config_override> out;
    auto text = [&](char const* key, std::string const& v) {
      if (!v.empty()) out.push_back({key, "\"" + v + "\""});
    };
    auto number = [&](char const* key, std::optional<long> v) {
      if (v) out.push_back({key, std::to_string(*v)});
    };
    text("stream", stream);
    text("application", application);
    text("start_position", start_position);
    text("write.mode", mode);
    text("worker_id", worker_id);
    text("dead_letter.file", dead_letter_file);
    text("dead_letter.stream", dead_letter_stream);
    text("aws.kinesis_endpoint", kinesis_endpoint);
    text("aws.dynamodb_endpoint", dynamodb_endpoint);
    text("aws.region", region);
    number("read.batch_size", batch_size);
    number("read.interval_ms", read_interval_ms);
    number("metrics.port", metrics_port);
    number("cores", cores);
    number("write.parallelization_factor", parallelization_factor);
    number("write.max_retries", max_retries);
    number("write.max_record_age_s", max_record_age_s);
    // --set comes last, so it wins over a shorthand.
    for (auto const& s : sets) {
      auto o = kc::parse_override(s);
      if (!o) {
        bad = s;
        return std::nullopt;
      }
      out.push_back(*o);
    }
    return out;
  }
};

int run_consumer(config_flags const& flags, bool check_only)
{
  std::string bad;
  auto overrides = flags.overrides(bad);
  if (!overrides) {
    std::cerr << "--set " << bad << ": expected key=value\n";
    return 2;
  }
  auto config = flags.path.empty() ? kc::parse_config("", "flags", *overrides) : kc::load_config(flags.path, *overrides);
  if (config && flags.rate_limit) {
    // A rate for every table: applied after parsing, since the tables are
    // only known then.
    std::vector<kc::config_override> more = *overrides;
    for (auto const& [name, t] : config->tables)
      more.push_back({"tables." + name + ".rate_limit", std::to_string(*flags.rate_limit)});
    config = flags.path.empty() ? kc::parse_config("", "flags", more) : kc::load_config(flags.path, more);
  }
  if (!config) {
    std::cerr << "kinesys-consumer: invalid configuration\n" << config.error().message() << '\n';
    return 2;
  }
  if (check_only) {
    std::cout << kc::to_toml(*config);
    return 0;
  }
  kc::service_options options;
  // Tests and scripts wait for this line instead of sleeping.
  options.on_listening = [](std::uint16_t port) {
    std::printf("listening %u\n", static_cast<unsigned>(port));
    std::fflush(stdout);
  };
  kc::service s(std::move(*config), options);
  return s.run();
}

int run_replay(config_flags const& flags, std::string const& from, std::string const& to)
{
  std::string bad;
  auto overrides = flags.overrides(bad);
  if (!overrides) {
    std::cerr << "--set " << bad << ": expected key=value\n";
    return 2;
  }
  // The configuration is optional here; it only contributes aws.* keys.
  auto env = aws::environment::process();
  auto resolved = aws::resolve_aws_config(env);
  if (!resolved) {
    std::cerr << "kinesys-consumer: AWS configuration: " << resolved.error().message << '\n';
    return 2;
  }
  auto aws_config = *resolved;
  for (auto const& o : *overrides) {
    auto unquote = [](std::string v) { return v.size() >= 2 && v.front() == '"' ? v.substr(1, v.size() - 2) : v; };
    if (o.key == "aws.kinesis_endpoint")
      if (auto ep = kinesys::engine::endpoint::parse(unquote(o.value))) aws_config.kinesis = *ep;
    if (o.key == "aws.region") aws_config.region = unquote(o.value);
  }
  if (!flags.path.empty()) {
    auto config = kc::load_config(flags.path, *overrides);
    if (config) {
      if (!config->aws.kinesis_endpoint.empty())
        if (auto ep = kinesys::engine::endpoint::parse(config->aws.kinesis_endpoint)) aws_config.kinesis = *ep;
      if (!config->aws.region.empty()) aws_config.region = config->aws.region;
    }
  }
  kinesys::engine::core_set cores(kinesys::engine::core_set_options{.cores = 1, .handle_signals = true});
  kinesys::engine::http_client http(cores.executor(0));
  aws::kinesis_client kinesis(http, aws_config);
  int status = 0;
  bool from_file = std::filesystem::exists(from);
  cores.spawn(0, [&]() -> boost::asio::awaitable<void> {
    auto r = from_file ? co_await kc::replay_file(kinesis, from, to) : co_await kc::replay_stream(kinesis, from, to);
    if (!r) {
      std::cerr << "kinesys-consumer dlq replay: " << r.error().describe() << '\n';
      status = 1;
    } else {
      std::cout << "replayed " << r->replayed << " dead letters from " << (from_file ? "file " : "stream ") << from
                << " to stream " << to << '\n';
      for (auto const& p : r->problems) std::cerr << "skipped: " << p << '\n';
      if (r->unreadable > 0) {
        std::cerr << r->unreadable << " entries could not be read\n";
        status = 1;
      }
    }
    cores.stop();
  });
  cores.run();
  return status;
}

}  // namespace

int main(int argc, char** argv)
{
  CLI::App app{"kinesys-consumer: reads a Kinesis stream, writes DynamoDB tables smoothly and exactly once in effect"};
  app.set_version_flag("--version", version);
  config_flags flags;
  flags.add_to(app);
  bool check_only = false;
  app.add_flag("--check-config", check_only, "validate the configuration, print it in full and exit");

  auto* dlq = app.add_subcommand("dlq", "dead-letter tools");
  auto* replay = dlq->add_subcommand("replay", "put dead letters back on a stream");
  std::string from, to;
  replay->add_option("--from", from, "an NDJSON dead-letter file, or a dead-letter stream name")->required();
  replay->add_option("--to", to, "the stream to put the records on")->required();
  dlq->require_subcommand(1);

  CLI11_PARSE(app, argc, argv);
  if (replay->parsed()) return run_replay(flags, from, to);
  return run_consumer(flags, check_only);
}
