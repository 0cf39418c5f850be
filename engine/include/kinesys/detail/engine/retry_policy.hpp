#pragma once
// Which failures are worth retrying, and how long to wait: exponential
// backoff with full jitter (delay uniform in [0, min(max_delay, base·2^k)]),
// which spreads retrying clients apart instead of having them collide again.
// Pure: no I/O, no clock; the randomness comes from an injected seed.
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <string_view>

namespace kinesys::engine {

enum class failure_class {
  none,        ///< success: 2xx and no transport error
  throttling,  ///< the service asks us to slow down (429, *Throttl*, ProvisionedThroughputExceeded…)
  transient,   ///< may succeed if repeated: 5xx, 408, reset, timeout, refused, DNS, malformed reply
  permanent,   ///< repeating cannot help: other 4xx, TLS/certificate, response too large, shutdown
};

char const* to_string(failure_class c) noexcept;

/// Classifies one outcome. `ec` is a transport error (engine::errc or a
/// system/asio error); when set, `http_status` is ignored. `aws_error_code`
/// is the AWS error type from the body or X-Amzn-ErrorType, with or without
/// its namespace prefix ("com.amazonaws.kinesis.v20131202#...") or suffix
/// (":http://..."); it decides between throttling and the status's class.
failure_class classify(unsigned http_status, boost::system::error_code ec = {},
                       std::string_view aws_error_code = {}) noexcept;

/// True for the AWS error types that mean "slow down".
bool is_throttling_error(std::string_view aws_error_code) noexcept;

struct retry_options {
  std::chrono::milliseconds base{50};
  /// Throttling starts its backoff from a larger base: the service has told
  /// us it is saturated, and a 50 ms retry would only be refused again.
  std::chrono::milliseconds throttling_base{200};
  std::chrono::milliseconds max_delay{5000};
  /// Attempts in total, the first included (so 1 means never retry).
  unsigned max_attempts = 8;
};

/// @locality owning core (holds the jitter generator's state)
class retry_policy {
public:
  explicit retry_policy(retry_options options = {}, std::uint64_t seed = default_seed());

  retry_options const& options() const noexcept { return options_; }

  /// Whether attempt number `attempt` (1-based, just failed with `c`) should
  /// be followed by another.
  bool should_retry(failure_class c, unsigned attempt) const noexcept;

  /// The jitter-free ceiling for the wait after attempt `attempt`:
  /// min(max_delay, base·2^(attempt-1)), with base chosen by the class.
  std::chrono::milliseconds ceiling(unsigned attempt, failure_class c = failure_class::transient) const noexcept;

  /// The wait after attempt `attempt`: uniform in [0, ceiling(attempt, c)].
  std::chrono::milliseconds backoff(unsigned attempt, failure_class c = failure_class::transient) noexcept;

  /// A seed from std::random_device, for production use.
  static std::uint64_t default_seed() noexcept;

private:
  std::uint64_t next() noexcept;

  retry_options options_;
  std::uint64_t state_;
};

}  // namespace kinesys::engine
