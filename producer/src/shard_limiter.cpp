#include "shard_limiter.hpp"

#include <algorithm>

namespace kinesys::producer::detail {
namespace {

// Multiplicative decrease on a throttle, additive increase per quiet step.
constexpr double decrease = 0.7;
constexpr double increase = 0.05;
constexpr double min_factor = 0.05;
// One change per window: a throttled request reports many entries at once,
// and recovery should follow seconds of evidence, not one lucky record.
constexpr auto decrease_window = std::chrono::milliseconds(200);
constexpr auto increase_window = std::chrono::milliseconds(500);

}  // namespace

shard_limiter::shard_limiter(double rate_limit_percent, double share, engine::token_bucket::now_function now)
    : now_(now),
      base_records_(std::max(1.0, shard_records_per_second * rate_limit_percent / 100.0 * share)),
      base_bytes_(std::max(1024.0, shard_bytes_per_second * rate_limit_percent / 100.0 * share)),
      // Burst of one second's worth: the service measures per second.
      buckets_(base_records_, base_records_, base_bytes_, base_bytes_, now),
      last_change_(now()) {}

void shard_limiter::on_throttled() {
  auto t = now_();
  if (t - last_change_ < decrease_window && factor_ < 1.0) return;
  factor_ = std::max(min_factor, factor_ * decrease);
  last_change_ = t;
  apply();
}

void shard_limiter::on_accepted() {
  if (factor_ >= 1.0) return;
  auto t = now_();
  if (t - last_change_ < increase_window) return;
  factor_ = std::min(1.0, factor_ + increase);
  last_change_ = t;
  apply();
}

void shard_limiter::apply() {
  buckets_.counts().set_rate(base_records_ * factor_);
  buckets_.bytes().set_rate(base_bytes_ * factor_);
}

}  // namespace kinesys::producer::detail
