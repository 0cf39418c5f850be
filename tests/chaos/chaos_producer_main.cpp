// The producing side of the chaos run: puts `count` events with the
// kinesys producer (durable spool, stamps, per-key order) at a steady pace,
// and prints one line per acknowledged event ("ack <event> <key> <amount>")
// so the driver knows exactly what was promised. A kill -9 between spooling
// and acknowledging is covered by the spool: a restarted producer on the
// same directory re-sends what was not acknowledged.
//
// usage: kinesys_chaos_producer <endpoint> <stream> <spool-dir> <first> <count> <keys> <per-second> <seed>
#include <kinesys/producer.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>
#include <thread>

int main(int argc, char** argv)
{
  using namespace kinesys::producer;
  if (argc != 9) {
    std::fprintf(stderr, "usage: %s <endpoint> <stream> <spool-dir> <first> <count> <keys> <per-second> <seed>\n", argv[0]);
    return 2;
  }
  std::string const stream = argv[2];
  long const first = std::atol(argv[4]), count = std::atol(argv[5]), keys = std::atol(argv[6]);
  double const per_second = std::atof(argv[7]);
  std::mt19937_64 rng(std::strtoull(argv[8], nullptr, 10));

  producer_config c;
  c.kinesis_endpoint = argv[1];
  c.spool_directory = argv[3];
  c.producer_id = "chaos";
  c.record_max_buffered_time = std::chrono::milliseconds(50);
  // kinesys-local restarts and injected faults last seconds; nothing may
  // expire while the driver still expects it.
  c.record_ttl = std::chrono::milliseconds(600000);
  c.retry_max_delay = std::chrono::milliseconds(1000);
  c.request_timeout = std::chrono::milliseconds(3000);
  c.connect_timeout = std::chrono::milliseconds(1000);
  auto env = kinesys::engine::aws::environment::from_map({{"AWS_ACCESS_KEY_ID", "kinesys-local"},
                                                          {"AWS_SECRET_ACCESS_KEY", "kinesys-local-secret"},
                                                          {"AWS_REGION", "us-east-1"}});
  producer p(c, env);

  std::mutex out;  // callbacks run on producer cores
  std::atomic<long> acked{0}, failed{0};
  auto const start = std::chrono::steady_clock::now();
  for (long i = 0; i < count; ++i) {
    long const event = first + i;
    std::string const key = "key-" + std::to_string(event % keys);
    long const amount = static_cast<long>(rng() % 1000) + 1;
    std::string const payload =
        R"({"key":")" + key + R"(","event":)" + std::to_string(event) + R"(,"amount":)" + std::to_string(amount) + "}";
    p.put_async(stream, key, payload, [&, event, key, amount](put_outcome r) {
      std::lock_guard lock(out);
      if (r) {
        acked.fetch_add(1);
        std::printf("ack %ld %s %ld\n", event, key.c_str(), amount);
      } else {
        failed.fetch_add(1);
        std::printf("fail %ld %s %s\n", event, key.c_str(), r.error().message.c_str());
      }
      std::fflush(stdout);
    });
    // Pace by schedule, so a stall (back-pressure) is caught up afterwards.
    auto const due = start + std::chrono::duration<double>(static_cast<double>(i + 1) / per_second);
    std::this_thread::sleep_until(std::chrono::time_point_cast<std::chrono::steady_clock::duration>(due));
  }
  p.flush_sync();
  std::lock_guard lock(out);
  std::printf("done %ld acked %ld failed\n", acked.load(), failed.load());
  std::fflush(stdout);
  return failed.load() == 0 ? 0 : 1;
}
