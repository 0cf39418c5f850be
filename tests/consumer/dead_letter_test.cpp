// Test that header file is self-contained.
#include <kinesys/detail/consumer/dead_letter.hpp>

#include <gtest/gtest.h>

namespace kc = kinesys::consumer;

TEST(dead_letter, round_trips_through_one_ndjson_line_with_binary_data)
{
  kc::dead_letter d;
  d.reason = "write_rejected";
  d.error = "ValidationException: \"quoted\"\nline";
  d.stream = "events";
  d.shard = "shardId-000000000001";
  d.sequence = "49590338271490256608559692538361571095921575989136588898";
  d.sub_sequence = 3;
  d.partition_key = "device-7";
  d.arrival_ms = 1714564800123;
  d.table = "readings";
  d.attempts = 11;
  d.time_ms = 1714564801000;
  d.data = std::string("\x00\xff{\"a\":1}", 9);
  auto line = kc::to_ndjson(d);
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // one line, whatever the error text holds
  EXPECT_EQ(kc::parse_dead_letter(line).value(), d);
}

TEST(dead_letter, a_bad_line_says_which_field)
{
  std::string problem;
  EXPECT_FALSE(kc::parse_dead_letter("{\"partition_key\":\"k\"}", &problem));
  EXPECT_EQ(problem, "data: missing");
  EXPECT_FALSE(kc::parse_dead_letter("{\"partition_key\":\"k\",\"data\":\"!!\"}", &problem));
  EXPECT_NE(problem.find("data:"), std::string::npos);
  EXPECT_FALSE(kc::parse_dead_letter("[]", &problem));
  EXPECT_EQ(problem, "not a JSON object");
  EXPECT_FALSE(kc::parse_dead_letter("{\"partition_key\":5,\"data\":\"\"}", &problem));
  EXPECT_EQ(problem, "partition_key: wrong type");
}
