#include "peers.hpp"

#include "backlog.hpp"

#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace kinesys::bench {

namespace fs = std::filesystem;

namespace {

std::string node_modules()
{
  if (auto const* p = std::getenv("KINESYS_BENCH_NODE_MODULES")) return p;
  return KINESYS_BENCH_NODE_MODULES;
}

std::string quote(std::string const& s)
{
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

std::string seconds_arg(std::chrono::milliseconds d) { return std::to_string(static_cast<double>(d.count()) / 1000.0); }

/// Runs `command` with the target's variables and parses its last stdout line.
run_result run_script(run_context& ctx, std::string const& client, std::string const& command)
{
  run_result r;
  r.client = client;
  std::string cmd = "env";
  for (auto const& [k, v] : ctx.endpoint.variables()) cmd += ' ' + k + '=' + quote(v);
  cmd += " NODE_PATH=" + quote(node_modules()) + ' ' + command + " 2>" + quote(ctx.options.out_dir + "/" + ctx.name + "-" + client + ".stderr");
  std::string out;
  if (FILE* f = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    auto start = clock_type::now();
    double total = std::chrono::duration<double>(ctx.options.warmup + ctx.options.duration).count();
    while (std::fgets(buf, sizeof buf, f)) out += buf;
    ctx.bar.update(std::chrono::duration<double>(clock_type::now() - start).count(), total, 0, false);
    if (int rc = ::pclose(f); rc != 0) {
      r.ok = false;
      r.note = client + " peer exited with status " + std::to_string(rc) + " (see " + ctx.name + "-" + client + ".stderr)";
      return r;
    }
  }
  auto last = out.find_last_of('{');
  if (last == std::string::npos) {
    r.ok = false;
    r.note = client + " peer printed no result";
    return r;
  }
  // The JSON object is the last line; find its start.
  auto line_start = out.rfind('\n', out.size() > 1 ? out.size() - 2 : 0);
  std::string json = out.substr(line_start == std::string::npos ? 0 : line_start + 1);
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(json);
  auto doc = parser.iterate(padded);
  double records = 0, seconds = 0, cpu = 0;
  if (doc["records"].get_double().get(records) || doc["seconds"].get_double().get(seconds) ||
      doc["cpu_seconds"].get_double().get(cpu)) {
    r.ok = false;
    r.note = client + " peer result unreadable: " + json;
    return r;
  }
  window w;
  w.count = static_cast<std::uint64_t>(records);
  w.seconds = seconds;
  w.cpu_seconds = cpu;
  simdjson::ondemand::array series;
  if (!doc["per_second"].get_array().get(series))
    for (auto v : series) w.per_second.push_back(v.get_double().value_unsafe());
  fill_rates(r, w, ctx.records.mean_bytes());
  simdjson::ondemand::object lat;
  if (!doc["latency_ms"].get_object().get(lat)) {
    double v = 0;
    if (!lat["p50"].get_double().get(v)) r.latency.p50 = v;
    if (!lat["p90"].get_double().get(v)) r.latency.p90 = v;
    if (!lat["p99"].get_double().get(v)) r.latency.p99 = v;
    if (!lat["p999"].get_double().get(v)) r.latency.p999 = v;
    if (!lat["max"].get_double().get(v)) r.latency.max = v;
  }
  double requests = 0;
  if (!doc["requests"].get_double().get(requests)) r.extra["requests"] = requests;
  if (r.records == 0) {
    r.ok = false;
    r.note = client + " peer completed no record in the window";
  }
  return r;
}

std::string records_file(run_context& ctx)
{
  auto path = ctx.options.out_dir + "/" + ctx.name + "-records.tsv";
  (void)write_peer_records(ctx.records, path);
  return path;
}

}  // namespace

std::string peers_dir()
{
  if (auto const* p = std::getenv("KINESYS_BENCH_PEERS")) return p;
  return KINESYS_BENCH_PEERS_DIR;
}

std::optional<std::string> peer_unavailable(std::string const& peer)
{
  if (peer == "boto3") {
    if (std::system("python3 -c 'import boto3' >/dev/null 2>&1") != 0)
      return "python3 with boto3 is not installed (Debian: python3-boto3)";
    return std::nullopt;
  }
  if (peer == "js") {
    if (std::system("node --version >/dev/null 2>&1") != 0) return "node is not installed";
    if (!fs::exists(fs::path(node_modules()) / "@aws-sdk" / "client-kinesis"))
      return "@aws-sdk/client-kinesis is not in " + node_modules() + " (npm ci in tests/peers)";
    return std::nullopt;
  }
  return "unknown peer \"" + peer + "\" (boto3, js)";
}

run_result run_peer_producer(run_context& ctx, std::string const& peer)
{
  auto stream = ctx.name + "-" + peer;
  ctx.endpoint.create_stream(stream, ctx.config.shards);
  auto file = records_file(ctx);
  std::string cmd = peer == "js" ? "node " + quote(peers_dir() + "/js_producer.js")
                                 : "python3 " + quote(peers_dir() + "/boto3_producer.py");
  cmd += " --stream " + quote(stream) + " --records " + quote(file) + " --warmup " + seconds_arg(ctx.options.warmup) +
         " --duration " + seconds_arg(ctx.options.duration);
  auto r = run_script(ctx, peer, cmd);
  r.scenario = "produce";
  r.extra["records_per_s_per_shard"] = r.records_per_s / ctx.config.shards;
  std::filesystem::remove(file);
  ctx.endpoint.delete_stream(stream);
  return r;
}

run_result run_peer_consumer(run_context& ctx)
{
  auto stream = ctx.name + "-boto3";
  auto table = stream + "_t";
  ctx.endpoint.create_stream(stream, ctx.config.shards);
  ctx.endpoint.create_table(table, ctx.records.key_field);
  // boto3 reads plain records: the backlog is put without aggregation or
  // compression (the same user records).
  auto plain = ctx.config;
  plain.producer.aggregation_enabled = false;
  plain.producer.compression = producer::compression_codec::none;
  // The peer is slower: a smaller backlog still outlasts its window.
  auto backlog = std::min<std::size_t>(backlog_size(ctx), 200000);
  ctx.bar.note("filling a plain backlog of " + std::to_string(backlog) + " records for boto3");
  run_result r;
  r.client = "boto3";
  r.scenario = "consume";
  if (auto failed = fill_backlog(ctx, plain, stream, backlog); failed > 0) {
    r.ok = false;
    r.note = "the plain backlog for boto3 failed to put";
    return r;
  }
  std::string cmd = "python3 " + quote(peers_dir() + "/boto3_consumer.py") + " --stream " + quote(stream) +
                    " --table " + quote(table) + " --key-field " + quote(ctx.records.key_field) + " --expect " +
                    std::to_string(backlog) + " --warmup " + seconds_arg(ctx.options.warmup) + " --duration " +
                    seconds_arg(ctx.options.duration);
  r = run_script(ctx, "boto3", cmd);
  r.scenario = "consume";
  r.extra["items_per_s"] = r.records_per_s;
  ctx.endpoint.delete_stream(stream);
  ctx.endpoint.delete_table(table);
  return r;
}

}  // namespace kinesys::bench
