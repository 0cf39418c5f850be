// Test that header file is self-contained.
#include "kinesys/detail/engine/retry_policy.hpp"

#include "kinesys/detail/engine/error.hpp"

#include <boost/asio/error.hpp>
#include <gtest/gtest.h>

using namespace kinesys::engine;
using namespace std::chrono_literals;

TEST(retry_policy, classifies_success_and_statuses) {
  EXPECT_EQ(classify(200), failure_class::none);
  EXPECT_EQ(classify(204), failure_class::none);
  EXPECT_EQ(classify(429), failure_class::throttling);
  EXPECT_EQ(classify(500), failure_class::transient);
  EXPECT_EQ(classify(503), failure_class::transient);
  EXPECT_EQ(classify(408), failure_class::transient);
  EXPECT_EQ(classify(400), failure_class::permanent);
  EXPECT_EQ(classify(403), failure_class::permanent);
  EXPECT_EQ(classify(404), failure_class::permanent);
  EXPECT_EQ(classify(413), failure_class::permanent);
}

TEST(retry_policy, aws_throttling_codes_turn_a_400_into_throttling) {
  for (auto code : {"ProvisionedThroughputExceededException", "ThrottlingException", "LimitExceededException",
                    "RequestLimitExceeded", "TooManyRequestsException",
                    "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                    "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/"}) {
    EXPECT_EQ(classify(400, {}, code), failure_class::throttling) << code;
    EXPECT_TRUE(is_throttling_error(code)) << code;
  }
  EXPECT_EQ(classify(400, {}, "ValidationException"), failure_class::permanent);
  EXPECT_EQ(classify(400, {}, "ResourceNotFoundException"), failure_class::permanent);
  EXPECT_EQ(classify(400, {}, "ConditionalCheckFailedException"), failure_class::permanent);
  EXPECT_FALSE(is_throttling_error("ValidationException"));
}

TEST(retry_policy, aws_server_fault_codes_are_transient) {
  EXPECT_EQ(classify(500, {}, "InternalFailure"), failure_class::transient);
  EXPECT_EQ(classify(400, {}, "ServiceUnavailable"), failure_class::transient);
}

TEST(retry_policy, classifies_transport_errors) {
  EXPECT_EQ(classify(0, make_error_code(errc::connection_reset)), failure_class::transient);
  EXPECT_EQ(classify(0, make_error_code(errc::request_timeout)), failure_class::transient);
  EXPECT_EQ(classify(0, make_error_code(errc::connect_timeout)), failure_class::transient);
  EXPECT_EQ(classify(0, make_error_code(errc::connection_refused)), failure_class::transient);
  EXPECT_EQ(classify(0, make_error_code(errc::dns_failure)), failure_class::transient);
  EXPECT_EQ(classify(0, make_error_code(errc::bad_response)), failure_class::transient);
  EXPECT_EQ(classify(0, make_error_code(errc::deadline_exceeded)), failure_class::transient);
  EXPECT_EQ(classify(0, boost::asio::error::connection_reset), failure_class::transient);
  EXPECT_EQ(classify(0, make_error_code(errc::certificate_rejected)), failure_class::permanent);
  EXPECT_EQ(classify(0, make_error_code(errc::tls_error)), failure_class::permanent);
  EXPECT_EQ(classify(0, make_error_code(errc::response_too_large)), failure_class::permanent);
  EXPECT_EQ(classify(0, make_error_code(errc::shutting_down)), failure_class::permanent);
  EXPECT_EQ(classify(0, boost::asio::error::operation_aborted), failure_class::permanent);
}

TEST(retry_policy, a_transport_error_wins_over_a_status) {
  EXPECT_EQ(classify(200, make_error_code(errc::connection_reset)), failure_class::transient);
}

TEST(retry_policy, retries_only_retryable_classes_and_stops_at_max_attempts) {
  retry_policy policy(retry_options{.max_attempts = 3}, 1);
  EXPECT_TRUE(policy.should_retry(failure_class::transient, 1));
  EXPECT_TRUE(policy.should_retry(failure_class::throttling, 2));
  EXPECT_FALSE(policy.should_retry(failure_class::transient, 3));
  EXPECT_FALSE(policy.should_retry(failure_class::permanent, 1));
  EXPECT_FALSE(policy.should_retry(failure_class::none, 1));
}

TEST(retry_policy, ceiling_doubles_from_the_base_up_to_max_delay) {
  retry_policy policy(retry_options{.base = 10ms, .throttling_base = 100ms, .max_delay = 1000ms}, 1);
  EXPECT_EQ(policy.ceiling(1), 10ms);
  EXPECT_EQ(policy.ceiling(2), 20ms);
  EXPECT_EQ(policy.ceiling(5), 160ms);
  EXPECT_EQ(policy.ceiling(8), 1000ms);
  EXPECT_EQ(policy.ceiling(1000), 1000ms);  // no overflow for absurd attempt numbers
  EXPECT_EQ(policy.ceiling(1, failure_class::throttling), 100ms);
  EXPECT_EQ(policy.ceiling(4, failure_class::throttling), 800ms);
}

TEST(retry_policy, backoff_stays_within_zero_and_the_ceiling_and_spreads_out) {
  retry_policy policy(retry_options{.base = 100ms, .max_delay = 10s}, 12345);
  for (unsigned attempt = 1; attempt <= 10; ++attempt) {
    auto lowest = std::chrono::milliseconds::max();
    auto highest = std::chrono::milliseconds::min();
    for (int i = 0; i < 2000; ++i) {
      auto const d = policy.backoff(attempt);
      ASSERT_GE(d, 0ms);
      ASSERT_LE(d, policy.ceiling(attempt));
      lowest = std::min(lowest, d);
      highest = std::max(highest, d);
    }
    // Full jitter uses the whole range, not just its top.
    EXPECT_LT(lowest, policy.ceiling(attempt) / 10) << attempt;
    EXPECT_GT(highest, policy.ceiling(attempt) * 9 / 10) << attempt;
  }
}

TEST(retry_policy, the_same_seed_gives_the_same_delays) {
  retry_policy a({}, 99), b({}, 99), c({}, 100);
  std::vector<std::chrono::milliseconds> da, db, dc;
  for (unsigned i = 1; i <= 8; ++i) {
    da.push_back(a.backoff(i));
    db.push_back(b.backoff(i));
    dc.push_back(c.backoff(i));
  }
  EXPECT_EQ(da, db);
  EXPECT_NE(da, dc);
}
