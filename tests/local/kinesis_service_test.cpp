// The Kinesis API of kinesys-local, driven through the dispatcher with a
// manual clock: streams, records, iterators, limits and resharding.
#include "kinesis/kinesis_service.hpp"

#include "local_test_support.hpp"

#include <kinesys/detail/codecs/base64.hpp>

#include <gtest/gtest.h>

#include <set>

namespace kinesys::local::test {
namespace {

std::string b64(std::string_view s) { return codecs::base64_encode(s); }

std::string put_records_body(std::string_view stream, int n, std::size_t data_bytes, std::string_view key_prefix = "k")
{
  std::string body = R"({"StreamName":")" + std::string(stream) + R"(","Records":[)";
  std::string const data = b64(std::string(data_bytes, 'x'));
  for (int i = 0; i < n; ++i) {
    if (i) body += ",";
    body += R"({"Data":")" + data + R"(","PartitionKey":")" + std::string(key_prefix) + std::to_string(i) + "\"}";
  }
  return body + "]}";
}

class kinesis_api : public ::testing::Test {
protected:
  answer create(std::string_view name, int shards)
  {
    return m.kinesis("CreateStream", R"({"StreamName":")" + std::string(name) + R"(","ShardCount":)" + std::to_string(shards) + "}");
  }
  std::string iterator(std::string_view stream, std::string_view shard, std::string_view type, std::string_view extra = "")
  {
    auto a = m.kinesis("GetShardIterator", R"({"StreamName":")" + std::string(stream) + R"(","ShardId":")" + std::string(shard) +
                                              R"(","ShardIteratorType":")" + std::string(type) + "\"" + std::string(extra) + "}");
    EXPECT_TRUE(a.ok()) << a.body;
    return str(a["ShardIterator"]);
  }
  local_model m;
};

TEST_F(kinesis_api, creates_a_stream_and_describes_its_shards)
{
  ASSERT_TRUE(create("s1", 3).ok());
  auto d = m.kinesis("DescribeStreamSummary", R"({"StreamName":"s1"})");
  ASSERT_TRUE(d.ok()) << d.body;
  EXPECT_EQ(int64_t(d["StreamDescriptionSummary"]["OpenShardCount"]), 3);
  auto s = m.kinesis("DescribeStream", R"({"StreamName":"s1"})");
  auto shards = s["StreamDescription"]["Shards"].get_array().value();
  ASSERT_EQ(shards.size(), 3u);
  EXPECT_EQ(str(shards.at(0)["HashKeyRange"]["StartingHashKey"]), "0");
  EXPECT_EQ(str(shards.at(0)["HashKeyRange"]["EndingHashKey"]), "113427455640312821154458202477256070484");
  EXPECT_EQ(str(shards.at(2)["HashKeyRange"]["EndingHashKey"]), "340282366920938463463374607431768211455");
}

TEST_F(kinesis_api, refuses_a_second_stream_with_the_same_name)
{
  ASSERT_TRUE(create("dup", 1).ok());
  auto again = create("dup", 1);
  EXPECT_EQ(again.error_type, "ResourceInUseException");
  EXPECT_EQ(again.message(), "Stream dup under account 000000000000 already exists.");
}

