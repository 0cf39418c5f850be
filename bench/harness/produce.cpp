// produce: the application puts records into the kinesys producer, which
// aggregates, compresses and sends them to the stream. Measured: user
// records acknowledged per second, put -> ack latency, producer CPU.
#include "producer_driver.hpp"
#include "scenario.hpp"

namespace kinesys::bench {

run_result run_produce(run_context& ctx)
{
  run_result r;
  r.scenario = "produce";
  auto stream = ctx.name;
  ctx.endpoint.create_stream(stream, ctx.config.shards);
  window w;
  producer::metrics_snapshot m;
  {
    producer_driver driver(ctx.config, ctx.endpoint.environment(), ctx.records, stream);
    w = measure_window(ctx, {.count = [&] { return driver.acknowledged(); },
                             .cpu = [&] { return driver.cpu_seconds(); },
                             .done = {},
                             .on_measure = [&] { driver.latency().reset(); }});
    r.latency = summarise(driver.latency());
    driver.stop();
    m = driver.metrics();
    r.extra["failed"] = static_cast<double>(driver.failed());
  }
  fill_rates(r, w, ctx.records.mean_bytes());
  r.extra["kinesis_records"] = static_cast<double>(m.kinesis_records_put);
  r.extra["put_records_requests"] = static_cast<double>(m.put_records_requests);
  r.extra["retries"] = static_cast<double>(m.retries);
  r.extra["throttled"] = static_cast<double>(m.throttled);
  r.extra["user_per_kinesis_record"] =
      m.kinesis_records_put ? static_cast<double>(m.user_records_put) / static_cast<double>(m.kinesis_records_put) : 0;
  r.extra["kinesis_bytes_per_user_record"] =
      m.user_records_put ? static_cast<double>(m.kinesis_records_data_put) / static_cast<double>(m.user_records_put) : 0;
  r.extra["records_per_s_per_shard"] = r.records_per_s / ctx.config.shards;
  if (r.records == 0) {
    r.ok = false;
    r.note = "no record was acknowledged in the window";
  }
  ctx.endpoint.delete_stream(stream);
  return r;
}

}  // namespace kinesys::bench
