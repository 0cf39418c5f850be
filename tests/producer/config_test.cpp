// Test that header file is self-contained.
#include "kinesys/detail/producer/config.hpp"

#include <gtest/gtest.h>

namespace kinesys::producer {
namespace {

TEST(producer_config, defaults_are_the_kpl_defaults) {
  producer_config c;
  EXPECT_TRUE(c.aggregation_enabled);
  EXPECT_EQ(c.aggregation_max_count, 4294967295ULL);
  EXPECT_EQ(c.aggregation_max_size, 51200u);
  EXPECT_EQ(c.collection_max_count, 500u);
  EXPECT_EQ(c.collection_max_size, 5242880u);
  EXPECT_EQ(c.record_max_buffered_time, std::chrono::milliseconds(100));
  EXPECT_EQ(c.record_ttl, std::chrono::milliseconds(30000));
  EXPECT_EQ(c.rate_limit, 150u);
  EXPECT_EQ(c.max_connections, 24u);
  EXPECT_EQ(c.connect_timeout, std::chrono::milliseconds(6000));
  EXPECT_EQ(c.request_timeout, std::chrono::milliseconds(6000));
  EXPECT_FALSE(c.fail_if_throttled);
  EXPECT_EQ(c.compression, compression_codec::none);
  EXPECT_TRUE(c.validate());
}

TEST(producer_config, set_accepts_kpl_names_and_snake_case_names) {
  producer_config c;
  ASSERT_TRUE(c.set("AggregationMaxSize", "1048576"));
  EXPECT_EQ(c.aggregation_max_size, 1048576u);
  ASSERT_TRUE(c.set("collection_max_count", "10"));
  EXPECT_EQ(c.collection_max_count, 10u);
  ASSERT_TRUE(c.set("FailIfThrottled", "true"));
  EXPECT_TRUE(c.fail_if_throttled);
  ASSERT_TRUE(c.set("Compression", "zstd"));
  EXPECT_EQ(c.compression, compression_codec::zstd);
  ASSERT_TRUE(c.set("BackpressureMode", "fail"));
  EXPECT_EQ(c.backpressure, backpressure_mode::fail);
  ASSERT_TRUE(c.set("SpoolFsync", "always"));
  EXPECT_EQ(c.spool_fsync_policy, spool_fsync::always);
  ASSERT_TRUE(c.set("SpoolDirectory", "/var/spool/app"));
  EXPECT_EQ(c.spool_directory, std::filesystem::path("/var/spool/app"));
}

TEST(producer_config, durations_take_plain_milliseconds_or_a_unit) {
  producer_config c;
  ASSERT_TRUE(c.set("RecordMaxBufferedTime", "250"));
  EXPECT_EQ(c.record_max_buffered_time, std::chrono::milliseconds(250));
  ASSERT_TRUE(c.set("RecordTtl", "45s"));
  EXPECT_EQ(c.record_ttl, std::chrono::milliseconds(45000));
  ASSERT_TRUE(c.set("RecordTtl", "2m"));
  EXPECT_EQ(c.record_ttl, std::chrono::milliseconds(120000));
  ASSERT_TRUE(c.set("ConnectTimeout", "900ms"));
  EXPECT_EQ(c.connect_timeout, std::chrono::milliseconds(900));
}

TEST(producer_config, unknown_key_is_an_error_naming_the_key) {
  producer_config c;
  auto r = c.set("AggregationMaxSise", "10");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "AggregationMaxSise");
  EXPECT_EQ(r.error().reason, "unknown key");
}

TEST(producer_config, out_of_range_value_names_the_key_and_the_range) {
  producer_config c;
  auto r = c.set("CollectionMaxCount", "501");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "CollectionMaxCount");
  EXPECT_NE(r.error().reason.find("between 1 and 500"), std::string::npos) << r.error().reason;
  EXPECT_NE(r.error().reason.find("501"), std::string::npos);

  r = c.set("RecordTtl", "5");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "RecordTtl");
  EXPECT_NE(r.error().reason.find("ms"), std::string::npos);
}

// A core's record arena holds up to twice the limit: a larger one must be
// refused up front, not fail a put later.
TEST(producer_config, max_outstanding_records_beyond_what_a_core_can_hold_is_refused) {
  producer_config c;
  ASSERT_TRUE(c.set("MaxOutstandingRecords", std::to_string(max_outstanding_records_limit)));
  auto r = c.set("MaxOutstandingRecords", std::to_string(max_outstanding_records_limit + 1));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "MaxOutstandingRecords");
  EXPECT_NE(r.error().reason.find("8388608"), std::string::npos) << r.error().reason;
  c.max_outstanding_records = max_outstanding_records_limit + 1;  // set in code, caught by validate()
  auto v = c.validate();
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().key, "MaxOutstandingRecords");
}

TEST(producer_config, malformed_values_are_errors_that_quote_the_value) {
  producer_config c;
  auto r = c.set("AggregationEnabled", "yes");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("AggregationEnabled: expected true or false, got \"yes\""), std::string::npos);
  EXPECT_FALSE(c.set("RateLimit", "-5"));
  EXPECT_FALSE(c.set("RateLimit", "12abc"));
  EXPECT_FALSE(c.set("RecordTtl", "10 parsecs"));
  EXPECT_FALSE(c.set("Compression", "lz4"));
  EXPECT_FALSE(c.set("SpoolFsync", "sometimes"));
}

TEST(producer_config, validate_checks_fields_set_directly_and_cross_key_rules) {
  producer_config c;
  c.collection_max_count = 0;
  auto r = c.validate();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "CollectionMaxCount");

  producer_config d;
  d.retry_base_delay = std::chrono::milliseconds(500);
  d.retry_max_delay = std::chrono::milliseconds(100);
  r = d.validate();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "RetryMaxDelay");

  producer_config e;
  e.producer_id = "has:colon";
  ASSERT_FALSE(e.validate());
  EXPECT_EQ(e.validate().error().key, "ProducerId");
}

TEST(producer_config, every_documented_key_can_be_set_from_its_default_text) {
  // Each key accepts some value: a guard against a key in the table that
  // set() cannot reach.
  for (auto name : producer_config::key_names()) {
    producer_config c;
    auto r = c.set(name, "definitely-not-valid-§");
    bool free_text = name == "Region" || name == "KinesisEndpoint" || name == "ProducerId" || name == "SpoolDirectory";
    EXPECT_EQ(static_cast<bool>(r), free_text) << name;
    if (!r) {
      EXPECT_EQ(r.error().key, name);
    }
  }
}

}  // namespace
}  // namespace kinesys::producer