TEST_F(kinesis_api, names_the_violated_constraint_of_a_bad_stream_name)
{
  auto a = m.kinesis("CreateStream", R"({"StreamName":"bad name","ShardCount":1})");
  EXPECT_EQ(a.error_type, "ValidationException");
  EXPECT_EQ(a.message(), "1 validation error detected: Value 'bad name' at 'streamName' failed to satisfy constraint: "
                         "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
  auto b = m.kinesis("CreateStream", R"({"StreamName":"x"})");
  EXPECT_EQ(b.error_type, "ValidationException");
}

TEST_F(kinesis_api, answers_a_missing_stream_with_resource_not_found)
{
  auto a = m.kinesis("PutRecord", R"({"StreamName":"nope","Data":"AA==","PartitionKey":"a"})");
  EXPECT_EQ(a.error_type, "ResourceNotFoundException");
  EXPECT_EQ(a.message(), "Stream nope under account 000000000000 not found.");
  EXPECT_NE(a.body.find("\"__type\":\"ResourceNotFoundException\""), std::string::npos);
}

TEST_F(kinesis_api, reads_back_what_was_put_in_order)
{
  ASSERT_TRUE(create("r", 1).ok());
  std::vector<std::string> seqs;
  for (int i = 0; i < 5; ++i) {
    auto p = m.kinesis("PutRecord", R"({"StreamName":"r","Data":")" + b64("rec" + std::to_string(i)) + R"(","PartitionKey":"pk"})");
    ASSERT_TRUE(p.ok()) << p.body;
    EXPECT_EQ(str(p["ShardId"]), "shardId-000000000000");
    seqs.push_back(str(p["SequenceNumber"]));
  }
  EXPECT_TRUE(std::is_sorted(seqs.begin(), seqs.end()));
  auto g = m.kinesis("GetRecords", R"({"ShardIterator":")" + iterator("r", "shardId-000000000000", "TRIM_HORIZON") + "\"}");
  ASSERT_TRUE(g.ok()) << g.body;
  auto records = g["Records"].get_array().value();
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(str(records.at(2)["Data"]), b64("rec2"));
  EXPECT_EQ(str(records.at(2)["PartitionKey"]), "pk");
  EXPECT_EQ(str(records.at(2)["SequenceNumber"]), seqs[2]);
  EXPECT_EQ(int64_t(g["MillisBehindLatest"]), 0);
  // The next iterator continues after the last record.
  auto next = m.kinesis("GetRecords", R"({"ShardIterator":")" + str(g["NextShardIterator"]) + "\"}");
  EXPECT_EQ(next["Records"].get_array().value().size(), 0u);
}

TEST_F(kinesis_api, put_records_at_three_times_a_shards_record_rate_fails_two_thirds)
{
  ASSERT_TRUE(create("t", 1).ok());
  // 3,000 small records within one instant: the shard admits 1,000.
  std::int64_t failed = 0, ok = 0;
  for (int batch = 0; batch < 6; ++batch) {
    auto a = m.kinesis("PutRecords", put_records_body("t", 500, 10));
    ASSERT_TRUE(a.ok()) << a.body;
    failed += int64_t(a["FailedRecordCount"]);
    for (auto r : simdjson::dom::array(a["Records"].get_array().value())) {
      std::string_view code;
      if (!r["ErrorCode"].get(code)) {
        EXPECT_EQ(code, "ProvisionedThroughputExceededException");
        EXPECT_EQ(str(r["ErrorMessage"]), "Rate exceeded for shard shardId-000000000000 in stream t under account 000000000000.");
      } else {
        ++ok;
      }
    }
  }
  EXPECT_EQ(ok, 1000);
  EXPECT_EQ(failed, 2000);
  // A second later the budget is back.
  m.clock().advance(std::chrono::seconds(1));
  auto later = m.kinesis("PutRecords", put_records_body("t", 500, 10));
  EXPECT_EQ(int64_t(later["FailedRecordCount"]), 0);
}

TEST_F(kinesis_api, put_records_at_three_times_a_shards_byte_rate_fails_two_thirds)
{
  ASSERT_TRUE(create("b", 1).ok());
  // 3 MiB in 100 KiB records (plus 2-byte keys) within one instant.
  std::int64_t failed = 0;
  for (int batch = 0; batch < 3; ++batch) {
    auto a = m.kinesis("PutRecords", put_records_body("b", 10, 100 * 1024 - 2, "a"));
    ASSERT_TRUE(a.ok()) << a.body;
    failed += int64_t(a["FailedRecordCount"]);
  }
  EXPECT_EQ(failed, 20);
}

