// Test that header file is self-contained.
#include <kinesys/detail/engine/aws/call.hpp>

#include <kinesys/detail/engine/aws/kinesis_client.hpp>
#include <kinesys/detail/engine/core_set.hpp>
#include <kinesys/detail/engine/error.hpp>

#include "closed_port.hpp"
#include "misbehaving_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <sstream>

namespace asio = boost::asio;
namespace aws = kinesys::engine::aws;
using kinesys::engine::failure_class;
using kinesys::engine::http_response;
using kinesys::test::closed_port;
using kinesys::test::misbehaving_server;
using namespace std::chrono_literals;

namespace {

// --- error mapping ---------------------------------------------------------------

http_response response(unsigned status, std::string body, std::vector<kinesys::engine::http_header> headers = {}) {
  http_response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

TEST(aws_error_mapping, the_namespace_prefix_of_type_is_stripped_and_the_message_kept) {
  auto const e = aws::parse_error_response(response(
      400, R"({"__type":"com.amazonaws.kinesis.v20131202#ResourceNotFoundException","message":"Stream s under account 1 not found."})",
      {{"x-amzn-RequestId", "req-123"}}));
  EXPECT_EQ(e.http_status, 400u);
  EXPECT_EQ(e.code, "ResourceNotFoundException");
  EXPECT_EQ(e.message, "Stream s under account 1 not found.");
  EXPECT_EQ(e.error, aws::errc::service_error);
  EXPECT_EQ(e.kind, failure_class::permanent);
  EXPECT_EQ(e.request_id, "req-123");
  EXPECT_TRUE(e.is("ResourceNotFoundException"));
}

TEST(aws_error_mapping, throttling_codes_classify_as_throttling_whatever_the_status) {
  auto const e = aws::parse_error_response(
      response(400, R"({"__type":"ProvisionedThroughputExceededException","Message":"Rate exceeded for shard"})"));
  EXPECT_EQ(e.code, "ProvisionedThroughputExceededException");
  EXPECT_EQ(e.message, "Rate exceeded for shard");
  EXPECT_EQ(e.kind, failure_class::throttling);
  EXPECT_TRUE(e.throttled());
}

TEST(aws_error_mapping, server_errors_are_transient) {
  EXPECT_EQ(aws::parse_error_response(response(500, R"({"__type":"InternalFailure"})")).kind, failure_class::transient);
  EXPECT_EQ(aws::parse_error_response(response(503, "")).kind, failure_class::transient);
}

TEST(aws_error_mapping, the_error_type_header_serves_when_the_body_has_none) {
  auto const e = aws::parse_error_response(
      response(400, "", {{"X-Amzn-ErrorType", "ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/"}}));
  EXPECT_EQ(e.code, "ValidationException");
  EXPECT_EQ(e.kind, failure_class::permanent);
}

TEST(aws_error_mapping, an_empty_body_still_gives_a_message_with_the_status) {
  auto const e = aws::parse_error_response(response(413, ""));
  EXPECT_TRUE(e.code.empty());
  EXPECT_NE(e.message.find("413"), std::string::npos);
}

TEST(aws_error_mapping, a_non_json_body_is_kept_as_a_bounded_excerpt) {
  std::string html = "<html><body>Bad Gateway\n" + std::string(1000, 'x') + "</body></html>";
  auto const e = aws::parse_error_response(response(502, html));
  EXPECT_EQ(e.kind, failure_class::transient);
  EXPECT_NE(e.message.find("Bad Gateway"), std::string::npos);
  EXPECT_LE(e.message.size(), 210u);
  EXPECT_EQ(e.message.find('\n'), std::string::npos);
}

TEST(aws_error_mapping, transaction_cancellation_reasons_are_parsed_in_order_with_items) {
  auto const e = aws::parse_error_response(response(400, R"({
    "__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
    "message":"Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]",
    "CancellationReasons":[{"Code":"None"},
                           {"Item":{"pk":{"S":"a"},"n":{"N":"3"}},"Code":"ConditionalCheckFailed","Message":"The conditional request failed"}]})"));
  EXPECT_EQ(e.code, "TransactionCanceledException");
  ASSERT_EQ(e.cancellation_reasons.size(), 2u);
  EXPECT_EQ(e.cancellation_reasons[0].code, "None");
  EXPECT_FALSE(e.cancellation_reasons[0].item.has_value());
  EXPECT_EQ(e.cancellation_reasons[1].code, "ConditionalCheckFailed");
  EXPECT_EQ(e.cancellation_reasons[1].message, "The conditional request failed");
  ASSERT_TRUE(e.cancellation_reasons[1].item.has_value());
  EXPECT_EQ(e.cancellation_reasons[1].item->at("n"), kinesys::codecs::attribute_value::number("3"));
}

TEST(aws_error_mapping, describe_names_code_status_message_and_attempts) {
  aws::aws_error e = aws::parse_error_response(response(400, R"({"__type":"LimitExceededException","message":"slow"})"));
  e.attempts = 3;
  std::ostringstream os;
  os << e;
  EXPECT_EQ(os.str(), "LimitExceededException (HTTP 400): slow [after 3 attempts]");
}

// --- retries against a misbehaving loopback server --------------------------------

struct retry_fixture {
  explicit retry_fixture(std::vector<misbehaving_server::step> script, aws::aws_client_options options = {})
      : server(std::move(script)), http(context.get_executor()) {
    options.jitter_seed = 42;
    options.on_retry = [this](aws::aws_error const& e, std::chrono::milliseconds delay) {
      retries.push_back({e.kind, delay});
    };
    client.emplace(http, aws::kinesis_protocol, kinesys::engine::endpoint::parse(server.url()).value(),
                   aws::credentials{"AKID", "secret", "", "test"}, "us-east-1", std::move(options));
  }

  aws::aws_result<http_response> call(std::string const& body = "{}") {
    auto future = asio::co_spawn(context, client->call("DescribeStreamSummary", body), asio::use_future);
    context.run();
    return future.get();
  }

  struct retry_seen {
    failure_class kind;
    std::chrono::milliseconds delay;
  };

  misbehaving_server server;
  asio::io_context context{1};
  kinesys::engine::http_client http;
  std::optional<aws::aws_json_client> client;
  std::vector<retry_seen> retries;
};

std::string const throttled = R"({"__type":"ProvisionedThroughputExceededException","message":"Rate exceeded"})";

TEST(aws_json_client_retries, a_500_then_200_is_retried_once_and_succeeds) {
  retry_fixture f({misbehaving_server::respond(500, R"({"__type":"InternalFailure","message":"oops"})"),
                   misbehaving_server::respond(200, R"({"ok":true})")});
  auto result = f.call();
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(result->body, R"({"ok":true})");
  EXPECT_EQ(f.server.requests(), 2u);
  ASSERT_EQ(f.retries.size(), 1u);
  EXPECT_EQ(f.retries[0].kind, failure_class::transient);
  EXPECT_EQ(f.client->stats().attempts, 2u);
  EXPECT_EQ(f.client->stats().transient, 1u);
}

TEST(aws_json_client_retries, throttling_is_backed_off_within_the_policy_ceiling_before_retrying) {
  aws::aws_client_options options;
  options.retry.throttling_base = 40ms;
  retry_fixture f({misbehaving_server::respond(400, throttled), misbehaving_server::respond(400, throttled),
                   misbehaving_server::respond(200, "{}")},
                  options);
  auto const start = std::chrono::steady_clock::now();
  auto result = f.call();
  auto const elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(f.server.requests(), 3u);
  ASSERT_EQ(f.retries.size(), 2u);
  kinesys::engine::retry_policy const policy(options.retry);
  std::chrono::milliseconds total{0};
  for (std::size_t i = 0; i < f.retries.size(); ++i) {
    EXPECT_EQ(f.retries[i].kind, failure_class::throttling);
    EXPECT_LE(f.retries[i].delay, policy.ceiling(static_cast<unsigned>(i + 1), failure_class::throttling));
    total += f.retries[i].delay;
  }
  // Timers never fire early: the call took at least the backoff it chose.
  EXPECT_GE(elapsed, total);
  EXPECT_EQ(f.client->stats().throttled, 2u);
  EXPECT_EQ(f.client->stats().backoff_total, total);
}

TEST(aws_json_client_retries, a_permanent_error_is_returned_without_retrying) {
  retry_fixture f({misbehaving_server::respond(400, R"({"__type":"ValidationException","message":"bad"})"),
                   misbehaving_server::respond(200, "{}")});
  auto result = f.call();
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, "ValidationException");
  EXPECT_EQ(result.error().attempts, 1u);
  EXPECT_EQ(f.server.requests(), 1u);
  EXPECT_TRUE(f.retries.empty());
}

TEST(aws_json_client_retries, retries_stop_at_max_attempts_with_the_last_error) {
  aws::aws_client_options options;
  options.retry.max_attempts = 3;
  options.retry.base = 1ms;
  retry_fixture f({misbehaving_server::respond(503, R"({"__type":"ServiceUnavailable","message":"busy"})")}, options);
  auto result = f.call();
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, "ServiceUnavailable");
  EXPECT_EQ(result.error().http_status, 503u);
  EXPECT_EQ(result.error().attempts, 3u);
  EXPECT_EQ(f.server.requests(), 3u);
  EXPECT_NE(result.error().describe().find("after 3 attempts"), std::string::npos);
}

