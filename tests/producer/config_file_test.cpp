// Test that header file is self-contained.
#include "kinesys/detail/producer/config.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include <unistd.h>

namespace kinesys::producer {
namespace {

TEST(config_file, toml_sets_typed_values) {
  auto r = producer_config::from_toml(R"(
AggregationEnabled = false
AggregationMaxSize = 102400
RecordMaxBufferedTime = 50
RecordTtl = "45s"
Compression = "zstd"
KinesisEndpoint = "http://127.0.0.1:4567"
)");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_FALSE(r->aggregation_enabled);
  EXPECT_EQ(r->aggregation_max_size, 102400u);
  EXPECT_EQ(r->record_max_buffered_time, std::chrono::milliseconds(50));
  EXPECT_EQ(r->record_ttl, std::chrono::milliseconds(45000));
  EXPECT_EQ(r->compression, compression_codec::zstd);
  EXPECT_EQ(r->kinesis_endpoint, "http://127.0.0.1:4567");
}

TEST(config_file, toml_unknown_key_is_refused_with_its_name) {
  auto r = producer_config::from_toml("RecordMaxBufferTime = 10\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "RecordMaxBufferTime");
  EXPECT_EQ(r.error().reason, "unknown key");
}

TEST(config_file, toml_tables_and_floats_are_refused) {
  auto r = producer_config::from_toml("[producer]\nRateLimit = 100\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "producer");
  r = producer_config::from_toml("RateLimit = 1.5\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "RateLimit");
  r = producer_config::from_toml("RateLimit = -1\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "RateLimit");
}

TEST(config_file, toml_syntax_error_reports_the_line) {
  auto r = producer_config::from_toml("RateLimit = 100\nRecordTtl = = 3\n");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().reason.find("line 2"), std::string::npos) << r.error().reason;
}

TEST(config_file, properties_read_like_the_kpl_default_config) {
  auto r = producer_config::from_properties(R"(# KPL-style file
AggregationEnabled = true
AggregationMaxCount=1000
! another comment style
CollectionMaxCount: 200
RecordMaxBufferedTime 250
RateLimit = 90
)");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->aggregation_max_count, 1000u);
  EXPECT_EQ(r->collection_max_count, 200u);
  EXPECT_EQ(r->record_max_buffered_time, std::chrono::milliseconds(250));
  EXPECT_EQ(r->rate_limit, 90u);
}

TEST(config_file, properties_error_names_key_reason_and_line) {
  auto r = producer_config::from_properties("RateLimit = 90\nMaxConnections = 0\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "MaxConnections");
  EXPECT_NE(r.error().reason.find("between 1 and 256"), std::string::npos);
  EXPECT_NE(r.error().reason.find("line 2"), std::string::npos);
}

TEST(config_file, from_file_picks_the_format_by_extension) {
  auto dir = std::filesystem::temp_directory_path() / ("kinesys-config-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "p.toml") << "RateLimit = 80\n";
    std::ofstream(dir / "p.properties") << "RateLimit = 70\n";
  }
  auto t = producer_config::from_file(dir / "p.toml");
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->rate_limit, 80u);
  auto p = producer_config::from_file(dir / "p.properties");
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->rate_limit, 70u);
  auto missing = producer_config::from_file(dir / "absent.toml");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().reason.find("absent.toml"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(config_file, a_file_that_breaks_a_cross_key_rule_is_refused) {
  auto r = producer_config::from_properties("RetryBaseDelay = 1000\nRetryMaxDelay = 10\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "RetryMaxDelay");
}

}  // namespace
}  // namespace kinesys::producer