TEST_F(kinesis_api, put_record_over_the_limit_fails_with_throughput_exceeded)
{
  ASSERT_TRUE(create("p", 1).ok());
  auto big = b64(std::string(600 * 1024, 'z'));
  EXPECT_TRUE(m.kinesis("PutRecord", R"({"StreamName":"p","Data":")" + big + R"(","PartitionKey":"a"})").ok());
  auto second = m.kinesis("PutRecord", R"({"StreamName":"p","Data":")" + big + R"(","PartitionKey":"a"})");
  EXPECT_EQ(second.error_type, "ProvisionedThroughputExceededException");
}

TEST_F(kinesis_api, limits_can_be_switched_off)
{
  local_options o;
  o.kinesis.throttle = false;
  local_model unlimited(o);
  ASSERT_TRUE(unlimited.kinesis("CreateStream", R"({"StreamName":"u","ShardCount":1})").ok());
  std::int64_t failed = 0;
  for (int i = 0; i < 4; ++i) failed += int64_t(unlimited.kinesis("PutRecords", put_records_body("u", 500, 10))["FailedRecordCount"]);
  EXPECT_EQ(failed, 0);
}

TEST_F(kinesis_api, a_sixth_get_records_within_a_second_is_throttled)
{
  ASSERT_TRUE(create("g", 1).ok());
  auto it = iterator("g", "shardId-000000000000", "TRIM_HORIZON");
  for (int i = 0; i < 5; ++i) {
    auto a = m.kinesis("GetRecords", R"({"ShardIterator":")" + it + "\"}");
    ASSERT_TRUE(a.ok()) << a.body;
    it = str(a["NextShardIterator"]);
  }
  auto sixth = m.kinesis("GetRecords", R"({"ShardIterator":")" + it + "\"}");
  EXPECT_EQ(sixth.error_type, "ProvisionedThroughputExceededException");
  m.clock().advance(std::chrono::milliseconds(250));
  EXPECT_TRUE(m.kinesis("GetRecords", R"({"ShardIterator":")" + it + "\"}").ok());
}

TEST_F(kinesis_api, a_large_read_blocks_the_shard_until_the_byte_budget_recovers)
{
  local_options o;
  o.kinesis.shard_write_bytes_per_second = 64 * 1024 * 1024;  // fill fast, read under the default read limit
  local_model lm(o);
  ASSERT_TRUE(lm.kinesis("CreateStream", R"({"StreamName":"big","ShardCount":1})").ok());
  for (int i = 0; i < 8; ++i)
    ASSERT_TRUE(lm.kinesis("PutRecords", put_records_body("big", 10, 100 * 1024)).ok());  // 8 MB
  auto it = str(lm.kinesis("GetShardIterator", R"({"StreamName":"big","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"})")["ShardIterator"]);
  auto first = lm.kinesis("GetRecords", R"({"ShardIterator":")" + it + "\"}");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first["Records"].get_array().value().size(), 80u);
  auto next = str(first["NextShardIterator"]);
  lm.clock().advance(std::chrono::seconds(1));
  EXPECT_EQ(lm.kinesis("GetRecords", R"({"ShardIterator":")" + next + "\"}").error_type, "ProvisionedThroughputExceededException");
  lm.clock().advance(std::chrono::seconds(3));
  EXPECT_TRUE(lm.kinesis("GetRecords", R"({"ShardIterator":")" + next + "\"}").ok());
}

TEST_F(kinesis_api, an_iterator_expires_after_five_minutes)
{
  ASSERT_TRUE(create("e", 1).ok());
  auto it = iterator("e", "shardId-000000000000", "LATEST");
  m.clock().advance(std::chrono::minutes(5));
  EXPECT_TRUE(m.kinesis("GetRecords", R"({"ShardIterator":")" + it + "\"}").ok());
  m.clock().advance(std::chrono::milliseconds(1));
  auto expired = m.kinesis("GetRecords", R"({"ShardIterator":")" + it + "\"}");
  EXPECT_EQ(expired.error_type, "ExpiredIteratorException");
  EXPECT_NE(expired.message().find("Iterator expired. The iterator was created at time"), std::string::npos);
}

