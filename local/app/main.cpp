// kinesys-local: the embedded Kinesis Data Streams + DynamoDB endpoint.
// Prints exactly one line on stdout, "listening <address>:<port>", once it
// accepts requests; everything else goes to stderr. SIGINT/SIGTERM stop it
// gracefully (requests in flight finish, data files are flushed).
#include <kinesys/local.hpp>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace {

constexpr char const* version = "kinesys-local 0.1.0";

// One "ACCESS_KEY_ID SECRET" (or "ID=SECRET" / "ID:SECRET") per line; '#'
// starts a comment.
std::vector<std::pair<std::string, std::string>> read_keys_file(std::string const& path)
{
  std::ifstream in(path);
  if (!in) throw std::invalid_argument("cannot read keys file " + path);
  std::vector<std::pair<std::string, std::string>> keys;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    for (char& c : line)
      if (c == '=' || c == ':' || c == '\t' || c == ',') c = ' ';
    std::istringstream fields(line);
    std::string id, secret, extra;
    if (!(fields >> id)) continue;
    if (!(fields >> secret) || (fields >> extra))
      throw std::invalid_argument(path + ":" + std::to_string(number) + ": expected 'ACCESS_KEY_ID SECRET'");
    keys.emplace_back(id, secret);
  }
  if (keys.empty()) throw std::invalid_argument("keys file " + path + " holds no keys");
  return keys;
}

}  // namespace

