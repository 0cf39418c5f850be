#include <kinesys/detail/local/dispatcher.hpp>

#include "local_test_support.hpp"

#include <gtest/gtest.h>

namespace kinesys::local::test {
namespace {

TEST(dispatcher, routes_each_stream_to_one_core_and_tables_to_theirs)
{
  local_options o;
  o.cores = 3;
  local_model m(o);
  std::set<std::size_t> used;
  for (int i = 0; i < 12; ++i) {
    std::string name = "s" + std::to_string(i);
    std::string body = R"({"StreamName":")" + name + R"(","ShardCount":1})";
    ASSERT_TRUE(m.kinesis("CreateStream", body).ok());
    std::string put = R"({"StreamName":")" + name + R"(","Data":"AA==","PartitionKey":"k"})";
    std::size_t const core = m.model().owner("Kinesis_20131202.PutRecord", put);
    EXPECT_EQ(core, m.model().stream_core(name));
    used.insert(core);
  }
  EXPECT_GT(used.size(), 1u);  // twelve names spread over three cores
  std::string body = R"({"TableName":"abc"})";
  EXPECT_EQ(m.model().owner("DynamoDB_20120810.DescribeTable", body), m.model().table_core());
  EXPECT_EQ(m.kinesis("ListStreams", "{}")["StreamNames"].get_array().value().size(), 12u);
}

TEST(dispatcher, answers_in_each_protocol_with_its_error_shape)
{
  auto k = dispatcher::error_reply("Kinesis_20131202.PutRecord", {errc::resource_not_found, "gone"});
  EXPECT_EQ(k.status, 400u);
  EXPECT_EQ(k.content_type(), "application/x-amz-json-1.1");
  EXPECT_EQ(k.body, R"({"__type":"ResourceNotFoundException","message":"gone"})");
  auto d = dispatcher::error_reply("DynamoDB_20120810.GetItem", {errc::internal_failure, ""});
  EXPECT_EQ(d.status, 500u);
  EXPECT_EQ(d.content_type(), "application/x-amz-json-1.0");
  EXPECT_EQ(d.body, R"({"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError"})");
  auto extra = dispatcher::error_reply("DynamoDB_20120810.PutItem", {errc::conditional_check_failed, "no", R"(,"Item":{})"});
  EXPECT_EQ(extra.body, R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"no","Item":{}})");
}

TEST(dispatcher, refuses_targets_it_does_not_know)
{
  local_model m;
  EXPECT_EQ(m.call("Firehose_20150804.PutRecord", "{}").error_type, "UnknownOperationException");
  EXPECT_EQ(m.call("", "{}").error_type, "UnknownOperationException");
  EXPECT_EQ(m.dynamo("DescribeBackup", "{}").error_type, "UnknownOperationException");
}

}  // namespace
}  // namespace kinesys::local::test