TEST_F(kinesis_api, refuses_a_damaged_iterator)
{
  auto a = m.kinesis("GetRecords", R"({"ShardIterator":"AAAAAAAAAAAAAAAA"})");
  EXPECT_EQ(a.error_type, "InvalidArgumentException");
  EXPECT_EQ(a.message(), "Invalid ShardIterator.");
}

TEST_F(kinesis_api, iterator_types_start_where_they_say)
{
  ASSERT_TRUE(create("i", 1).ok());
  std::vector<std::string> seqs;
  for (int i = 0; i < 3; ++i) {
    seqs.push_back(str(m.kinesis("PutRecord", R"({"StreamName":"i","Data":")" + b64(std::to_string(i)) + R"(","PartitionKey":"k"})")["SequenceNumber"]));
    m.clock().advance(std::chrono::seconds(10));
  }
  auto count = [&](std::string const& it) { return m.kinesis("GetRecords", R"({"ShardIterator":")" + it + "\"}")["Records"].get_array().value().size(); };
  auto const shard = "shardId-000000000000";
  EXPECT_EQ(count(iterator("i", shard, "TRIM_HORIZON")), 3u);
  EXPECT_EQ(count(iterator("i", shard, "LATEST")), 0u);
  EXPECT_EQ(count(iterator("i", shard, "AT_SEQUENCE_NUMBER", R"(,"StartingSequenceNumber":")" + seqs[1] + "\"")), 2u);
  EXPECT_EQ(count(iterator("i", shard, "AFTER_SEQUENCE_NUMBER", R"(,"StartingSequenceNumber":")" + seqs[1] + "\"")), 1u);
  // The second record arrived 10 s after the first: start just after the first.
  auto const first_ts = 1'700'000'000.0 + 0.001;
  EXPECT_EQ(count(iterator("i", shard, "AT_TIMESTAMP", R"(,"Timestamp":)" + std::to_string(first_ts))), 2u);
  auto wrong = m.kinesis("GetShardIterator", R"({"StreamName":"i","ShardId":"shardId-000000000000","ShardIteratorType":"LATEST","StartingSequenceNumber":")" + seqs[0] + "\"}");
  EXPECT_EQ(wrong.error_type, "InvalidArgumentException");
}

TEST_F(kinesis_api, reports_how_far_behind_the_reader_is)
{
  ASSERT_TRUE(create("lag", 1).ok());
  ASSERT_TRUE(m.kinesis("PutRecords", put_records_body("lag", 3, 5)).ok());
  m.clock().advance(std::chrono::seconds(7));
  auto it = iterator("lag", "shardId-000000000000", "TRIM_HORIZON");
  auto a = m.kinesis("GetRecords", R"({"ShardIterator":")" + it + R"(","Limit":1})");
  EXPECT_EQ(a["Records"].get_array().value().size(), 1u);
  EXPECT_EQ(int64_t(a["MillisBehindLatest"]), 7000);
}

TEST_F(kinesis_api, validates_put_records_entries)
{
  ASSERT_TRUE(create("v", 1).ok());
  auto too_many = m.kinesis("PutRecords", put_records_body("v", 501, 1));
  EXPECT_EQ(too_many.error_type, "ValidationException");
  EXPECT_NE(too_many.message().find("Member must have length less than or equal to 500"), std::string::npos);
  auto long_key = m.kinesis("PutRecord", R"({"StreamName":"v","Data":"AA==","PartitionKey":")" + std::string(257, 'k') + "\"}");
  EXPECT_EQ(long_key.error_type, "ValidationException");
  auto too_big = m.kinesis("PutRecord", R"({"StreamName":"v","Data":")" + b64(std::string(1024 * 1024 + 1, 'x')) + R"(","PartitionKey":"k"})");
  EXPECT_EQ(too_big.error_type, "ValidationException");
  auto with_key = m.kinesis("PutRecord", R"({"StreamName":"v","Data":")" + b64(std::string(1024 * 1024, 'x')) + R"(","PartitionKey":"k"})");
  EXPECT_EQ(with_key.error_type, "InvalidArgumentException");
  auto bad_hash = m.kinesis("PutRecord", R"({"StreamName":"v","Data":"AA==","PartitionKey":"k","ExplicitHashKey":"340282366920938463463374607431768211456"})");
  EXPECT_EQ(bad_hash.error_type, "InvalidArgumentException");
  EXPECT_EQ(bad_hash.message(), "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was 340282366920938463463374607431768211456");
  auto request_too_big = m.kinesis("PutRecords", put_records_body("v", 6, 1000 * 1000));
  EXPECT_EQ(request_too_big.error_type, "InvalidArgumentException");
}

