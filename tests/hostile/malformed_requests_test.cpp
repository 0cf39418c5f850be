// Oversized and malformed requests: limits answer 431 / 413 and close,
// bodies that are not the JSON a call needs (invalid UTF-8, nesting deeper
// than any parser should follow, wrong types, truncation) answer a 400-class
// AWS error — and the server goes on serving.
#include <kinesys/local.hpp>

#include "hostile_support.hpp"

#include <gtest/gtest.h>

#include <cstdio>

namespace kinesys::hostile {
namespace {

using local::local_options;
using local::local_server;
using local::test::aws_call;

template <std::size_t N>
std::string bytes(char const (&literal)[N])
{
  return std::string(literal, N - 1);  // keeps embedded NULs
}

bool serves(std::uint16_t port) { return aws_call(port, "Kinesis_20131202.ListStreams", "{}").status == 200; }

TEST(hostile, an_oversized_header_is_refused_with_431)
{
  local_server server{local_options{}};
  auto port = server.start().value();
  auto r = send_and_read(port, "POST / HTTP/1.1\r\nHost: x\r\nX-Junk: " + std::string(20000, 'j') + "\r\n\r\n");
  EXPECT_EQ(r.status(), 431u) << r.bytes.substr(0, 200);
  EXPECT_TRUE(r.closed);
  // Many small fields add up the same way.
  std::string many = "POST / HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 2000; ++i) many += "X-F" + std::to_string(i) + ": v\r\n";
  auto r2 = send_and_read(port, many + "\r\n");
  EXPECT_EQ(r2.status(), 431u);
  EXPECT_TRUE(serves(port));
}

TEST(hostile, an_oversized_body_is_refused_with_413_by_length_or_while_chunked)
{
  local_server server{local_options{}};
  auto port = server.start().value();
  auto declared = send_and_read(port, "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Kinesis_20131202.PutRecords\r\n"
                                 "Content-Length: 1073741824\r\n\r\n{");
  EXPECT_EQ(declared.status(), 413u) << declared.bytes.substr(0, 200);
  EXPECT_TRUE(declared.closed);

  // No length given: the limit applies while the chunks arrive.
  int fd = connect_loopback(port);
  ASSERT_GE(fd, 0);
  send_all(fd, "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Kinesis_20131202.PutRecords\r\nTransfer-Encoding: chunked\r\n\r\n");
  std::string const chunk = "100000\r\n" + std::string(0x100000, 'x') + "\r\n";
  int chunks_sent = 0;
  for (; chunks_sent < 16; ++chunks_sent)
    if (!send_all(fd, chunk)) break;  // the server may close before we finish
  auto r = read_until_close(fd, 10s);
  ::close(fd);
  // The server answers 413 once 8 MiB have arrived and closes; the close
  // may reset our unread side first, so an empty answer counts if the
  // server stopped taking bytes before we finished.
  EXPECT_TRUE(r.closed);
  EXPECT_TRUE(r.status() == 413u || (r.bytes.empty() && chunks_sent < 16))
      << "after " << chunks_sent << " MiB: " << r.bytes.substr(0, 200);
  EXPECT_TRUE(serves(port));
}

TEST(hostile, garbage_instead_of_http_is_refused_and_closed)
{
  local_options o;
  o.connections.header_timeout = 1s;  // what is not refused at once times out
  local_server server(o);
  auto port = server.start().value();
  std::vector<std::string> const garbage = {
      bytes("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"),  // a TLS ClientHello
      "GET / HTTP/9.9\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      bytes("POST / HTTP/1.1\r\nHost: \0\r\n\r\n"),
      "\r\n\r\n\r\n",
  };
  for (auto const& g : garbage) {
    auto r = send_and_read(port, g, 5s);
    EXPECT_TRUE(r.closed) << "kept open after " << testing::PrintToString(g);
    if (r.status() != 0) {
      EXPECT_GE(r.status(), 400u) << testing::PrintToString(g);
    }
  }
  EXPECT_TRUE(serves(port));
}

std::string nested(std::size_t depth, char open, char close, std::string_view inner = "")
{
  return std::string(depth, open) + std::string(inner) + std::string(depth, close);
}

TEST(hostile, hostile_json_bodies_get_a_400_class_error_never_a_crash)
{
  local_server server{local_options{}};
  auto port = server.start().value();
  ASSERT_EQ(aws_call(port, "Kinesis_20131202.CreateStream", R"({"StreamName":"s","ShardCount":1})").status, 200u);
  ASSERT_EQ(aws_call(port, "DynamoDB_20120810.CreateTable",
                     R"({"TableName":"tbl","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}],)"
                     R"("KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"})")
                .status,
            200u);

  std::vector<std::string> const bodies = {
      "",
      "null",
      "[]",
      "{",
      "{\"StreamName\":",
      "\"just a string\"",
      std::string("{\"StreamName\":\"\xff\xfe\xfd\"}"),                        // invalid UTF-8
      std::string("{\"StreamName\":\"s\",\"PartitionKey\":\"\xc0\xaf\",\"Data\":\"aGk=\"}"),  // overlong encoding
      std::string("{\"TableName\":\"tbl\",\"Item\":{\"k\":{\"S\":\"\xed\xa0\x80\"}}}"),         // a UTF-16 surrogate
      bytes("{\"StreamName\":\"s\0\",\"ShardCount\":1}"),            // NUL inside
      nested(100000, '[', ']'),
      "{\"a\":" + nested(50000, '{', '}', "") + "}",
      "{\"TableName\":\"tbl\",\"Item\":{\"k\":{\"S\":\"x\"},\"deep\":" + nested(5000, '[', ']') + "}}",
      "{\"TableName\":\"tbl\",\"Item\":{\"k\":{\"S\":\"x\"},\"m\":" + [] {
        std::string s;
        for (int i = 0; i < 3000; ++i) s += "{\"M\":{\"a\":";
        s += "{\"S\":\"x\"}";
        for (int i = 0; i < 3000; ++i) s += "}}";
        return s;
      }() + "}}",
      "{\"StreamName\":12345,\"ShardCount\":\"many\"}",
      "{\"StreamName\":\"s\",\"ShardCount\":1e400}",
      "{\"StreamName\":\"s\",\"Limit\":-99999999999999999999999}",
      "{\"StreamName\":\"s\",\"Records\":[" + std::string(10000, '{') + "]}",
      "{\"StreamName\":\"s\",\"Records\":[{\"Data\":\"!!!not base64\",\"PartitionKey\":\"p\"}]}",
      "{\"StreamName\":\"s\",\"ShardId\":\"shardId-000000000000\",\"ShardIteratorType\":\"AT_SEQUENCE_NUMBER\","
      "\"StartingSequenceNumber\":\"999999999999999999999999999999999999999999999999999999999999\"}",
      "{\"ShardIterator\":\"" + std::string(4000, 'A') + "\"}",
      "{\"TableName\":\"tbl\",\"Key\":{\"k\":{\"S\":\"x\"}},\"UpdateExpression\":\"SET " + std::string(5000, '(') + "\"}",
      "{\"TableName\":\"tbl\",\"KeyConditionExpression\":\"k = :v AND (((((((\",\"ExpressionAttributeValues\":{\":v\":{\"S\":\"x\"}}}",
      "{\"TableName\":\"tbl\",\"Item\":{\"k\":{\"N\":\"1e999999999\"}}}",
      "{\"RequestItems\":{\"tbl\":[" + [] {
        std::string s;
        for (int i = 0; i < 1000; ++i) s += std::string(i ? "," : "") + "{\"PutRequest\":{\"Item\":{\"k\":{\"S\":\"x\"}}}}";
        return s;
      }() + "]}}",
      "{\"TransactItems\":[{\"Put\":{\"TableName\":\"tbl\",\"Item\":{\"k\":{\"S\":\"a\"}}}},"
      "{\"Put\":{\"TableName\":\"tbl\",\"Item\":{\"k\":{\"S\":\"a\"}}}}]}",
  };
  std::vector<std::string> const targets = {
      "Kinesis_20131202.CreateStream",     "Kinesis_20131202.PutRecord",   "Kinesis_20131202.PutRecords",
      "Kinesis_20131202.GetShardIterator", "Kinesis_20131202.GetRecords",  "Kinesis_20131202.ListShards",
      "Kinesis_20131202.SplitShard",       "Kinesis_20131202.DescribeStreamSummary",
      "DynamoDB_20120810.PutItem",         "DynamoDB_20120810.UpdateItem", "DynamoDB_20120810.Query",
      "DynamoDB_20120810.BatchWriteItem",  "DynamoDB_20120810.TransactWriteItems",
      "DynamoDB_20120810.CreateTable",     "Kinesis_20131202.NoSuchCall",  "NotAService.Nothing",
  };
  int requests = 0, refused = 0;
  for (auto const& target : targets) {
    for (auto const& body : bodies) {
      auto a = aws_call(port, target, body);
      ++requests;
      ASSERT_TRUE(a.complete) << target << " with " << testing::PrintToString(body.substr(0, 80)) << ": no whole answer";
      // Some of these are valid for some calls (a whole PutRecord): only
      // a 5xx or a broken answer is a failure.
      EXPECT_LT(a.status, 500u) << target << " " << testing::PrintToString(body.substr(0, 80)) << ": " << a.body;
      if (a.status >= 400) {
        ++refused;
        EXPECT_NE(a.body.find("\"__type\""), std::string::npos) << a.body;
      } else {
        std::printf("accepted: %s %s\n", target.c_str(), testing::PrintToString(body.substr(0, 80)).c_str());
      }
    }
  }
  std::printf("%d hostile bodies, %d refused with a 4xx AWS error\n", requests, refused);
  EXPECT_GT(refused, requests * 9 / 10);
  EXPECT_TRUE(serves(port));
}

}  // namespace
}  // namespace kinesys::hostile