TEST(aws_json_client_retries, a_refused_connection_is_a_transport_error_retried_then_reported) {
  aws::aws_client_options options;
  options.retry.max_attempts = 2;
  options.retry.base = 1ms;
  closed_port const closed;
  asio::io_context context{1};
  kinesys::engine::http_client http(context.get_executor());
  aws::aws_json_client client(
      http, aws::kinesis_protocol,
      kinesys::engine::endpoint::parse("http://127.0.0.1:" + std::to_string(closed.port())).value(),
      aws::credentials{"AKID", "secret", "", "test"}, "us-east-1", options);
  std::string const body = "{}";
  auto future = asio::co_spawn(context, client.call("ListStreams", body), asio::use_future);
  context.run();
  auto result = future.get();
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().http_status, 0u);
  EXPECT_EQ(result.error().error, kinesys::engine::errc::connection_refused);
  EXPECT_EQ(result.error().attempts, 2u);
  EXPECT_NE(result.error().message.find("127.0.0.1"), std::string::npos);
}

TEST(aws_json_client_retries, a_reset_mid_response_is_retried) {
  retry_fixture f({misbehaving_server::act(misbehaving_server::behaviour::reset_mid_response),
                   misbehaving_server::respond(200, "{}")});
  auto result = f.call();
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(f.server.requests(), 2u);
}

