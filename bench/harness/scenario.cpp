#include "scenario.hpp"

#include <thread>

namespace kinesys::bench {

using namespace std::chrono_literals;

run_result run_scenario(scenario s, run_context& ctx)
{
  switch (s) {
    case scenario::produce: return run_produce(ctx);
    case scenario::consume: return run_consume(ctx);
    case scenario::pipeline: return run_pipeline(ctx);
    case scenario::raw: return run_raw(ctx);
  }
  return {};
}

window measure_window(run_context& ctx, window_probe const& probe)
{
  auto const start = clock_type::now();
  auto const warm_end = start + ctx.options.warmup;
  auto const end = warm_end + ctx.options.duration;
  double const total_s = std::chrono::duration<double>(end - start).count();
  auto done = [&] { return probe.done && probe.done(); };

  // Warm-up: connections, shard maps, buffers; nothing counted.
  std::uint64_t last = probe.count();
  auto last_at = start;
  double rate = 0;
  auto tick = [&](clock_type::time_point now, bool warming) {
    if (now - last_at >= 500ms) {
      auto v = probe.count();
      rate = static_cast<double>(v - last) / std::chrono::duration<double>(now - last_at).count();
      last = v;
      last_at = now;
      ctx.bar.update(std::chrono::duration<double>(now - start).count(), total_s, rate, warming);
    }
  };
  while (clock_type::now() < warm_end && !done()) {
    tick(clock_type::now(), true);
    std::this_thread::sleep_for(5ms);
  }
  window w;
  if (probe.on_measure) probe.on_measure();
  auto const begin = clock_type::now();
  auto const begin_count = probe.count();
  auto const begin_cpu = probe.cpu ? probe.cpu() : 0.0;
  rate_series series(begin, begin_count);
  auto now = begin;
  auto const measure_end = begin + ctx.options.duration;
  while (now < measure_end) {
    if (done()) {
      w.ended_early = true;
      break;
    }
    std::this_thread::sleep_for(2ms);
    now = clock_type::now();
    series.sample(now, probe.count());
    tick(now, false);
  }
  now = clock_type::now();
  w.count = probe.count() - begin_count;
  w.seconds = std::chrono::duration<double>(now - begin).count();
  w.cpu_seconds = probe.cpu ? probe.cpu() - begin_cpu : 0.0;
  w.per_second = series.per_second();
  return w;
}

void fill_rates(run_result& r, window const& w, double mean_bytes)
{
  r.seconds = w.seconds;
  r.records = w.count;
  r.bytes = static_cast<std::uint64_t>(static_cast<double>(w.count) * mean_bytes);
  r.records_per_s = w.seconds > 0 ? static_cast<double>(w.count) / w.seconds : 0;
  r.mib_per_s = w.seconds > 0 ? static_cast<double>(r.bytes) / w.seconds / (1 << 20) : 0;
  r.cpu_seconds = w.cpu_seconds;
  r.records_per_cpu_s = w.cpu_seconds > 0 ? static_cast<double>(w.count) / w.cpu_seconds : 0;
  r.per_second = w.per_second;
}

}  // namespace kinesys::bench
