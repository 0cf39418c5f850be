// Forged, replayed and wrong-key requests: every one is refused with the
// AWS authentication error, none reaches the model, a burst of them does
// not stop legitimate clients, and the secret key shows up in no log line
// and no error body.
#include <kinesys/local.hpp>

#include "child_process.hpp"
#include "hostile_support.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <thread>

namespace kinesys::hostile {
namespace {

using local::local_options;
using local::local_server;
using local::test::aws_call;
using local::test::signing;

bool has(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != std::string_view::npos; }

std::string replace_once(std::string s, std::string_view from, std::string_view to)
{
  auto at = s.find(from);
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

/// The header block's Authorization value.
std::string authorization_of(std::string const& wire)
{
  auto at = wire.find("Authorization: ");
  auto end = wire.find("\r\n", at);
  return wire.substr(at + 15, end - at - 15);
}

bool is_auth_refusal(received const& r)
{
  auto const status = r.status();
  if (status != 400 && status != 403) return false;
  for (auto type : {"InvalidSignatureException", "IncompleteSignatureException", "UnrecognizedClientException",
                    "MissingAuthenticationTokenException"})
    if (has(r.bytes, type)) return true;
  return false;
}

TEST(hostile, forged_signatures_are_refused_and_never_executed)
{
  local_server server{local_options{}};
  auto port = server.start().value();
  std::string const create = R"({"StreamName":"forged","ShardCount":1})";
  std::string const good = signed_wire(port, "Kinesis_20131202.CreateStream", create);
  std::string const auth = authorization_of(good);
  std::string flipped_signature = auth;
  flipped_signature.back() = flipped_signature.back() == '0' ? '1' : '0';

  std::vector<std::pair<std::string, std::string>> const forgeries = {
      {"one signature digit changed", replace_once(good, auth, flipped_signature)},
      {"body changed after signing", replace_once(good, "\"forged\"", "\"forgex\"")},
      {"target changed after signing", replace_once(good, "Kinesis_20131202.CreateStream", "Kinesis_20131202.CreateStreaM")},
      {"another access key, same signature", replace_once(good, "Credential=kinesys-local/", "Credential=kinesys-locak/")},
      {"another region in the scope", replace_once(good, "/us-east-1/", "/us-west-2/")},
      {"date moved by a second", [&] {
         auto at = good.find("X-Amz-Date: ") + 12 + 14;  // the seconds' last digit
         std::string w = good;
         w[at] = w[at] == '0' ? '1' : '0';
         return w;
       }()},
      {"signed headers shortened", replace_once(good, "SignedHeaders=", "SignedHeaders=x-amz-date;")},
      {"signature truncated", replace_once(good, auth, auth.substr(0, auth.size() - 10))},
      {"no signature", replace_once(good, auth, auth.substr(0, auth.find(", Signature=")))},
      {"empty authorization", replace_once(good, auth, "")},
      {"another scheme", replace_once(good, auth, "Basic a2luZXN5cy1sb2NhbDpraW5lc3lzLWxvY2FsLXNlY3JldA==")},
      {"garbage credential", replace_once(good, auth, "AWS4-HMAC-SHA256 Credential=/,,,/" + std::string(3000, '/') + ", SignedHeaders=;;, Signature=zz")},
      {"huge signature", replace_once(good, auth, auth + std::string(8000, 'f'))},
      {"date not a date", replace_once(good, "X-Amz-Date: 2", "X-Amz-Date: 9")},
  };
  for (auto const& [what, wire] : forgeries) {
    ASSERT_NE(wire, good) << what << ": the forgery changed nothing";
    auto r = send_and_read(port, wire);
    EXPECT_TRUE(is_auth_refusal(r)) << what << ": " << r.bytes.substr(0, 400);
  }
  auto listed = aws_call(port, "Kinesis_20131202.ListStreams", "{}");
  ASSERT_EQ(listed.status, 200u);
  EXPECT_FALSE(has(listed.body, "forge")) << "a forged request was executed: " << listed.body;
  // The untouched request still works, so the forgeries failed for what
  // was changed in them.
  EXPECT_EQ(send_and_read(port, good).status(), 200u);
}

TEST(hostile, a_replayed_request_is_refused_once_its_date_is_stale)
{
  auto clock = std::make_shared<local::manual_clock>(std::chrono::system_clock::now());
  local_options o;
  o.clock = local::manual_clock::as_clock(clock);
  local_server server(o);
  auto port = server.start().value();
  std::string const captured = signed_wire(port, "Kinesis_20131202.ListStreams", "{}", {}, true, clock->now());
  EXPECT_EQ(send_and_read(port, captured).status(), 200u);
  clock->advance(std::chrono::minutes(4));
  EXPECT_EQ(send_and_read(port, captured).status(), 200u) << "within the 5 minutes AWS allows";
  clock->advance(std::chrono::minutes(2));
  auto replay = send_and_read(port, captured);
  EXPECT_TRUE(is_auth_refusal(replay)) << replay.bytes;
  EXPECT_TRUE(has(replay.bytes, "InvalidSignatureException")) << replay.bytes;
  EXPECT_TRUE(has(replay.bytes, "Signature expired")) << replay.bytes;
  // A request dated in the future by more than the skew is refused too.
  auto future = send_and_read(port, signed_wire(port, "Kinesis_20131202.ListStreams", "{}", {}, true, clock->now() + std::chrono::minutes(6)));
  EXPECT_TRUE(has(future.bytes, "Signature not yet current") || has(future.bytes, "InvalidSignatureException")) << future.bytes;
}

TEST(hostile, a_burst_of_wrong_key_requests_is_refused_while_signed_clients_are_served)
{
  local_server server{local_options{}};
  auto port = server.start().value();
  ASSERT_EQ(aws_call(port, "Kinesis_20131202.CreateStream", R"({"StreamName":"s","ShardCount":1})").status, 200u);

  constexpr int attackers = 4, per_attacker = 300;
  std::atomic<int> refused{0}, accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < attackers; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < per_attacker; ++i) {
        std::optional<signing> key;
        switch ((t + i) % 3) {
          case 0: key = signing{"kinesys-local", "guess-" + std::to_string(i), {}}; break;
          case 1: key = signing{"AKID" + std::to_string(i), "kinesys-local-secret", {}}; break;
          case 2: key = std::nullopt; break;
        }
        auto a = aws_call(port, "Kinesis_20131202.PutRecord", R"({"StreamName":"s","Data":"aGk=","PartitionKey":"evil"})", key);
        (a.status == 400 || a.status == 403 ? refused : accepted).fetch_add(1);
      }
    });
  }
  int served = 0;
  for (int i = 0; i < 50; ++i) {
    auto a = aws_call(port, "Kinesis_20131202.PutRecord", R"({"StreamName":"s","Data":"b2s=","PartitionKey":"good"})");
    if (a.status == 200) ++served;
  }
  for (auto& t : threads) t.join();
  std::printf("%d wrong-key requests refused, %d accepted; %d of 50 signed requests served during the burst\n",
              refused.load(), accepted.load(), served);
  EXPECT_EQ(accepted.load(), 0);
  EXPECT_EQ(refused.load(), attackers * per_attacker);
  EXPECT_EQ(served, 50);
  // Only the signed records are in the stream.
  auto it = aws_call(port, "Kinesis_20131202.GetShardIterator",
                     R"({"StreamName":"s","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"})");
  ASSERT_EQ(it.status, 200u);
  auto const iterator = it.body.substr(it.body.find("\"ShardIterator\":\"") + 17);
  auto records = aws_call(port, "Kinesis_20131202.GetRecords",
                          R"({"Limit":10000,"ShardIterator":")" + iterator.substr(0, iterator.find('"')) + "\"}");
  ASSERT_EQ(records.status, 200u);
  EXPECT_FALSE(has(records.body, "\"PartitionKey\":\"evil\""));
  std::size_t n = 0;
  for (auto at = records.body.find("\"PartitionKey\":\"good\""); at != std::string::npos; at = records.body.find("\"PartitionKey\":\"good\"", at + 1)) ++n;
  EXPECT_EQ(n, 50u);
}