TEST(aws_json_client_retries, shutdown_during_backoff_returns_shutting_down_promptly) {
  misbehaving_server server({misbehaving_server::respond(503, "")});
  kinesys::engine::core_set cores(kinesys::engine::core_set_options{.cores = 1, .handle_signals = false});
  std::promise<aws::aws_result<http_response>> done;
  auto outcome = done.get_future();
  std::promise<void> first_failure;
  auto failed = first_failure.get_future();
  cores.start();
  cores.spawn(0, [&]() -> asio::awaitable<void> {
    // Each co_await in a statement of its own: GCC 12 mishandles temporaries
    // that share a full expression with one.
    auto const executor = co_await asio::this_coro::executor;
    kinesys::engine::http_client http(executor);
    aws::aws_client_options options;
    options.retry.base = 60s;  // a backoff far longer than the test
    options.retry.max_delay = 60s;
    options.jitter_seed = 7;
    options.on_retry = [&](aws::aws_error const&, std::chrono::milliseconds) { first_failure.set_value(); };
    aws::aws_json_client client(http, aws::kinesis_protocol, kinesys::engine::endpoint::parse(server.url()).value(),
                                aws::credentials{"AKID", "secret", "", "test"}, "us-east-1", options);
    std::string const body = "{}";
    auto result = co_await client.call("ListStreams", body);
    done.set_value(std::move(result));
  });
  failed.wait();
  cores.stop();
  cores.join();
  auto result = outcome.get();
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().error, kinesys::engine::errc::shutting_down);
  EXPECT_EQ(result.error().http_status, 503u);
  EXPECT_EQ(server.requests(), 1u);
}

TEST(kinesis_client_paging, list_all_shards_follows_next_token_to_the_last_page) {
  auto page = [](std::string const& id, std::string const& token) {
    std::string body = R"({"Shards":[{"ShardId":")" + id +
                       R"(","HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"340282366920938463463374607431768211455"},)"
                       R"("SequenceNumberRange":{"StartingSequenceNumber":"1"}}])";
    if (!token.empty()) body += R"(,"NextToken":")" + token + "\"";
    return misbehaving_server::respond(200, body + "}");
  };
  misbehaving_server server({page("shardId-000000000000", "t1"), page("shardId-000000000001", "t2"),
                             page("shardId-000000000002", "")});
  asio::io_context context{1};
  kinesys::engine::http_client http(context.get_executor());
  aws::kinesis_client kinesis(http, kinesys::engine::endpoint::parse(server.url()).value(),
                              aws::credentials{"AKID", "secret", "", "test"}, "us-east-1");
  aws::stream_ref const stream{"s", ""};
  auto future = asio::co_spawn(context, kinesis.list_all_shards(stream), asio::use_future);
  context.run();
  auto shards = future.get();
  ASSERT_TRUE(shards.has_value()) << shards.error();
  ASSERT_EQ(shards->size(), 3u);
  EXPECT_EQ((*shards)[2].shard_id, "shardId-000000000002");
  EXPECT_EQ(server.requests(), 3u);
}

}  // namespace
