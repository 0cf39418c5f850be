// kinesys-local over real HTTP on loopback: SigV4 verification, fault
// injection through the admin endpoint, several cores, persistence across
// restarts, and the kinesys-local binary itself.
#include <kinesys/detail/local/local_server.hpp>

#include "child_process.hpp"
#include "http_test_client.hpp"

#include <kinesys/detail/codecs/base64.hpp>

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <csignal>
#include <thread>
#include <fstream>
#include <random>

namespace kinesys::local::test {
namespace {

namespace fs = std::filesystem;

bool has(http_answer const& a, std::string_view text) { return a.body.find(text) != std::string::npos; }

std::string b64(std::string_view s) { return codecs::base64_encode(s); }

/// The GetRecords answer for a shard of `stream`, read from TRIM_HORIZON.
http_answer read_shard(std::uint16_t port, std::string const& stream, std::string const& shard = "shardId-000000000000")
{
  auto it = aws_call(port, "Kinesis_20131202.GetShardIterator",
                     R"({"StreamName":")" + stream + R"(","ShardId":")" + shard + R"(","ShardIteratorType":"TRIM_HORIZON"})");
  auto start = it.body.find("\"ShardIterator\":\"") + 17;
  return aws_call(port, "Kinesis_20131202.GetRecords",
                  R"({"ShardIterator":")" + it.body.substr(start, it.body.find('"', start) - start) + "\"}");
}

int record_count(http_answer const& got)
{
  int records = 0;
  for (auto pos = got.body.find("\"SequenceNumber\""); pos != std::string::npos; pos = got.body.find("\"SequenceNumber\"", pos + 1)) ++records;
  return records;
}

struct temp_dir {
  fs::path path;
  temp_dir()
  {
    path = fs::temp_directory_path() / ("kinesys-local-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~temp_dir() { fs::remove_all(path); }
  static int& counter()
  {
    static int n = 0;
    return n;
  }
};

TEST(local_server, accepts_requests_signed_with_the_default_local_key)
{
  local_server server{local_options{}};
  auto port = server.start().value();
  auto created = aws_call(port, "Kinesis_20131202.CreateStream", R"({"StreamName":"s","ShardCount":1})");
  ASSERT_EQ(created.status, 200u) << created.body;
  auto put = aws_call(port, "Kinesis_20131202.PutRecord", R"({"StreamName":"s","Data":"aGk=","PartitionKey":"p"})");
  EXPECT_EQ(put.status, 200u);
  EXPECT_TRUE(has(put, "\"ShardId\":\"shardId-000000000000\""));
  EXPECT_NE(put.headers.find("application/x-amz-json-1.1"), std::string::npos);
  auto table = aws_call(port, "DynamoDB_20120810.ListTables", "{}");
  EXPECT_EQ(table.status, 200u);
  EXPECT_NE(table.headers.find("x-amz-crc32"), std::string::npos);
}

TEST(local_server, refuses_a_wrong_signature_key_or_clock)
{
  local_server server{local_options{}};
  auto port = server.start().value();
  auto bad_secret = aws_call(port, "Kinesis_20131202.ListStreams", "{}", signing{"kinesys-local", "wrong-secret", {}});
  EXPECT_EQ(bad_secret.status, 400u);
  EXPECT_TRUE(has(bad_secret, "\"__type\":\"InvalidSignatureException\"")) << bad_secret.body;
  auto bad_key = aws_call(port, "DynamoDB_20120810.ListTables", "{}", signing{"someone-else", "x", {}});
  EXPECT_EQ(bad_key.status, 400u);
  EXPECT_TRUE(has(bad_key, "com.amazon.coral.service#UnrecognizedClientException")) << bad_key.body;
  auto skewed = aws_call(port, "Kinesis_20131202.ListStreams", "{}", signing{"kinesys-local", "kinesys-local-secret", std::chrono::minutes(-6)});
  EXPECT_EQ(skewed.status, 400u);
  EXPECT_TRUE(has(skewed, "InvalidSignatureException")) << skewed.body;
  auto within = aws_call(port, "Kinesis_20131202.ListStreams", "{}", signing{"kinesys-local", "kinesys-local-secret", std::chrono::minutes(-4)});
  EXPECT_EQ(within.status, 200u) << within.body;
  auto unsigned_call = aws_call(port, "Kinesis_20131202.ListStreams", "{}", std::nullopt);
  EXPECT_EQ(unsigned_call.status, 403u);
  EXPECT_TRUE(has(unsigned_call, "MissingAuthenticationTokenException"));
}

TEST(local_server, accepts_configured_keys_and_unsigned_requests_with_no_auth)
{
  local_options o;
  o.auth.keys = {{"AKIDTEST", "test-secret"}};
  local_server keyed{o};
  auto port = keyed.start().value();
  EXPECT_EQ(aws_call(port, "Kinesis_20131202.ListStreams", "{}", signing{"AKIDTEST", "test-secret", {}}).status, 200u);
  EXPECT_EQ(aws_call(port, "Kinesis_20131202.ListStreams", "{}").status, 400u);  // the default key is not configured

  local_options open;
  open.auth.verify = false;
  local_server anyone{open};
  auto port2 = anyone.start().value();
  EXPECT_EQ(aws_call(port2, "Kinesis_20131202.ListStreams", "{}", std::nullopt).status, 200u);
}

// Refusals quote what the client sent; the answer stays valid JSON (and
// valid UTF-8) whatever those bytes were.
TEST(local_server, refusals_quoting_the_client_are_valid_json)
{
  local_server server{local_options{}};
  auto port = server.start().value();
  auto valid_object = [](std::string const& body) {
    simdjson::dom::parser parser;
    simdjson::dom::element e;
    return !parser.parse(simdjson::padded_string(body)).get(e) && e.is_object();
  };
  auto fault = admin_call(port, "POST", "/_kinesys/faults", R"({"no\"such\\fault":1})");
  EXPECT_EQ(fault.status, 400u);
  EXPECT_TRUE(valid_object(fault.body)) << fault.body;
  EXPECT_TRUE(has(fault, "no\\\"such")) << fault.body;  // named, escaped

  engine::http_request req;
  req.method = "POST";
  req.target = "/";
  req.body = "{}";
  req.headers.push_back({"Host", "127.0.0.1"});
  req.headers.push_back({"Content-Type", "application/x-amz-json-1.1"});
  req.headers.push_back({"X-Amz-Target", "Kinesis_20131202.ListStreams"});
  req.headers.push_back({"X-Amz-Date", "20231114T221320Z"});
  req.headers.push_back({"Authorization", "AWS4-HMAC-SHA256 Credential=kinesys-local/20231114/us-east-1/kinesis/"
                                          "aws4_request, Sig\xd1\xd1\xffnedHeaders=host, Signature=00"});
  req.headers.push_back({"Connection", "close"});
  auto refused = raw_post(port, req);
  EXPECT_EQ(refused.status, 400u);
  EXPECT_TRUE(valid_object(refused.body)) << refused.body;
}

TEST(local_server, injects_faults_set_through_the_admin_endpoint)
{
  local_server server{local_options{}};
  auto port = server.start().value();
  auto set = admin_call(port, "POST", "/_kinesys/faults", R"({"internal_failure":1,"seed":3})");
  ASSERT_EQ(set.status, 200u) << set.body;
  auto failed = aws_call(port, "Kinesis_20131202.ListStreams", "{}");
  EXPECT_EQ(failed.status, 500u);
  EXPECT_TRUE(has(failed, "\"__type\":\"InternalFailure\""));
  auto dynamo_failed = aws_call(port, "DynamoDB_20120810.ListTables", "{}");
  EXPECT_TRUE(has(dynamo_failed, "InternalServerError"));

  ASSERT_EQ(admin_call(port, "POST", "/_kinesys/faults", R"({"internal_failure":0,"throttle":1})").status, 200u);
  auto throttled = aws_call(port, "DynamoDB_20120810.ListTables", "{}");
  EXPECT_TRUE(has(throttled, "ProvisionedThroughputExceededException"));
  ASSERT_EQ(aws_call(port, "Kinesis_20131202.CreateStream", R"({"StreamName":"f","ShardCount":1})").status, 400u);  // throttled too

  ASSERT_EQ(admin_call(port, "POST", "/_kinesys/faults", R"({"throttle":0,"reset_before_response":1})").status, 200u);
  auto reset = aws_call(port, "Kinesis_20131202.ListStreams", "{}");
  EXPECT_TRUE(reset.connected);
  EXPECT_EQ(reset.status, 0u);  // no answer at all

  ASSERT_EQ(admin_call(port, "POST", "/_kinesys/faults", R"({"reset_before_response":0,"reset_mid_response":1})").status, 200u);
  auto torn = aws_call(port, "Kinesis_20131202.ListStreams", "{}");
  EXPECT_FALSE(torn.complete);

  ASSERT_EQ(admin_call(port, "POST", "/_kinesys/faults", R"({"reset_mid_response":0})").status, 200u);
  EXPECT_EQ(aws_call(port, "Kinesis_20131202.ListStreams", "{}").status, 200u);
  EXPECT_EQ(admin_call(port, "POST", "/_kinesys/faults", R"({"throttle":2})").status, 400u);
  auto current = admin_call(port, "GET", "/_kinesys/faults");
  EXPECT_TRUE(has(current, "\"reset_mid_response\":0"));
}

TEST(local_server, throttle_faults_fail_single_put_records_entries)
{
  local_options o;
  o.faults.throttle = 0.5;
  o.faults.seed = 11;
  local_server server{o};
  auto port = server.start().value();
  // CreateStream may itself be throttled by the fault: retry until it lands.
  for (int i = 0; i < 50 && aws_call(port, "Kinesis_20131202.CreateStream", R"({"StreamName":"pf","ShardCount":4})").status != 200; ++i) {}
  std::string body = R"({"StreamName":"pf","Records":[)";
  for (int i = 0; i < 100; ++i) body += std::string(i ? "," : "") + R"({"Data":"AA==","PartitionKey":"k)" + std::to_string(i) + "\"}";
  body += "]}";
  auto a = aws_call(port, "Kinesis_20131202.PutRecords", body);
  ASSERT_EQ(a.status, 200u) << a.body;
  auto pos = a.body.find("\"FailedRecordCount\":");
  ASSERT_NE(pos, std::string::npos);
  int failed = std::stoi(a.body.substr(pos + 20));
  EXPECT_GT(failed, 20);
  EXPECT_LT(failed, 80);
}

TEST(local_server, spreads_streams_over_cores_and_lists_them_all)
{
  local_options o;
  o.cores = 2;
  local_server server{o};
  auto port = server.start().value();
  for (int i = 0; i < 6; ++i) {
    std::string name = "stream" + std::to_string(i);
    ASSERT_EQ(aws_call(port, "Kinesis_20131202.CreateStream", R"({"StreamName":")" + name + R"(","ShardCount":1})").status, 200u);
    auto put = aws_call(port, "Kinesis_20131202.PutRecord", R"({"StreamName":")" + name + R"(","Data":")" + b64(name) + R"(","PartitionKey":"p"})");
    ASSERT_EQ(put.status, 200u) << put.body;
  }
  auto list = aws_call(port, "Kinesis_20131202.ListStreams", "{}");
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(has(list, "\"stream" + std::to_string(i) + "\"")) << list.body;
  // An iterator routes GetRecords to the core owning its stream.
  auto got = read_shard(port, "stream3");
  EXPECT_TRUE(has(got, b64("stream3"))) << got.body;
  EXPECT_TRUE(server.model().cores() == 2);
}

TEST(local_server, restart_with_a_data_dir_keeps_every_acknowledged_record_and_item)
{
  temp_dir dir;
  local_options o;
  o.persistence.data_dir = dir.path.string();
  o.persistence.fsync = fsync_policy::never;
  o.cores = 2;
  std::vector<std::string> sequence_numbers;
  {
    local_server server{o};
    auto port = server.start().value();
    ASSERT_EQ(aws_call(port, "Kinesis_20131202.CreateStream", R"({"StreamName":"keep","ShardCount":2})").status, 200u);
    for (int i = 0; i < 20; ++i) {
      auto put = aws_call(port, "Kinesis_20131202.PutRecord", R"({"StreamName":"keep","Data":")" + b64("r" + std::to_string(i)) + R"(","PartitionKey":"k)" + std::to_string(i) + "\"}");
      ASSERT_EQ(put.status, 200u);
    }
    ASSERT_EQ(aws_call(port, "Kinesis_20131202.SplitShard", R"({"StreamName":"keep","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"1000"})").status, 200u);
    ASSERT_EQ(aws_call(port, "DynamoDB_20120810.CreateTable", R"({"TableName":"items","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"})").status, 200u);
    for (int i = 0; i < 10; ++i)
      ASSERT_EQ(aws_call(port, "DynamoDB_20120810.PutItem", R"({"TableName":"items","Item":{"pk":{"S":"k)" + std::to_string(i) + R"("},"n":{"N":")" + std::to_string(i) + R"("}}})").status, 200u);
    ASSERT_EQ(aws_call(port, "DynamoDB_20120810.DeleteItem", R"({"TableName":"items","Key":{"pk":{"S":"k3"}}})").status, 200u);
    server.stop();
    server.wait();
  }
  local_server again{o};
  auto port = again.start().value();
  auto shards = aws_call(port, "Kinesis_20131202.ListShards", R"({"StreamName":"keep"})");
  EXPECT_TRUE(has(shards, "shardId-000000000003")) << shards.body;
  int records = 0;
  for (auto shard : {"shardId-000000000000", "shardId-000000000001"}) {
    records += record_count(read_shard(port, "keep", std::string(shard)));
  }
  EXPECT_EQ(records, 20);
  auto scan = aws_call(port, "DynamoDB_20120810.Scan", R"({"TableName":"items","Select":"COUNT"})");
  EXPECT_TRUE(has(scan, "\"Count\":9")) << scan.body;
  // New writes continue the sequence.
  auto put = aws_call(port, "Kinesis_20131202.PutRecord", R"({"StreamName":"keep","Data":"AA==","PartitionKey":"x","ExplicitHashKey":"5"})");
  EXPECT_TRUE(has(put, "shardId-000000000002")) << put.body;
}

TEST(local_server, a_segment_cut_mid_record_recovers_up_to_the_last_whole_record)
{
  temp_dir dir;
  local_options o;
  o.persistence.data_dir = dir.path.string();
  {
    local_server server{o};
    auto port = server.start().value();
    ASSERT_EQ(aws_call(port, "Kinesis_20131202.CreateStream", R"({"StreamName":"torn","ShardCount":1})").status, 200u);
    for (int i = 0; i < 5; ++i)
      ASSERT_EQ(aws_call(port, "Kinesis_20131202.PutRecord", R"({"StreamName":"torn","Data":")" + b64(std::string(100, 'a' + i)) + R"(","PartitionKey":"k"})").status, 200u);
  }
  fs::path segment;
  for (auto const& e : fs::recursive_directory_iterator(dir.path))
    if (e.path().extension() == ".seg") segment = e.path();
  ASSERT_FALSE(segment.empty());
  auto size = fs::file_size(segment);
  fs::resize_file(segment, size - 30);  // the last frame loses its tail
  local_server again{o};
  auto port = again.start().value();
  auto got = read_shard(port, "torn");
  EXPECT_TRUE(has(got, b64(std::string(100, 'd'))));
  EXPECT_FALSE(has(got, b64(std::string(100, 'e'))));
  EXPECT_LT(fs::file_size(segment), size - 30);  // the torn frame was cut
  // Appends continue after the cut with the lost position reused.
  auto put = aws_call(port, "Kinesis_20131202.PutRecord", R"({"StreamName":"torn","Data":"AA==","PartitionKey":"k"})");
  EXPECT_TRUE(has(put, "00000000000000000004\"")) << put.body;
}

// A full disk, played by a file-size limit (RLIMIT_FSIZE: a write past it
// fails with EFBIG, as one on a full disk fails with ENOSPC): writes are
// refused with an error that says so, reads go on, the process stays up,
// and after a restart with room every acknowledged record is there.
TEST(local_server, a_full_data_directory_refuses_writes_keeps_reads_and_loses_nothing_acknowledged)
{
  temp_dir dir;
  std::string const binary_args = std::string(KINESYS_LOCAL_BINARY) + " --port 0 --data-dir " + dir.path.string();
  std::vector<std::string> acknowledged;
  {
    // 64 blocks of 1 KiB (POSIX shells count ulimit -f in 512-byte units: 128).
    kinesys::test::child_process p({"/bin/sh", "-c", "trap '' XFSZ; ulimit -f 128; exec " + binary_args});
    auto port = p.wait_for_port();
    ASSERT_TRUE(port.has_value());
    ASSERT_EQ(aws_call(*port, "Kinesis_20131202.CreateStream", R"({"StreamName":"full","ShardCount":1})").status, 200u);
    http_answer refused;
    for (int i = 0; i < 200 && refused.status == 0; ++i) {
      std::string data = std::to_string(i) + ":" + std::string(1000, 'f');
      auto put = aws_call(*port, "Kinesis_20131202.PutRecord", R"({"StreamName":"full","Data":")" + b64(data) + R"(","PartitionKey":"k"})");
      if (put.status == 200u) acknowledged.push_back(data);
      else refused = put;
    }
    ASSERT_EQ(refused.status, 500u) << "the file-size limit was never reached";
    EXPECT_TRUE(has(refused, "the data directory refused a write")) << refused.body;
    EXPECT_GT(acknowledged.size(), 10u);
    // Still serving: reads answer, later writes are refused the same way.
    auto listed = aws_call(*port, "Kinesis_20131202.ListStreams", "{}");
    EXPECT_EQ(listed.status, 200u) << listed.body;
    EXPECT_EQ(aws_call(*port, "Kinesis_20131202.PutRecord", R"({"StreamName":"full","Data":"AA==","PartitionKey":"k"})").status, 500u);
    EXPECT_EQ(p.stop(SIGTERM) & 0x7f, 0) << "kinesys-local died of a signal";
  }
  kinesys::test::child_process again({KINESYS_LOCAL_BINARY, "--port", "0", "--data-dir", dir.path.string()});
  auto port = again.wait_for_port();
  ASSERT_TRUE(port.has_value());
  auto got = read_shard(*port, "full");
  ASSERT_EQ(got.status, 200u) << got.body;
  for (auto const& data : acknowledged) EXPECT_TRUE(has(got, b64(data))) << "acknowledged record lost: " << data.substr(0, 8);
  // And the directory takes writes again once there is room.
  EXPECT_EQ(aws_call(*port, "Kinesis_20131202.PutRecord", R"({"StreamName":"full","Data":"AA==","PartitionKey":"k"})").status, 200u);
}

TEST(local_server, a_killed_binary_keeps_every_acknowledged_write)
{
  temp_dir dir;
  std::vector<std::string> args = {KINESYS_LOCAL_BINARY, "--port", "0", "--data-dir", dir.path.string(), "--fsync", "never"};
  {
    kinesys::test::child_process p(args);
    auto port = p.wait_for_port();
    ASSERT_TRUE(port.has_value());
    ASSERT_EQ(aws_call(*port, "Kinesis_20131202.CreateStream", R"({"StreamName":"k9","ShardCount":1})").status, 200u);
    ASSERT_EQ(aws_call(*port, "DynamoDB_20120810.CreateTable", R"({"TableName":"k9t","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"})").status, 200u);
    for (int i = 0; i < 50; ++i) {
      ASSERT_EQ(aws_call(*port, "Kinesis_20131202.PutRecord", R"({"StreamName":"k9","Data":")" + b64("n" + std::to_string(i)) + R"(","PartitionKey":"k"})").status, 200u);
      ASSERT_EQ(aws_call(*port, "DynamoDB_20120810.PutItem", R"({"TableName":"k9t","Item":{"pk":{"S":"i)" + std::to_string(i) + R"("}}})").status, 200u);
    }
    p.stop(SIGKILL);  // no graceful flush: only what was acknowledged counts
  }
  kinesys::test::child_process again(args);
  auto port = again.wait_for_port();
  ASSERT_TRUE(port.has_value());
  auto got = read_shard(*port, "k9");
  EXPECT_TRUE(has(got, b64("n49"))) << got.body;
  EXPECT_EQ(record_count(got), 50);
  auto scan = aws_call(*port, "DynamoDB_20120810.Scan", R"({"TableName":"k9t","Select":"COUNT"})");
  EXPECT_TRUE(has(scan, "\"Count\":50")) << scan.body;
}

// A power cut, played on the files after a kill -9: under --fsync always an
// acknowledged write was on the disk before its answer, so the cut can only
// add a tail past it: part of a write in progress, or zeros where a file
// grew but its data never landed. Restart must cut every such tail and keep
// every acknowledged record and item, and no more.
TEST(local_server, a_power_cut_after_fsync_always_keeps_every_acknowledged_write_and_nothing_else)
{
  for (unsigned seed : {1u, 2u, 3u, 4u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    temp_dir dir;
    std::vector<std::string> args = {KINESYS_LOCAL_BINARY, "--port", "0", "--data-dir", dir.path.string(), "--fsync", "always"};
    constexpr int writes = 30;
    {
      kinesys::test::child_process p(args);
      auto port = p.wait_for_port();
      ASSERT_TRUE(port.has_value());
      ASSERT_EQ(aws_call(*port, "Kinesis_20131202.CreateStream", R"({"StreamName":"cut","ShardCount":1})").status, 200u);
      ASSERT_EQ(aws_call(*port, "DynamoDB_20120810.CreateTable", R"({"TableName":"cutt","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"})").status, 200u);
      for (int i = 0; i < writes; ++i) {
        ASSERT_EQ(aws_call(*port, "Kinesis_20131202.PutRecord", R"({"StreamName":"cut","Data":")" + b64("c" + std::to_string(i)) + R"(","PartitionKey":"k"})").status, 200u);
        ASSERT_EQ(aws_call(*port, "DynamoDB_20120810.PutItem", R"({"TableName":"cutt","Item":{"pk":{"S":"i)" + std::to_string(i) + R"("}}})").status, 200u);
      }
      p.stop(SIGKILL);
    }
    std::mt19937 rng(seed);
    int tails = 0;
    for (auto const& e : fs::recursive_directory_iterator(dir.path)) {
      auto const ext = e.path().extension();
      if (!e.is_regular_file() || (ext != ".seg" && ext != ".log")) continue;
      std::string tail;
      std::size_t const n = 1 + rng() % 96;
      switch (rng() % 3) {
        case 0: tail.assign(n, '\0'); break;  // grown, data never landed
        case 1: {  // the start of a frame like the last one written
          std::ifstream in(e.path(), std::ios::binary);
          std::string const whole{std::istreambuf_iterator<char>(in), {}};
          tail = whole.substr(whole.size() - std::min(whole.size(), n)).substr(0, n / 2 + 1);
          break;
        }
        default:
          for (std::size_t i = 0; i < n; ++i) tail.push_back(static_cast<char>(rng()));
      }
      std::ofstream(e.path(), std::ios::binary | std::ios::app) << tail;
      ++tails;
    }
    ASSERT_GE(tails, 2) << "no segment or table log to cut";

    kinesys::test::child_process again(args);
    auto port = again.wait_for_port();
    ASSERT_TRUE(port.has_value());
    auto got = read_shard(*port, "cut");
    ASSERT_EQ(got.status, 200u) << got.body;
    EXPECT_EQ(record_count(got), writes) << got.body.substr(0, 400);
    for (int i = 0; i < writes; ++i) EXPECT_TRUE(has(got, b64("c" + std::to_string(i)))) << "acknowledged record c" << i << " lost";
    auto scan = aws_call(*port, "DynamoDB_20120810.Scan", R"({"TableName":"cutt","Select":"COUNT"})");
    EXPECT_TRUE(has(scan, "\"Count\":" + std::to_string(writes))) << scan.body;
    // And the cut files take writes again.
    EXPECT_EQ(aws_call(*port, "Kinesis_20131202.PutRecord", R"({"StreamName":"cut","Data":"AA==","PartitionKey":"k"})").status, 200u);
    EXPECT_EQ(aws_call(*port, "DynamoDB_20120810.PutItem", R"({"TableName":"cutt","Item":{"pk":{"S":"after"}}})").status, 200u);
  }
}

TEST(local_server, a_large_table_log_is_folded_into_a_snapshot_that_replays)
{
  temp_dir dir;
  local_options o;
  o.persistence.data_dir = dir.path.string();
  o.persistence.table_log_bytes = 4096;
  auto snapshot_exists = [&] {
    for (auto const& e : fs::recursive_directory_iterator(dir.path))
      if (e.path().extension() == ".snap") return true;
    return false;
  };
  {
    local_server server{o};
    auto port = server.start().value();
    ASSERT_EQ(aws_call(port, "DynamoDB_20120810.CreateTable", R"({"TableName":"snap","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"})").status, 200u);
    for (int i = 0; i < 100; ++i)
      ASSERT_EQ(aws_call(port, "DynamoDB_20120810.PutItem", R"({"TableName":"snap","Item":{"pk":{"S":"k)" + std::to_string(i % 40) + R"("},"v":{"N":")" + std::to_string(i) + R"("}}})").status, 200u);
    // Housekeeping runs once a second on the owning core; wait for its result.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!snapshot_exists() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling interval, not synchronisation
    ASSERT_TRUE(snapshot_exists());
    ASSERT_EQ(aws_call(port, "DynamoDB_20120810.PutItem", R"({"TableName":"snap","Item":{"pk":{"S":"after"}}})").status, 200u);
  }
  local_server again{o};
  auto port = again.start().value();
  auto scan = aws_call(port, "DynamoDB_20120810.Scan", R"({"TableName":"snap","Select":"COUNT"})");
  EXPECT_TRUE(has(scan, "\"Count\":41")) << scan.body;
  auto item = aws_call(port, "DynamoDB_20120810.GetItem", R"({"TableName":"snap","Key":{"pk":{"S":"k19"}}})");
  EXPECT_TRUE(has(item, "\"N\":\"99\"")) << item.body;
}

TEST(local_server, retention_drops_expired_records_and_their_segment_files)
{
  temp_dir dir;
  auto clock = std::make_shared<manual_clock>();
  local_options o;
  o.clock = manual_clock::as_clock(clock);
  o.auth.verify = false;  // requests are signed with real time; this server lives in manual time
  o.persistence.data_dir = dir.path.string();
  o.persistence.segment_bytes = 256;  // a segment per couple of records
  auto segments = [&] {
    std::size_t n = 0;
    for (auto const& e : fs::recursive_directory_iterator(dir.path)) n += e.path().extension() == ".seg";
    return n;
  };
  local_server server{o};
  auto port = server.start().value();
  ASSERT_EQ(aws_call(port, "Kinesis_20131202.CreateStream", R"({"StreamName":"old","ShardCount":1})", std::nullopt).status, 200u);
  for (int i = 0; i < 10; ++i)
    ASSERT_EQ(aws_call(port, "Kinesis_20131202.PutRecord", R"({"StreamName":"old","Data":")" + b64(std::string(150, 'r')) + R"(","PartitionKey":"k"})", std::nullopt).status, 200u);
  std::size_t const before = segments();
  ASSERT_GE(before, 5u);
  clock->advance(std::chrono::hours(25));
  // Retention runs once a second on the owning core; wait for its result.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (segments() > 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling interval, not synchronisation
  EXPECT_EQ(segments(), 1u);  // the active segment stays: it carries the next position
  auto it = aws_call(port, "Kinesis_20131202.GetShardIterator", R"({"StreamName":"old","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"})", std::nullopt);
  auto start = it.body.find("\"ShardIterator\":\"") + 17;
  auto got = aws_call(port, "Kinesis_20131202.GetRecords", R"({"ShardIterator":")" + it.body.substr(start, it.body.find('"', start) - start) + "\"}", std::nullopt);
  EXPECT_TRUE(has(got, "\"Records\":[]")) << got.body;
}

TEST(local_server, the_binary_accepts_keys_from_a_keys_file)
{
  temp_dir dir;
  fs::path keys = dir.path / "keys";
  std::ofstream(keys) << "# team keys\nAKIDONE secret-one\nAKIDTWO=secret-two\n";
  kinesys::test::child_process p({KINESYS_LOCAL_BINARY, "--port", "0", "--keys-file", keys.string()});
  auto port = p.wait_for_port();
  ASSERT_TRUE(port.has_value());
  EXPECT_EQ(aws_call(*port, "Kinesis_20131202.ListStreams", "{}", signing{"AKIDTWO", "secret-two", {}}).status, 200u);
  EXPECT_EQ(aws_call(*port, "Kinesis_20131202.ListStreams", "{}", signing{"AKIDONE", "secret-two", {}}).status, 400u);
  EXPECT_EQ(aws_call(*port, "Kinesis_20131202.ListStreams", "{}").status, 400u);  // only the file's keys
}

TEST(local_server, the_binary_prints_its_address_and_stops_on_sigterm)
{
  kinesys::test::child_process p({KINESYS_LOCAL_BINARY, "--port", "0", "--in-memory", "--cores", "2"});
  auto line = p.read_line(std::chrono::seconds(20));
  ASSERT_TRUE(line.has_value());
  ASSERT_EQ(line->rfind("listening 127.0.0.1:", 0), 0u) << *line;
  auto port = static_cast<std::uint16_t>(std::stoul(line->substr(line->rfind(':') + 1)));
  EXPECT_EQ(aws_call(port, "Kinesis_20131202.ListStreams", "{}").status, 200u);
  int status = p.stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

}  // namespace
}  // namespace kinesys::local::test