int main(int argc, char** argv)
{
  kinesys::local::local_options o;
  o.cores = 1;
  CLI::App app{"kinesys-local: a local Kinesis Data Streams + DynamoDB endpoint with real limits, SigV4 and fault injection"};
  app.set_version_flag("--version", version);

  std::string data_dir;
  bool in_memory = false;
  std::string access_key, secret_key, keys_file;
  bool no_auth = false, no_throttle = false, no_kinesis_throttle = false, no_dynamodb_throttle = false;
  std::string fsync = "interval";
  std::int64_t fsync_interval_ms = 1000, iterator_ttl_ms = 300000, retention_hours = 24, latency_ms = 0;
  std::int64_t skew_seconds = 300;

  app.add_option("--port", o.port, "TCP port (0 picks a free one)")->capture_default_str();
  app.add_option("--address", o.address, "address to bind")->capture_default_str();
  app.add_option("--cores", o.cores, "threads, each with its own event loop; streams are spread over them")->capture_default_str();
  auto* dir_opt = app.add_option("--data-dir", data_dir, "keep streams and tables in this directory across restarts");
  app.add_flag("--in-memory", in_memory, "keep nothing on disk (the default)")->excludes(dir_opt);
  app.add_option("--region", o.region, "region named in ARNs")->capture_default_str();
  app.add_option("--account-id", o.account_id, "account named in ARNs and messages")->capture_default_str();

  auto* auth = app.add_option_group("Authentication");
  auth->add_option("--access-key", access_key, "accepted access key id (default: kinesys-local)");
  auth->add_option("--secret-key", secret_key, "its secret (default: kinesys-local-secret)");
  auth->add_option("--keys-file", keys_file, "file of 'ACCESS_KEY_ID SECRET' lines; adds to --access-key");
  auth->add_flag("--no-auth", no_auth, "accept unsigned requests (experiments only)");
  auth->add_option("--max-clock-skew", skew_seconds, "seconds a request's X-Amz-Date may differ from the clock")->capture_default_str();

  auto* limits = app.add_option_group("Limits (the AWS defaults)");
  limits->add_flag("--no-throttle", no_throttle, "never throttle Kinesis shards nor DynamoDB tables");
  limits->add_flag("--no-kinesis-throttle", no_kinesis_throttle, "never throttle Kinesis shards");
  limits->add_flag("--no-dynamodb-throttle", no_dynamodb_throttle, "never throttle provisioned DynamoDB tables");
  limits->add_option("--shard-write-bytes", o.kinesis.shard_write_bytes_per_second, "bytes/s a shard accepts")->capture_default_str();
  limits->add_option("--shard-write-records", o.kinesis.shard_write_records_per_second, "records/s a shard accepts")->capture_default_str();
  limits->add_option("--shard-read-calls", o.kinesis.shard_read_calls_per_second, "GetRecords calls/s per shard")->capture_default_str();
  limits->add_option("--shard-read-bytes", o.kinesis.shard_read_bytes_per_second, "bytes/s GetRecords returns per shard")->capture_default_str();
  limits->add_option("--shard-limit", o.kinesis.shard_limit, "open shards per account")->capture_default_str();
  limits->add_option("--max-records-per-request", o.kinesis.max_records_per_request, "PutRecords entries")->capture_default_str();
  limits->add_option("--max-request-bytes", o.kinesis.max_request_bytes, "PutRecords payload bytes")->capture_default_str();
  limits->add_option("--max-record-bytes", o.kinesis.max_record_bytes, "record data + partition key bytes")->capture_default_str();
  limits->add_option("--iterator-ttl-ms", iterator_ttl_ms, "shard iterator lifetime")->capture_default_str();
  limits->add_option("--retention-hours", retention_hours, "record retention of new streams")->capture_default_str();
  limits->add_option("--max-shard-bytes", o.kinesis.max_shard_bytes_in_memory, "trim a shard's oldest records past this (0 = never)")->capture_default_str();
  limits->add_option("--burst-seconds", o.dynamodb.burst_seconds, "unused table capacity kept, in seconds")->capture_default_str();
  limits->add_option("--max-item-bytes", o.dynamodb.max_item_bytes, "DynamoDB item size")->capture_default_str();
  limits->add_option("--table-limit", o.dynamodb.table_limit, "tables per account")->capture_default_str();

  auto* faults = app.add_option_group("Fault injection (probabilities; change them later with POST /_kinesys/faults)");
  faults->add_option("--fault-internal-failure", o.faults.internal_failure, "answer 500 InternalFailure");
  faults->add_option("--fault-throttle", o.faults.throttle, "throttle a request (a PutRecords entry)");
  faults->add_option("--fault-reset-before", o.faults.reset_before_response, "reset the connection before answering");
  faults->add_option("--fault-reset-mid", o.faults.reset_mid_response, "reset the connection mid-answer");
  faults->add_option("--fault-latency", o.faults.latency, "delay the answer by --fault-latency-ms");
  faults->add_option("--fault-latency-ms", latency_ms, "added latency");
  faults->add_option("--fault-seed", o.faults.seed, "seed of the fault generator")->capture_default_str();

  auto* persistence = app.add_option_group("Persistence");
  persistence->add_option("--fsync", fsync, "never | interval | always")->capture_default_str()->check(CLI::IsMember({"never", "interval", "always"}));
  persistence->add_option("--fsync-interval-ms", fsync_interval_ms, "with --fsync interval")->capture_default_str();
  persistence->add_option("--segment-bytes", o.persistence.segment_bytes, "shard segment file size")->capture_default_str();
  persistence->add_option("--table-log-bytes", o.persistence.table_log_bytes, "table log size before a snapshot")->capture_default_str();

  auto* connections = app.add_option_group("Connections");
  std::int64_t header_timeout_ms = 10000, idle_timeout_ms = 60000;
  connections->add_option("--header-timeout-ms", header_timeout_ms, "a request header must arrive within this")->capture_default_str();
  connections->add_option("--idle-timeout-ms", idle_timeout_ms, "an idle keep-alive connection is closed after this")->capture_default_str();
  connections->add_option("--max-connections", o.connections.max_connections, "connections open at once; more get 503")->capture_default_str();

  app.add_flag("--log-requests", o.log_requests, "one stderr line per request");

  CLI11_PARSE(app, argc, argv);

  try {
    if (o.cores == 0) o.cores = std::max(1u, std::thread::hardware_concurrency());
    if (!data_dir.empty()) o.persistence.data_dir = data_dir;
    o.persistence.fsync = fsync == "always" ? kinesys::local::fsync_policy::always
                          : fsync == "never" ? kinesys::local::fsync_policy::never
                                             : kinesys::local::fsync_policy::interval;
    o.persistence.fsync_interval = std::chrono::milliseconds(fsync_interval_ms);
    o.kinesis.iterator_ttl = std::chrono::milliseconds(iterator_ttl_ms);
    o.kinesis.retention = std::chrono::hours(retention_hours);
    o.faults.added_latency = std::chrono::milliseconds(latency_ms);
    o.connections.header_timeout = std::chrono::milliseconds(header_timeout_ms);
    o.connections.idle_timeout = std::chrono::milliseconds(idle_timeout_ms);
    o.kinesis.throttle = !(no_throttle || no_kinesis_throttle);
    o.dynamodb.throttle = !(no_throttle || no_dynamodb_throttle);
    o.auth.verify = !no_auth;
    o.auth.max_clock_skew = std::chrono::seconds(skew_seconds);
    if (!access_key.empty() || !secret_key.empty()) {
      if (access_key.empty() || secret_key.empty()) throw std::invalid_argument("--access-key and --secret-key go together");
      o.auth.keys = {{access_key, secret_key}};
    }
    if (!keys_file.empty()) {
      auto more = read_keys_file(keys_file);
      if (access_key.empty()) o.auth.keys.clear();
      o.auth.keys.insert(o.auth.keys.end(), more.begin(), more.end());
    }
    o.handle_signals = true;

    kinesys::local::local_server server(o);
    auto port = server.start();
    if (!port) {
      std::cerr << "kinesys-local: cannot start: " << port.error().message() << "\n";
      return 1;
    }
    std::cerr << version << ": Kinesis + DynamoDB at http://" << o.address << ":" << *port << " (" << o.cores
              << (o.cores == 1 ? " core, " : " cores, ")
              << (o.persistence.data_dir.empty() ? std::string("in memory") : "data in " + o.persistence.data_dir)
              << (o.auth.verify ? ", SigV4 verified, access key " + o.auth.keys.front().first : std::string(", no auth"))
              << ")\n";
    std::cout << "listening " << o.address << ":" << *port << std::endl;
    server.wait();
    std::cerr << "kinesys-local: stopped\n";
    return 0;
  } catch (std::exception const& e) {
    std::cerr << "kinesys-local: " << e.what() << "\n";
    return 2;
  }
}