TEST_F(kinesis_api, explicit_hash_keys_route_to_the_shard_owning_them)
{
  ASSERT_TRUE(create("h", 2).ok());
  auto low = m.kinesis("PutRecord", R"({"StreamName":"h","Data":"AA==","PartitionKey":"k","ExplicitHashKey":"5"})");
  auto high = m.kinesis("PutRecord", R"({"StreamName":"h","Data":"AA==","PartitionKey":"k","ExplicitHashKey":"170141183460469231731687303715884105728"})");
  EXPECT_EQ(str(low["ShardId"]), "shardId-000000000000");
  EXPECT_EQ(str(high["ShardId"]), "shardId-000000000001");
}

TEST_F(kinesis_api, split_closes_the_parent_and_children_continue_its_sequence)
{
  ASSERT_TRUE(create("sp", 1).ok());
  auto before = str(m.kinesis("PutRecord", R"({"StreamName":"sp","Data":"AA==","PartitionKey":"k"})")["SequenceNumber"]);
  auto parent_it = iterator("sp", "shardId-000000000000", "TRIM_HORIZON");
  auto split = m.kinesis("SplitShard", R"({"StreamName":"sp","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"170141183460469231731687303715884105728"})");
  ASSERT_TRUE(split.ok()) << split.body;
  auto shards_answer = m.kinesis("ListShards", R"({"StreamName":"sp"})");
  auto shards = shards_answer["Shards"].get_array().value();
  ASSERT_EQ(shards.size(), 3u);
  std::string_view ending;
  EXPECT_FALSE(shards.at(0)["SequenceNumberRange"]["EndingSequenceNumber"].get(ending));
  EXPECT_EQ(str(shards.at(1)["ParentShardId"]), "shardId-000000000000");
  EXPECT_EQ(str(shards.at(2)["ParentShardId"]), "shardId-000000000000");
  EXPECT_EQ(str(shards.at(1)["HashKeyRange"]["EndingHashKey"]), "170141183460469231731687303715884105727");
  auto after = str(m.kinesis("PutRecord", R"({"StreamName":"sp","Data":"AA==","PartitionKey":"k"})")["SequenceNumber"]);
  EXPECT_GT(after, before);
  EXPECT_GT(after, std::string(ending));
  // Reading the parent to its end yields its records, then its children and no next iterator.
  auto g = m.kinesis("GetRecords", R"({"ShardIterator":")" + parent_it + "\"}");
  ASSERT_TRUE(g.ok()) << g.body;
  EXPECT_EQ(g["Records"].get_array().value().size(), 1u);
  std::string_view next;
  EXPECT_TRUE(g["NextShardIterator"].get(next));  // absent
  auto children = g["ChildShards"].get_array().value();
  ASSERT_EQ(children.size(), 2u);
  EXPECT_EQ(str(children.at(0)["ParentShards"].at(0)), "shardId-000000000000");
  // A closed shard cannot be split again.
  auto again = m.kinesis("SplitShard", R"({"StreamName":"sp","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"1000"})");
  EXPECT_EQ(again.error_type, "ResourceInUseException");
}

