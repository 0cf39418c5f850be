// A producer used from plain std::threads: no coroutines, no io_context.
// Half the workers wait on a std::future per record (put_future), the other
// half hand records over with a callback (put_async); flush_sync() then
// sends what is still buffered and waits until every record completed.
//
//   producer_threads STREAM [THREADS] [RECORDS_PER_THREAD]
//
// Region, endpoint and credentials come from the usual AWS environment.
#include <kinesys/producer.hpp>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace kp = kinesys::producer;

int main(int argc, char** argv)
{
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s STREAM [THREADS] [RECORDS_PER_THREAD]\n", argv[0]);
    return 2;
  }
  std::string const stream = argv[1];
  int const threads = argc > 2 ? std::atoi(argv[2]) : 4;
  int const per_thread = argc > 3 ? std::atoi(argv[3]) : 250;

  kp::producer_config config;
  config.cores = 2;  // producer threads; put() is safe from any thread
  kp::producer p(config);

  std::atomic<int> acknowledged{0}, failed{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      std::string const key = "worker-" + std::to_string(t);
      if (t % 2 == 0) {
        // put_future: simple, one wait per record (batches still fill, since
        // the futures are collected first and waited for afterwards).
        std::vector<std::future<kp::put_outcome>> pending;
        for (int i = 0; i < per_thread; ++i)
          pending.push_back(p.put_future(stream, key, key + " event " + std::to_string(i)));
        for (auto& f : pending) (f.get() ? acknowledged : failed)++;
      } else {
        // put_async: the callback runs on a producer thread; keep it short.
        for (int i = 0; i < per_thread; ++i)
          p.put_async(stream, key, key + " event " + std::to_string(i), [&](kp::put_outcome r) {
            if (r) {
              acknowledged++;
            } else {
              failed++;
              std::fprintf(stderr, "put failed: %s\n", r.error().message.c_str());
            }
          });
      }
    });
  for (auto& w : workers) w.join();

  p.flush_sync();  // every put_async callback has run when this returns
  kp::metrics_snapshot m = p.metrics();
  std::printf("acknowledged %d failed %d\n", acknowledged.load(), failed.load());
  std::printf("user records put %llu in %llu Kinesis records, %llu PutRecords calls\n",
              static_cast<unsigned long long>(m.user_records_put),
              static_cast<unsigned long long>(m.kinesis_records_put),
              static_cast<unsigned long long>(m.put_records_requests));
  p.close();
  return failed == 0 && acknowledged == threads * per_thread ? 0 : 1;
}
