// Test that header file is self-contained.
#include "metrics.hpp"

#include <gtest/gtest.h>

namespace kinesys::producer {
namespace {

TEST(metrics, cores_are_summed_into_a_snapshot) {
  detail::core_metrics a, b;
  a.user_records_put.add(5);
  b.user_records_put.add(7);
  a.retries.add(3);
  a.error("ProvisionedThroughputExceededException", 2);
  b.error("ProvisionedThroughputExceededException");
  b.error("SomethingNew");
  a.buffering(40);
  b.buffering(90);
  metrics_snapshot m;
  a.add_to(m);
  b.add_to(m);
  EXPECT_EQ(m.user_records_put, 12u);
  EXPECT_EQ(m.all_errors, 4u);
  EXPECT_EQ(m.buffering_time_ms_max, 90u);
  EXPECT_EQ(m.buffering_time_count, 2u);
  EXPECT_DOUBLE_EQ(m.retries_per_record(), 3.0 / 12.0);
  ASSERT_EQ(m.errors_by_code.size(), 2u);
  EXPECT_EQ(m.errors_by_code[0], (std::pair<std::string, std::uint64_t>{"ProvisionedThroughputExceededException", 3}));
  EXPECT_EQ(m.errors_by_code[1], (std::pair<std::string, std::uint64_t>{"Other", 1}));
}

TEST(metrics, prometheus_text_has_help_type_and_values) {
  metrics_snapshot m;
  m.user_records_put = 42;
  m.errors_by_code.emplace_back("InternalFailure", 3);
  m.buffering_time_ms_sum = 1500;
  m.buffering_time_count = 10;
  std::string text = to_prometheus(m);
  EXPECT_NE(text.find("# TYPE kinesys_producer_user_records_put_total counter\n"
                      "kinesys_producer_user_records_put_total 42\n"),
            std::string::npos);
  EXPECT_NE(text.find("kinesys_producer_errors_by_code_total{code=\"InternalFailure\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("kinesys_producer_buffering_time_seconds_sum 1.5"), std::string::npos);
  EXPECT_NE(text.find("kinesys_producer_buffering_time_seconds_count 10\n"), std::string::npos);
  // Every sample line belongs to a declared metric family.
  EXPECT_EQ(text.back(), '\n');
}

}  // namespace
}  // namespace kinesys::producer