TEST(hostile, the_secret_key_appears_in_no_log_line_and_no_error_body)
{
  std::string const secret = "hostile-Secret-7f3a9c01e5d24b68";
  auto const log = std::filesystem::temp_directory_path() / ("kinesys-hostile-log-" + std::to_string(::getpid()));
  // The shell only redirects stderr to a file we can read afterwards.
  test::child_process child({"/bin/sh", "-c",
                             "exec \"$0\" --port 0 --in-memory --log-requests --access-key AKIDHOSTILE --secret-key " + secret +
                                 " 2>\"$1\"",
                             KINESYS_LOCAL_BINARY, log.string()});
  auto port = child.wait_for_port();
  ASSERT_TRUE(port) << "kinesys-local did not start";
  signing const right{"AKIDHOSTILE", secret, {}};
  std::string answers;
  auto call = [&](std::string const& target, std::string body, std::optional<signing> key) {
    auto a = aws_call(*port, target, std::move(body), key);
    answers += a.headers + "\r\n\r\n" + a.body + "\n";
    return a;
  };
  EXPECT_EQ(call("Kinesis_20131202.CreateStream", R"({"StreamName":"s","ShardCount":1})", right).status, 200u);
  EXPECT_EQ(call("Kinesis_20131202.PutRecord", R"({"StreamName":"s","Data":"aGk=","PartitionKey":"p"})", right).status, 200u);
  call("Kinesis_20131202.PutRecord", R"({"StreamName":"nope","Data":"aGk=","PartitionKey":"p"})", right);
  call("Kinesis_20131202.ListStreams", "{}", signing{"AKIDHOSTILE", secret + "x", {}});
  call("Kinesis_20131202.ListStreams", "{}", signing{"AKIDHOSTILE", secret.substr(0, 10), {}});
  call("Kinesis_20131202.ListStreams", "{}", signing{"AKIDHOSTILE", secret, std::chrono::minutes(-30)});
  call("Kinesis_20131202.ListStreams", "{}", signing{"kinesys-local", "kinesys-local-secret", {}});
  call("DynamoDB_20120810.PutItem", R"({"TableName":"none","Item":{}})", right);
  call("DynamoDB_20120810.ListTables", "{}", signing{"AKIDHOSTILE", "wrong", {}});
  call("Kinesis_20131202.ListStreams", "{}", std::nullopt);
  answers += send_and_read(*port, "GET /_kinesys/faults HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").bytes;
  EXPECT_EQ(child.stop(SIGTERM) & 0x7f, 0);

  std::ifstream in(log);
  std::string const logged((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(log);
  EXPECT_TRUE(has(logged, "PutRecord")) << "the request log is empty, so the check below proves nothing:\n" << logged;
  EXPECT_TRUE(has(answers, "InvalidSignatureException")) << answers;
  for (auto part : {secret, secret.substr(0, 16), secret.substr(16)}) {
    EXPECT_FALSE(has(logged, part)) << "secret in the log:\n" << logged;
    EXPECT_FALSE(has(answers, part)) << "secret in an answer:\n" << answers;
  }
}

}  // namespace
}  // namespace kinesys::hostile
