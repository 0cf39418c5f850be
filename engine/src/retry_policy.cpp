#include "kinesys/detail/engine/retry_policy.hpp"

#include "kinesys/detail/engine/error.hpp"

#include <boost/asio/error.hpp>

#include <algorithm>
#include <array>
#include <random>

namespace kinesys::engine {

namespace {

/// "com.amazonaws.kinesis.v20131202#ThrottlingException:http://..." → "ThrottlingException"
std::string_view bare_error_type(std::string_view code) noexcept {
  if (auto const hash = code.rfind('#'); hash != std::string_view::npos)
    code.remove_prefix(hash + 1);
  if (auto const colon = code.find(':'); colon != std::string_view::npos)
    code = code.substr(0, colon);
  return code;
}

// The error types AWS services use to say "slow down" (Kinesis, DynamoDB,
// STS, KMS and the SDKs' shared throttling list).
constexpr std::array<std::string_view, 12> throttling_types{
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "Throttling",
    "ThrottledException",
    "LimitExceededException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "TooManyRequestsException",
    "SlowDown",
    "KMSThrottlingException",
    "BandwidthLimitExceeded",
};

// Server-side failures AWS documents as safe to retry even under a 4xx.
constexpr std::array<std::string_view, 6> transient_types{
    "InternalFailure",           "InternalServerError", "InternalServerErrorException",
    "ServiceUnavailable",        "ServiceUnavailableException",
    "TransactionInProgressException",
};

bool contains(auto const& list, std::string_view s) noexcept { return std::find(list.begin(), list.end(), s) != list.end(); }

failure_class classify_error(boost::system::error_code ec) noexcept {
  namespace asio = boost::asio;
  if (ec.category() == engine_category()) {
    switch (static_cast<errc>(ec.value())) {
    case errc::dns_failure:
    case errc::connection_refused:
    case errc::connect_timeout:
    case errc::request_timeout:
    case errc::connection_reset:
    case errc::bad_response:
    case errc::deadline_exceeded:
    case errc::server_busy:
      return failure_class::transient;
    default:
      // TLS and certificate failures, oversized responses, bad URLs and
      // shutdown do not heal by repetition.
      return failure_class::permanent;
    }
  }
  if (ec == asio::error::operation_aborted)
    return failure_class::permanent;
  if (ec == asio::error::connection_reset || ec == asio::error::connection_refused || ec == asio::error::timed_out ||
      ec == asio::error::eof || ec == asio::error::broken_pipe || ec == asio::error::connection_aborted ||
      ec == asio::error::network_unreachable || ec == asio::error::host_unreachable ||
      ec == asio::error::network_down || ec == asio::error::try_again)
    return failure_class::transient;
  return failure_class::permanent;
}

}  // namespace

char const* to_string(failure_class c) noexcept {
  switch (c) {
  case failure_class::none: return "none";
  case failure_class::throttling: return "throttling";
  case failure_class::transient: return "transient";
  case failure_class::permanent: return "permanent";
  }
  return "unknown";
}

bool is_throttling_error(std::string_view aws_error_code) noexcept {
  return contains(throttling_types, bare_error_type(aws_error_code));
}

failure_class classify(unsigned http_status, boost::system::error_code ec, std::string_view aws_error_code) noexcept {
  if (ec)
    return classify_error(ec);
  auto const type = bare_error_type(aws_error_code);
  if (!type.empty() && contains(throttling_types, type))
    return failure_class::throttling;
  if (http_status >= 200 && http_status < 300)
    return failure_class::none;
  if (http_status == 429)
    return failure_class::throttling;
  if (!type.empty() && contains(transient_types, type))
    return failure_class::transient;
  if (http_status >= 500 || http_status == 408)
    return failure_class::transient;
  return failure_class::permanent;
}

retry_policy::retry_policy(retry_options options, std::uint64_t seed) : options_(options), state_(seed) {}

bool retry_policy::should_retry(failure_class c, unsigned attempt) const noexcept {
  return (c == failure_class::throttling || c == failure_class::transient) && attempt < options_.max_attempts;
}

std::chrono::milliseconds retry_policy::ceiling(unsigned attempt, failure_class c) const noexcept {
  auto const base = c == failure_class::throttling ? options_.throttling_base : options_.base;
  auto const cap = options_.max_delay.count();
  auto delay = std::max<std::int64_t>(base.count(), 0);
  // Doubling stops at the cap, which also keeps the shift from overflowing.
  for (unsigned i = 1; i < attempt && delay < cap; ++i)
    delay *= 2;
  return std::chrono::milliseconds(std::min<std::int64_t>(delay, cap));
}

std::chrono::milliseconds retry_policy::backoff(unsigned attempt, failure_class c) noexcept {
  auto const top = static_cast<std::uint64_t>(ceiling(attempt, c).count());
  // Multiply-shift maps 64 random bits onto [0, top] without the modulo bias
  // worth caring about, identically on every standard library.
  auto const wide = static_cast<unsigned __int128>(next()) * (top + 1);
  return std::chrono::milliseconds(static_cast<std::int64_t>(wide >> 64));
}

std::uint64_t retry_policy::next() noexcept {
  // splitmix64: tiny state, good spread, same sequence everywhere.
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t retry_policy::default_seed() noexcept {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

}  // namespace kinesys::engine