TEST_F(kinesis_api, merge_requires_adjacent_open_shards)
{
  ASSERT_TRUE(create("mg", 3).ok());
  auto far = m.kinesis("MergeShards", R"({"StreamName":"mg","ShardToMerge":"shardId-000000000000","AdjacentShardToMerge":"shardId-000000000002"})");
  EXPECT_EQ(far.error_type, "InvalidArgumentException");
  auto ok = m.kinesis("MergeShards", R"({"StreamName":"mg","ShardToMerge":"shardId-000000000001","AdjacentShardToMerge":"shardId-000000000000"})");
  ASSERT_TRUE(ok.ok()) << ok.body;
  auto shards_answer = m.kinesis("ListShards", R"({"StreamName":"mg","ShardFilter":{"Type":"AT_LATEST"}})");
  auto shards = shards_answer["Shards"].get_array().value();
  ASSERT_EQ(shards.size(), 2u);
  EXPECT_EQ(str(shards.at(1)["ShardId"]), "shardId-000000000003");
  EXPECT_EQ(str(shards.at(1)["ParentShardId"]), "shardId-000000000001");
  EXPECT_EQ(str(shards.at(1)["AdjacentParentShardId"]), "shardId-000000000000");
  EXPECT_EQ(str(shards.at(1)["HashKeyRange"]["StartingHashKey"]), "0");
}

TEST_F(kinesis_api, update_shard_count_reaches_uniform_shards_with_at_most_two_parents_each)
{
  ASSERT_TRUE(create("u", 3).ok());
  auto a = m.kinesis("UpdateShardCount", R"({"StreamName":"u","TargetShardCount":5,"ScalingType":"UNIFORM_SCALING"})");
  ASSERT_TRUE(a.ok()) << a.body;
  EXPECT_EQ(int64_t(a["CurrentShardCount"]), 3);
  auto open_answer = m.kinesis("ListShards", R"({"StreamName":"u","ShardFilter":{"Type":"AT_LATEST"}})");
  auto open = open_answer["Shards"].get_array().value();
  ASSERT_EQ(open.size(), 5u);
  std::set<std::string> starts;
  for (auto s : open) starts.insert(str(s["HashKeyRange"]["StartingHashKey"]));
  EXPECT_TRUE(starts.contains("0"));
  EXPECT_TRUE(starts.contains("68056473384187692692674921486353642291"));  // 2^128 / 5
  // Every child has at most a parent and an adjacent parent; the lineage
  // ends in the uniform shards.
  auto all_answer = m.kinesis("ListShards", R"({"StreamName":"u"})");
  EXPECT_GT(all_answer["Shards"].get_array().value().size(), 5u);
  auto down = m.kinesis("UpdateShardCount", R"({"StreamName":"u","TargetShardCount":3,"ScalingType":"UNIFORM_SCALING"})");
  ASSERT_TRUE(down.ok()) << down.body;
  EXPECT_EQ(m.kinesis("ListShards", R"({"StreamName":"u","ShardFilter":{"Type":"AT_LATEST"}})")["Shards"].get_array().value().size(), 3u);
  auto too_far = m.kinesis("UpdateShardCount", R"({"StreamName":"u","TargetShardCount":7,"ScalingType":"UNIFORM_SCALING"})");
  EXPECT_EQ(too_far.error_type, "InvalidArgumentException");
}

TEST_F(kinesis_api, list_shards_pages_with_next_token)
{
  ASSERT_TRUE(create("ls", 5).ok());
  auto first = m.kinesis("ListShards", R"({"StreamName":"ls","MaxResults":2})");
  ASSERT_EQ(first["Shards"].get_array().value().size(), 2u);
  auto token = str(first["NextToken"]);
  ASSERT_FALSE(token.empty());
  auto both = m.kinesis("ListShards", R"({"StreamName":"ls","NextToken":")" + token + "\"}");
  EXPECT_EQ(both.error_type, "InvalidArgumentException");
  std::set<std::string> seen;
  for (auto s : simdjson::dom::array(first["Shards"].get_array().value())) seen.insert(str(s["ShardId"]));
  while (!token.empty()) {
    auto page = m.kinesis("ListShards", R"({"NextToken":")" + token + R"(","MaxResults":2})");
    ASSERT_TRUE(page.ok()) << page.body;
    for (auto s : simdjson::dom::array(page["Shards"].get_array().value())) seen.insert(str(s["ShardId"]));
    token = str(page["NextToken"]);
  }
  EXPECT_EQ(seen.size(), 5u);
}

