#include "runner.hpp"

#include "peers.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include <unistd.h>

namespace kinesys::bench {

namespace {

std::size_t pool_size(bench_options const& o) { return o.shape == shape_kind::ndjson ? 1000000 : 20000; }

config_summary summarise_runs(std::vector<run_result const*> const& runs)
{
  config_summary s;
  s.client = runs.front()->client;
  s.label = runs.front()->label;
  std::vector<run_result const*> good;
  for (auto const* r : runs)
    if (r->ok) good.push_back(r);
  s.runs = static_cast<int>(runs.size());
  s.failed = static_cast<int>(runs.size() - good.size());
  if (good.empty()) {
    s.median_run = *runs.front();
    return s;
  }
  std::sort(good.begin(), good.end(), [](auto a, auto b) { return a->records_per_s < b->records_per_s; });
  auto const* median = good[(good.size() - 1) / 2];
  auto median_of = [&](auto field) {
    std::vector<double> v;
    for (auto const* r : good) v.push_back(field(*r));
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  };
  s.median_records_per_s = median_of([](run_result const& r) { return r.records_per_s; });
  s.min_records_per_s = good.front()->records_per_s;
  s.max_records_per_s = good.back()->records_per_s;
  s.spread = s.median_records_per_s > 0 ? (s.max_records_per_s - s.min_records_per_s) / s.median_records_per_s : 0;
  s.median_records_per_cpu_s = median_of([](run_result const& r) { return r.records_per_cpu_s; });
  s.median_mib_per_s = median_of([](run_result const& r) { return r.mib_per_s; });
  s.median_run = *median;
  return s;
}

std::string figure(run_result const& r)
{
  char buf[200];
  if (!r.ok) return "failed: " + r.note;
  std::snprintf(buf, sizeof buf, "%s: %.0f records/s (%.1f MiB/s), %.0f records per CPU second%s%s", r.client.c_str(),
                r.records_per_s, r.mib_per_s, r.records_per_cpu_s, r.note.empty() ? "" : "; ", r.note.c_str());
  return buf;
}

}  // namespace

std::vector<config_summary const*> summaries_of(invocation const& inv, std::string const& client)
{
  std::vector<config_summary const*> out;
  for (auto const& s : inv.summaries)
    if (s.client == client) out.push_back(&s);
  return out;
}

invocation run_invocation(bench_options const& o)
{
  invocation inv;
  inv.options = o;
  std::filesystem::create_directories(o.out_dir);
  auto points = sweep_points(o.sweeps);
  // Every point is checked before anything runs: a typo fails at once.
  std::vector<run_config> configs;
  for (auto const& p : points) {
    auto c = make_run_config(o, p);
    if (!c) throw std::runtime_error(c.error());
    configs.push_back(std::move(*c));
  }
  std::vector<std::string> peers;
  for (auto const& p : o.peers) {
    bool applies = (o.kind == scenario::produce && (p == "boto3" || p == "js")) ||
                   (o.kind == scenario::consume && p == "boto3");
    if (!applies) {
      inv.notes.push_back("peer " + p + " has no " + std::string(to_string(o.kind)) + " counterpart: skipped");
      continue;
    }
    if (auto why = peer_unavailable(p)) {
      inv.notes.push_back("peer " + p + " skipped: " + *why);
      continue;
    }
    peers.push_back(p);
  }
  bool raw_beside = o.kind == scenario::produce && o.with_raw && !peers.empty();

  auto per_run = o.warmup + o.duration + std::chrono::milliseconds(1500);
  auto planned = per_run * static_cast<long>(o.repeat * (configs.size() + peers.size() + (raw_beside ? 1 : 0)));
  progress bar(planned);
  for (auto const& n : inv.notes) bar.note(n);

  target endpoint(o);
  inv.target_description = endpoint.describe();
  int counter = 0;
  std::size_t total = configs.size();
  for (std::size_t i = 0; i < configs.size(); ++i) {
    auto records = make_records(o, configs[i].record_size, configs[i].keys, pool_size(o));
    if (!records) throw std::runtime_error(records.error());
    if (i == 0) inv.records_description = records->describe();
    for (int rep = 0; rep < o.repeat; ++rep) {
      auto name = "kb" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
      run_context ctx{o, endpoint, configs[i], *records, bar, name};
      bar.begin(std::string(to_string(o.kind)) + " " + configs[i].label() + " [" + std::to_string(i + 1) + "/" +
                std::to_string(total) + ", run " + std::to_string(rep + 1) + "/" + std::to_string(o.repeat) + "]");
      auto r = run_scenario(o.kind, ctx);
      r.label = configs[i].label();
      r.repeat = rep;
      bar.end(figure(r));
      inv.runs.push_back(std::move(r));
    }
  }
  // Peers and the wire limit: the first configuration's records and shards.
  if (!peers.empty() || raw_beside) {
    auto made = make_records(o, configs[0].record_size, configs[0].keys, pool_size(o));
    if (!made) throw std::runtime_error(made.error());
    auto& records = *made;
    for (int rep = 0; rep < o.repeat; ++rep) {
      auto run_one = [&](std::string const& client) {
        auto name = "kb" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
        run_context ctx{o, endpoint, configs[0], records, bar, name};
        bar.begin(client + " " + std::string(to_string(o.kind)) + " [run " + std::to_string(rep + 1) + "/" +
                  std::to_string(o.repeat) + "]");
        run_result r;
        if (client == "raw") r = run_raw(ctx);
        else if (o.kind == scenario::produce) r = run_peer_producer(ctx, client);
        else r = run_peer_consumer(ctx);
        r.label = configs[0].label();
        r.repeat = rep;
        bar.end(figure(r));
        inv.runs.push_back(std::move(r));
      };
      if (raw_beside) run_one("raw");
      for (auto const& p : peers) run_one(p);
    }
  }
  // Group by (client, label) in first-seen order.
  std::vector<std::pair<std::string, std::string>> keys;
  for (auto const& r : inv.runs)
    if (std::find(keys.begin(), keys.end(), std::pair{r.client, r.label}) == keys.end()) keys.emplace_back(r.client, r.label);
  for (auto const& [client, label] : keys) {
    std::vector<run_result const*> group;
    for (auto const& r : inv.runs)
      if (r.client == client && r.label == label) group.push_back(&r);
    auto s = summarise_runs(group);
    for (auto const& c : configs)
      if (c.label() == label) s.swept = c.swept;
    inv.summaries.push_back(std::move(s));
  }
  return inv;
}

}  // namespace kinesys::bench
