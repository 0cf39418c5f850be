#pragma once
// A token bucket driven by an explicit time, so the models stay pure and a
// test moves time by hand. Refills at `rate` tokens per second up to
// `capacity`; a take may push the level below zero ("debt") when the caller
// only learns the cost afterwards (a GetRecords answer's size), which then
// delays later takes exactly as the service does.
#include <algorithm>
#include <cstdint>

namespace kinesys::local {

class token_bucket {
public:
  token_bucket() = default;
  /// Starts full.
  token_bucket(double rate_per_second, double capacity, std::int64_t now_ns)
      : rate_(rate_per_second), capacity_(capacity), level_(capacity), last_ns_(now_ns) {}
  /// Starts at `initial` (may be below capacity, e.g. a new table's burst).
  token_bucket(double rate_per_second, double capacity, double initial, std::int64_t now_ns)
      : rate_(rate_per_second), capacity_(capacity), level_(initial), last_ns_(now_ns) {}

  /// Tokens available at `now_ns`.
  double available(std::int64_t now_ns) noexcept { refill(now_ns); return level_; }

  /// Takes `n` if that many are available; false (and nothing taken) if not.
  bool try_take(double n, std::int64_t now_ns) noexcept
  {
    refill(now_ns);
    if (level_ + 1e-9 < n) return false;
    level_ -= n;
    return true;
  }
  /// Takes `n` unconditionally (the level may go negative).
  void force_take(double n, std::int64_t now_ns) noexcept { refill(now_ns); level_ -= n; }
  /// True if the bucket is not in debt.
  bool positive(std::int64_t now_ns) noexcept { refill(now_ns); return level_ > 0; }

  double rate() const noexcept { return rate_; }
  double capacity() const noexcept { return capacity_; }
  void reconfigure(double rate_per_second, double capacity, std::int64_t now_ns) noexcept
  {
    refill(now_ns);
    rate_ = rate_per_second;
    capacity_ = capacity;
    level_ = std::min(level_, capacity_);
  }

private:
  void refill(std::int64_t now_ns) noexcept
  {
    if (now_ns <= last_ns_) return;  // a clock that steps back never mints tokens
    level_ = std::min(capacity_, level_ + rate_ * static_cast<double>(now_ns - last_ns_) * 1e-9);
    last_ns_ = now_ns;
  }

  double rate_ = 0;
  double capacity_ = 0;
  double level_ = 0;
  std::int64_t last_ns_ = 0;
};

}  // namespace kinesys::local
