// The producing side of the chaos run: puts the events [first, first+count)
// with the kinesys producer (durable spool, stamps, per-key order) at a
// steady pace and tells the driver, one line each, what became of them:
//   put <event> <key> <amount>       about to be handed over
//   accepted <event> <key> <amount>  on disk in the spool (sync_spool returned)
//   ack <event> <key> <amount>       acknowledged by Kinesis
//   fail <event> <key> <reason>      completed with an error
//   done <n> acked <n> failed <n> recovered
// A kill -9 between "accepted" and "ack" is covered by the spool: a producer
// restarted on the same directory re-sends what was not acknowledged under
// the original stamps ("recovered" counts those). An event with "put" but no
// "accepted" before a kill may or may not be in the spool; the driver skips
// it on restart rather than putting it twice under two stamps.
//
// The amount of an event depends only on the seed and the event number, so
// a restart that continues at some event produces the same events.
//
// usage: kinesys_chaos_producer <endpoint> <stream> <spool-dir> <first> <count> <keys> <per-second> <seed> <producer-id>
#include <kinesys/producer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

namespace {

std::uint64_t splitmix64(std::uint64_t x)
{
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

int main(int argc, char** argv)
{
  using namespace kinesys::producer;
  if (argc != 10) {
    std::fprintf(stderr,
                 "usage: %s <endpoint> <stream> <spool-dir> <first> <count> <keys> <per-second> <seed> <producer-id>\n",
                 argv[0]);
    return 2;
  }
  std::string const stream = argv[2];
  long const first = std::atol(argv[4]), count = std::atol(argv[5]), keys = std::atol(argv[6]);
  double const per_second = std::atof(argv[7]);
  std::uint64_t const seed = std::strtoull(argv[8], nullptr, 10);

  producer_config c;
  c.kinesis_endpoint = argv[1];
  c.spool_directory = argv[3];
  // Stamps are (producer id, sequence) and the sequence starts afresh in every
  // process: a restarted producer needs its own id, or the consumer would take
  // its new records for copies of the old ones. Re-sent spool records keep
  // the id they were stamped with.
  c.producer_id = argv[9];
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
  auto say = [&out](std::string const& line) {
    std::lock_guard lock(out);
    std::fputs(line.c_str(), stdout);
    std::fflush(stdout);
  };
  std::atomic<long> acked{0}, failed{0};
  auto const start = std::chrono::steady_clock::now();
  for (long i = 0; i < count; ++i) {
    long const event = first + i;
    std::string const key = "key-" + std::to_string(event % keys);
    long const amount = static_cast<long>(splitmix64(seed * 1000003ULL + static_cast<std::uint64_t>(event)) % 1000) + 1;
    std::string const fields = std::to_string(event) + " " + key + " " + std::to_string(amount) + "\n";
    std::string const payload =
        R"({"key":")" + key + R"(","event":)" + std::to_string(event) + R"(,"amount":)" + std::to_string(amount) + "}";
    say("put " + fields);
    p.put_async(stream, key, payload, [&, event, key, fields](put_outcome r) {
      if (r) {
        acked.fetch_add(1);
        say("ack " + fields);
      } else {
        failed.fetch_add(1);
        say("fail " + std::to_string(event) + " " + key + " " + r.error().message + "\n");
      }
    });
    if (auto ec = p.sync_spool()) {
      say("fail " + std::to_string(event) + " " + key + " spool: " + ec.message() + "\n");
      failed.fetch_add(1);
    } else {
      say("accepted " + fields);
    }
    // Pace by schedule, so a stall (back-pressure) is caught up afterwards.
    auto const due = start + std::chrono::duration<double>(static_cast<double>(i + 1) / per_second);
    std::this_thread::sleep_until(std::chrono::time_point_cast<std::chrono::steady_clock::duration>(due));
  }
  p.flush_sync();
  say("done " + std::to_string(acked.load()) + " acked " + std::to_string(failed.load()) + " failed " +
      std::to_string(p.metrics().recovered) + " recovered\n");
  return failed.load() == 0 ? 0 : 1;
}