TEST_F(kinesis_api, on_demand_streams_start_with_four_shards)
{
  auto a = m.kinesis("CreateStream", R"({"StreamName":"od","StreamModeDetails":{"StreamMode":"ON_DEMAND"}})");
  ASSERT_TRUE(a.ok()) << a.body;
  auto d = m.kinesis("DescribeStreamSummary", R"({"StreamName":"od"})");
  EXPECT_EQ(int64_t(d["StreamDescriptionSummary"]["OpenShardCount"]), 4);
  EXPECT_EQ(str(d["StreamDescriptionSummary"]["StreamModeDetails"]["StreamMode"]), "ON_DEMAND");
}

TEST_F(kinesis_api, lists_and_deletes_streams)
{
  ASSERT_TRUE(create("b1", 1).ok());
  ASSERT_TRUE(create("a1", 1).ok());
  auto l = m.kinesis("ListStreams", "{}");
  auto names = l["StreamNames"].get_array().value();
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(str(names.at(0)), "a1");
  ASSERT_TRUE(m.kinesis("DeleteStream", R"({"StreamName":"a1"})").ok());
  EXPECT_EQ(m.kinesis("ListStreams", "{}")["StreamNames"].get_array().value().size(), 1u);
  EXPECT_EQ(m.kinesis("DeleteStream", R"({"StreamName":"a1"})").error_type, "ResourceNotFoundException");
}

TEST_F(kinesis_api, unknown_operations_and_malformed_bodies_get_protocol_errors)
{
  EXPECT_EQ(m.kinesis("Frobnicate", "{}").error_type, "UnknownOperationException");
  EXPECT_EQ(m.kinesis("ListStreams", "{not json").error_type, "SerializationException");
  EXPECT_EQ(m.kinesis("CreateStream", R"({"StreamName":5,"ShardCount":1})").error_type, "SerializationException");
}

TEST_F(kinesis_api, shard_limit_is_enforced_account_wide)
{
  local_options o;
  o.kinesis.shard_limit = 4;
  local_model small(o);
  ASSERT_TRUE(small.kinesis("CreateStream", R"({"StreamName":"a","ShardCount":3})").ok());
  auto b = small.kinesis("CreateStream", R"({"StreamName":"b","ShardCount":2})");
  EXPECT_EQ(b.error_type, "LimitExceededException");
}

}  // namespace
}  // namespace kinesys::local::test

#include "common/base64_check.hpp"

namespace kinesys::local::test {
namespace {

TEST(base64_check, accepts_exactly_the_canonical_encodings)
{
  for (std::string bytes : {std::string(), std::string("a"), std::string("ab"), std::string("abc"), std::string("\xff\x00\x10", 3)}) {
    auto text = codecs::base64_encode(bytes);
    EXPECT_EQ(base64_decoded_length(text), bytes.size()) << text;
  }
  EXPECT_FALSE(base64_decoded_length("QR=="));   // unused bits set
  EXPECT_EQ(base64_decoded_length("QUI="), 2u);  // "AB"
  EXPECT_FALSE(base64_decoded_length("QUJ="));   // stray bits after "AB"
  EXPECT_FALSE(base64_decoded_length("QQ="));    // length
  EXPECT_FALSE(base64_decoded_length("Q Q="));
  EXPECT_FALSE(base64_decoded_length("Q=Q="));
  EXPECT_FALSE(base64_decoded_length("QUJD\n"));
}

TEST_F(kinesis_api, refuses_data_that_is_not_canonical_base64)
{
  ASSERT_TRUE(create("b64", 1).ok());
  EXPECT_EQ(m.kinesis("PutRecord", R"({"StreamName":"b64","Data":"QR==","PartitionKey":"k"})").error_type, "SerializationException");
  EXPECT_EQ(m.kinesis("PutRecords", R"({"StreamName":"b64","Records":[{"Data":"@@@@","PartitionKey":"k"}]})").error_type,
            "SerializationException");
}

}  // namespace
}  // namespace kinesys::local::test
