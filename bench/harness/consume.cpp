// consume: a backlog is put first (by the kinesys producer with this run's
// producer settings, so aggregation and compression shape what is read),
// then the kinesys consumer drains it into a table. Measured: user records
// applied to the table per second (the figure a peer's loop, which writes
// one item per record, is compared on), table writes per second (fewer:
// records of one key in a batch become one write; the figure itself when
// write_rate paces the table), consumer CPU. Warm-up
// (lease taking, first reads) starts at the first record read.
#include "backlog.hpp"
#include "consumer_driver.hpp"
#include "producer_driver.hpp"
#include "scenario.hpp"

#include <algorithm>

namespace kinesys::bench {

using namespace std::chrono_literals;

std::uint64_t fill_backlog(run_context& ctx, run_config const& config, std::string const& stream, std::size_t count)
{
  auto c = config;
  c.rate = 0;
  producer_driver driver(c, ctx.endpoint.environment(), ctx.records, stream);
  while (driver.offered() < count) std::this_thread::sleep_for(1ms);
  driver.stop();
  driver.drain();
  return driver.failed();
}

std::size_t backlog_size(run_context const& ctx)
{
  if (ctx.options.backlog > 0) return ctx.options.backlog;
  // Enough for a fast consumer to stay busy through the window on this
  // kind of machine; a run that drains early says so in its note.
  auto seconds = std::chrono::duration<double>(ctx.options.warmup + ctx.options.duration).count();
  return std::clamp<std::size_t>(static_cast<std::size_t>(seconds * 250000), 20000, 3000000);
}

run_result run_consume(run_context& ctx)
{
  run_result r;
  r.scenario = "consume";
  auto stream = ctx.name;
  auto table = ctx.name + "_t";
  ctx.endpoint.create_stream(stream, ctx.config.shards);
  ctx.endpoint.create_table(table, ctx.records.key_field);
  auto backlog = backlog_size(ctx);
  ctx.bar.note("filling a backlog of " + std::to_string(backlog) + " records");
  // The producer stops exactly at `backlog` offered records, but a paced
  // feed may put a few more: count what was acknowledged.
  if (auto failed = fill_backlog(ctx, ctx.config, stream, backlog); failed > 0) {
    r.ok = false;
    r.note = std::to_string(failed) + " records of the backlog failed to put";
    return r;
  }
  auto config = make_consumer_config(ctx.config, stream, table, ctx.records.key_field, ctx.records.counter_field);
  if (!config) {
    r.ok = false;
    r.note = config.error();
    return r;
  }
  consumer_driver driver(*config, ctx.endpoint.environment());
  if (!driver.wait_first_read(60s)) {
    r.ok = false;
    r.note = driver.error();
    return r;
  }
  std::uint64_t writes_before = 0;
  // Paced by the table's rate limit, the figure is what the limit governs:
  // table writes per second.
  bool const paced = ctx.config.write_rate > 0;
  auto w = measure_window(ctx, {.count = [&] { return paced ? driver.items_written() : driver.finished(); },
                                .cpu = [&] { return driver.cpu_seconds(); },
                                .done = [&] { return driver.finished() >= backlog; },
                                .on_measure = [&] { writes_before = driver.items_written(); }});
  auto finished = driver.finished();
  auto writes = driver.items_written() - writes_before;
  driver.stop();
  fill_rates(r, w, ctx.records.mean_bytes());
  r.extra["items_per_s"] = r.records_per_s;
  r.extra["table_writes_per_s"] = w.seconds > 0 ? static_cast<double>(writes) / w.seconds : 0;
  r.extra["backlog"] = static_cast<double>(backlog);
  r.extra["user_records_finished"] = static_cast<double>(finished);
  if (w.ended_early) r.note = "the backlog drained before the duration ended (measured until it did)";
  if (w.seconds < 0.5 || r.records == 0) {
    r.ok = false;
    r.note = "the backlog drained during the warm-up: raise --backlog or shorten --warmup";
  }
  ctx.endpoint.delete_stream(stream);
  ctx.endpoint.delete_table(table);
  return r;
}

}  // namespace kinesys::bench
