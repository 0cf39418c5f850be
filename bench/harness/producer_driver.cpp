#include "producer_driver.hpp"

#include <algorithm>
#include <chrono>
#include <span>
#include <vector>

namespace kinesys::bench {

producer_driver::producer_driver(run_config const& c, engine::aws::environment const& env,
                                 record_pool const& records, std::string stream)
    : records_(records), stream_(std::move(stream)), rate_(c.rate), batch_(c.put_batch), before_(thread_ids())
{
  producer_ = std::make_unique<producer::producer>(c.producer, env);
  feeder_ = std::thread([this] { feed(); });
}

producer_driver::~producer_driver()
{
  stop();
  producer_->close();
}

void producer_driver::stop()
{
  stop_.store(true);
  if (feeder_.joinable()) feeder_.join();
}

void producer_driver::drain() { producer_->flush_sync(); }

void producer_driver::feed()
{
  feeder_tid_.store(current_tid());
  auto const start = clock_type::now();
  std::size_t const n = records_.size();
  // With put_batch, the pool as batch records, made once: a batch is a
  // window of it (the last one of a pass is cut short at the pool's end).
  std::vector<producer::batch_record> pool;
  if (batch_ > 1) {
    pool.reserve(n);
    for (std::size_t k = 0; k < n; ++k) pool.push_back({records_.keys[k], records_.datas[k]});
  }
  std::uint64_t i = 0;
  while (!stop_.load(std::memory_order_relaxed)) {
    auto const k = i % n;
    auto const count = std::min<std::size_t>(batch_, n - k);
    if (rate_ > 0) {
      // Paced: put what the rate allows so far, then wait a little.
      auto allowed = static_cast<std::uint64_t>(rate_ * std::chrono::duration<double>(clock_type::now() - start).count());
      if (i + count > allowed) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        continue;
      }
    }
    // 16 bytes of capture: fits std::function's small buffer, so a put
    // allocates nothing here.
    auto const t0 = clock_type::now();
    auto record = [this, t0](producer::put_outcome const& o) {
      (o ? ok_ : failed_).fetch_add(1, std::memory_order_relaxed);
      latency_.record(clock_type::now() - t0);
    };
    if (batch_ > 1)
      producer_->put_batch_async(stream_, std::span<producer::batch_record const>(pool.data() + k, count),
                                 [record](std::size_t, producer::put_outcome const& o) { record(o); });
    else
      producer_->put_async(stream_, records_.keys[k], records_.datas[k], record);
    i += count;
    offered_.store(i, std::memory_order_relaxed);
  }
}

}  // namespace kinesys::bench
