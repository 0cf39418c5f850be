// pipeline: producer -> stream -> consumer -> table at once, the way a
// deployment runs. Measured: records applied per second at the table (the
// pipeline's throughput), the producer's acknowledged rate beside it, and
// the lag (records acknowledged but not yet written) at the end. The
// producer and the consumer are closed before the stream is deleted: a
// producer closing against a deleted stream only has failures to report.
#include "consumer_driver.hpp"
#include "producer_driver.hpp"
#include "scenario.hpp"

namespace kinesys::bench {

using namespace std::chrono_literals;

namespace {

run_result measure_pipeline(run_context& ctx, std::string const& stream, std::string const& table)
{
  run_result r;
  r.scenario = "pipeline";
  auto config = make_consumer_config(ctx.config, stream, table, ctx.records.key_field, ctx.records.counter_field);
  if (!config) {
    r.ok = false;
    r.note = config.error();
    return r;
  }
  consumer_driver consumer(*config, ctx.endpoint.environment());
  producer_driver producer(ctx.config, ctx.endpoint.environment(), ctx.records, stream);
  if (!consumer.wait_first_read(60s)) {
    r.ok = false;
    r.note = consumer.error();
    return r;
  }
  std::uint64_t produced_at_start = 0, writes_at_start = 0;
  auto w = measure_window(ctx, {.count = [&] { return consumer.finished(); },
                                .cpu = [&] { return consumer.cpu_seconds(); },
                                .done = {},
                                .on_measure = [&] {
                                  producer.latency().reset();
                                  produced_at_start = producer.acknowledged();
                                  writes_at_start = consumer.items_written();
                                }});
  auto writes = consumer.items_written() - writes_at_start;
  auto produced = producer.acknowledged() - produced_at_start;
  auto lag = static_cast<double>(producer.acknowledged()) - static_cast<double>(consumer.finished());
  r.latency = summarise(producer.latency());
  producer.stop();
  consumer.stop();
  fill_rates(r, w, ctx.records.mean_bytes());
  // The consumer's CPU includes the producer's threads: both started after
  // the consumer's snapshot of thread ids.
  r.extra["items_per_s"] = r.records_per_s;
  r.extra["table_writes_per_s"] = w.seconds > 0 ? static_cast<double>(writes) / w.seconds : 0;
  r.extra["produced_per_s"] = w.seconds > 0 ? static_cast<double>(produced) / w.seconds : 0;
  r.extra["lag_records_at_end"] = lag;
  if (r.records == 0) {
    r.ok = false;
    r.note = "no record reached the table in the window";
  }
  return r;
}

}  // namespace

run_result run_pipeline(run_context& ctx)
{
  auto stream = ctx.name;
  auto table = ctx.name + "_t";
  ctx.endpoint.create_stream(stream, ctx.config.shards);
  ctx.endpoint.create_table(table, ctx.records.key_field);
  auto r = measure_pipeline(ctx, stream, table);
  ctx.endpoint.delete_stream(stream);
  ctx.endpoint.delete_table(table);
  return r;
}

}  // namespace kinesys::bench
