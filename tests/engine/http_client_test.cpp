// Test that header file is self-contained.
#include "kinesys/detail/engine/http_client.hpp"

#include "kinesys/detail/engine/core_set.hpp"
#include "kinesys/detail/engine/deadline.hpp"
#include "kinesys/detail/engine/error.hpp"
#include "kinesys/detail/engine/http_server.hpp"
#include "kinesys/detail/engine/retry_policy.hpp"
#include "closed_port.hpp"
#include "misbehaving_server.hpp"
#include "run_coroutine.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

namespace asio = boost::asio;
using namespace kinesys::engine;
using kinesys::test::closed_port;
using kinesys::test::misbehaving_server;
using kinesys::test::run_coroutine;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using behaviour = misbehaving_server::behaviour;

namespace {

endpoint at(std::string const& url) { return endpoint::parse(url).value(); }

/// A real Beast server (ours) on one core that echoes what it received.
struct echo_server {
  echo_server()
      : cores(core_set_options{.cores = 1, .handle_signals = false}),
        server(cores, http_server_options{}, [this](server_request& req) -> asio::awaitable<server_reply> {
          ++handled;
          server_reply reply;
          if (auto delay = req.request.header("x-delay-ms"); !delay.empty())
            co_await async_sleep(std::chrono::milliseconds(std::stoi(std::string(delay))),
                                 asio::as_tuple(asio::use_awaitable));
          reply.response.status = req.request.target == "/missing" ? 404 : 200;
          reply.response.headers.push_back({"X-Method", req.request.method});
          reply.response.headers.push_back({"X-Target", req.request.target});
          reply.response.headers.push_back({"X-Host", std::string(req.request.header("host"))});
          reply.response.body = req.request.body;
          co_return reply;
        }) {
    port = server.start().value();
    cores.start();
  }
  ~echo_server() {
    server.stop();
    cores.stop();
    cores.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }

  core_set cores;
  http_server server;
  std::uint16_t port = 0;
  std::atomic<int> handled{0};
};

http_request post(std::string body, std::string target = "/") {
  http_request req;
  req.target = std::move(target);
  req.headers.push_back({"Content-Type", "application/x-amz-json-1.1"});
  req.body = std::move(body);
  return req;
}

}  // namespace

TEST(http_client, exchanges_a_request_and_response_with_a_real_server) {
  echo_server server;
  asio::io_context context{1};
  http_client client(context.get_executor());
  auto response = run_coroutine(context, client.request(at(server.url()), post("{\"hello\":1}", "/path?x=1")));
  ASSERT_TRUE(response) << response.error().message();
  EXPECT_EQ(response->status, 200u);
  EXPECT_EQ(response->body, "{\"hello\":1}");
  EXPECT_EQ(response->header("x-method"), "POST");
  EXPECT_EQ(response->header("X-TARGET"), "/path?x=1");
  EXPECT_EQ(response->header("x-host"), "127.0.0.1:" + std::to_string(server.port));
  EXPECT_EQ(response->header("absent"), "");
}

TEST(http_client, sends_a_borrowed_body_in_place_of_the_requests_own) {
  echo_server server;
  asio::io_context context{1};
  http_client client(context.get_executor());
  auto ep = at(server.url());
  // Larger than any socket buffer, so it goes out in several writes, each
  // reading the caller's bytes while the call is suspended.
  std::string const body(3 << 20, 'b');
  auto [big, small] = run_coroutine(context, [&]() -> asio::awaitable<std::pair<std::string, std::string>> {
    auto a = co_await client.request(ep, post("ignored"), body);
    std::string const tiny = "{}";
    auto b = co_await client.request(ep, post(""), tiny);
    co_return std::pair{a ? a->body : a.error().message(), b ? b->body : b.error().message()};
  }());
  EXPECT_EQ(big.size(), body.size());
  EXPECT_TRUE(big == body) << "the echoed body differs from the borrowed one";
  EXPECT_EQ(small, "{}");
}

TEST(http_client, returns_error_statuses_as_responses) {
  echo_server server;
  asio::io_context context{1};
  http_client client(context.get_executor());
  auto response = run_coroutine(context, client.request(at(server.url()), post("", "/missing")));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404u);
}

TEST(http_client, reuses_one_keep_alive_connection_for_sequential_requests) {
  echo_server server;
  asio::io_context context{1};
  http_client client(context.get_executor());
  auto ep = at(server.url());
  auto ok = run_coroutine(context, [&]() -> asio::awaitable<int> {
    int ok = 0;
    for (int i = 0; i < 5; ++i)
      ok += (co_await client.request(ep, post(std::to_string(i)))).has_value();
    co_return ok;
  }());
  EXPECT_EQ(ok, 5);
  EXPECT_EQ(client.stats().connections_opened, 1u);
  EXPECT_EQ(client.stats().requests, 5u);
}

TEST(http_client, queues_requests_beyond_the_connection_cap) {
  echo_server server;
  asio::io_context context{1};
  http_client client(context.get_executor(), http_client_options{.max_connections_per_endpoint = 2});
  auto ep = at(server.url());
  auto one = [&]() -> asio::awaitable<bool> {
    auto req = post("x");
    req.headers.push_back({"X-Delay-Ms", "30"});
    co_return (co_await client.request(ep, std::move(req))).has_value();
  };
  using namespace asio::experimental::awaitable_operators;
  auto all = run_coroutine(context, [&]() -> asio::awaitable<int> {
    auto [a, b, c, d, e, f] = co_await (one() && one() && one() && one() && one() && one());
    co_return a + b + c + d + e + f;
  }());
  EXPECT_EQ(all, 6);
  EXPECT_EQ(client.stats().connections_opened, 2u);
  EXPECT_EQ(server.handled, 6);
}

TEST(http_client, request_timeout_fires_when_the_server_stalls) {
  misbehaving_server server({misbehaving_server::act(behaviour::stall)});
  asio::io_context context{1};
  http_client client(context.get_executor(), http_client_options{.request_timeout = 300ms});
  auto const before = clock_type::now();
  auto response = run_coroutine(context, client.request(at(server.url()), post("x")));
  auto const took = clock_type::now() - before;
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error(), errc::request_timeout);
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 2s);
}

TEST(http_client, request_timeout_fires_when_the_server_accepts_and_never_reads) {
  misbehaving_server server({misbehaving_server::act(behaviour::never_read)});
  asio::io_context context{1};
  http_client client(context.get_executor(), http_client_options{.request_timeout = 200ms});
  auto const before = clock_type::now();
  auto response = run_coroutine(context, client.request(at(server.url()), post("x")));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error(), errc::request_timeout);
  EXPECT_LT(clock_type::now() - before, 2s);
}

TEST(http_client, request_timeout_fires_when_the_body_stops_halfway) {
  misbehaving_server server({misbehaving_server::act(behaviour::stall_mid_body)});
  asio::io_context context{1};
  http_client client(context.get_executor(), http_client_options{.request_timeout = 200ms});
  auto response = run_coroutine(context, client.request(at(server.url()), post("x")));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error(), errc::request_timeout);
}

TEST(http_client, a_closed_port_is_connection_refused) {
  asio::io_context context{1};
  http_client client(context.get_executor());
  closed_port const closed;
  auto const url = "http://127.0.0.1:" + std::to_string(closed.port());
  auto response = run_coroutine(context, client.request(at(url), post("x")));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error(), errc::connection_refused);
  EXPECT_NE(describe(response.error(), at(url)).find(url), std::string::npos);
}

TEST(http_client, a_500_then_200_succeeds_on_the_one_retry_the_policy_allows) {
  misbehaving_server server({misbehaving_server::respond(500, "{\"__type\":\"InternalFailure\"}"),
                             misbehaving_server::respond(200, "{}")});
  asio::io_context context{1};
  http_client client(context.get_executor());
  retry_policy policy(retry_options{.base = 1ms, .max_attempts = 2}, 7);
  auto ep = at(server.url());
  // The client never retries a status; the retry belongs to the layer that
  // understands it (here: the policy's classification).
  auto [status, attempts] = run_coroutine(context, [&]() -> asio::awaitable<std::pair<unsigned, unsigned>> {
    for (unsigned attempt = 1;; ++attempt) {
      auto response = co_await client.request(ep, post("x"));
      auto const c = classify(response ? response->status : 0, response ? boost::system::error_code{} : response.error());
      if (!policy.should_retry(c, attempt))
        co_return std::pair{response ? response->status : 0u, attempt};
      co_await async_sleep(policy.backoff(attempt, c), asio::as_tuple(asio::use_awaitable));
    }
  }());
  EXPECT_EQ(status, 200u);
  EXPECT_EQ(attempts, 2u);
  EXPECT_EQ(server.requests(), 2u);
}

TEST(http_client, throttling_answers_are_classified_and_backed_off) {
  misbehaving_server server(
      {misbehaving_server::respond(429, "{}"),
       misbehaving_server::respond(400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}",
                                   {{"X-Amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/"}}),
       misbehaving_server::respond(200, "{}")});
  asio::io_context context{1};
  http_client client(context.get_executor());
  retry_policy policy(retry_options{.throttling_base = 40ms, .max_attempts = 5}, 42);
  retry_policy twin(policy.options(), 42);  // predicts the same jitter
  auto const first_wait = twin.backoff(1, failure_class::throttling);
  auto const expected_wait = first_wait + twin.backoff(2, failure_class::throttling);
  auto ep = at(server.url());
  std::vector<failure_class> seen;
  auto const before = clock_type::now();
  auto status = run_coroutine(context, [&]() -> asio::awaitable<unsigned> {
    for (unsigned attempt = 1;; ++attempt) {
      auto response = co_await client.request(ep, post("x"));
      if (!response)
        co_return 0u;
      auto const c = classify(response->status, {}, response->header("x-amzn-errortype"));
      seen.push_back(c);
      if (!policy.should_retry(c, attempt))
        co_return response->status;
      co_await async_sleep(policy.backoff(attempt, c), asio::as_tuple(asio::use_awaitable));
    }
  }());
  EXPECT_EQ(status, 200u);
  EXPECT_EQ(seen, (std::vector{failure_class::throttling, failure_class::throttling, failure_class::none}));
  EXPECT_GE(clock_type::now() - before, expected_wait);
}

TEST(http_client, a_reset_in_the_middle_of_a_response_is_connection_reset) {
  misbehaving_server server({misbehaving_server::act(behaviour::reset_mid_response)});
  asio::io_context context{1};
  http_client client(context.get_executor());
  auto response = run_coroutine(context, client.request(at(server.url()), post("x")));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error(), errc::connection_reset);
  EXPECT_EQ(server.requests(), 1u);  // not resent: the server had started answering
}

TEST(http_client, a_fresh_connection_closed_without_an_answer_is_not_retried) {
  misbehaving_server server({misbehaving_server::act(behaviour::close_without_answer)});
  asio::io_context context{1};
  http_client client(context.get_executor());
  auto response = run_coroutine(context, client.request(at(server.url()), post("x")));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error(), errc::connection_reset);
  EXPECT_EQ(server.requests(), 1u);
}

TEST(http_client, a_reused_connection_dropped_by_the_server_is_retried_once_on_a_fresh_one) {
  // The second request lands on the kept-alive socket just as the server
  // drops it: no byte of a response arrived, so the server never saw it.
  misbehaving_server server({misbehaving_server::respond(200, "first"),
                             misbehaving_server::act(behaviour::close_without_answer),
                             misbehaving_server::respond(200, "second")});
  asio::io_context context{1};
  http_client client(context.get_executor());
  auto ep = at(server.url());
  // The resent request's body is borrowed (as an AWS call's is): it must
  // go out again whole from the caller's buffer.
  std::string const borrowed = "{\"borrowed\":true}";
  auto [first, second] = run_coroutine(context, [&]() -> asio::awaitable<std::pair<std::string, std::string>> {
    auto a = co_await client.request(ep, post("x"));
    auto b = co_await client.request(ep, post(""), borrowed);
    co_return std::pair{a ? a->body : a.error().message(), b ? b->body : b.error().message()};
  }());
  EXPECT_EQ(first, "first");
  EXPECT_EQ(second, "second");
  EXPECT_EQ(client.stats().stale_retries, 1u);
  EXPECT_EQ(client.stats().connections_opened, 2u);
  EXPECT_EQ(server.requests(), 3u);
  EXPECT_EQ(server.last_body(), borrowed);
}

TEST(http_client, an_idle_connection_closed_by_the_server_is_replaced_transparently) {
  auto closing = misbehaving_server::respond(200, "first");
  closing.close_after = true;  // what Node does to an idle keep-alive socket
  misbehaving_server server({closing, misbehaving_server::respond(200, "second")});
  asio::io_context context{1};
  http_client client(context.get_executor());
  auto ep = at(server.url());
  auto second = run_coroutine(context, [&]() -> asio::awaitable<std::string> {
    auto a = co_await client.request(ep, post("x"));
    if (!a)
      co_return a.error().message();
    // Let the FIN arrive, as it would during a real idle period.
    asio::steady_timer pause(co_await asio::this_coro::executor, 50ms);
    co_await pause.async_wait(asio::use_awaitable);
    auto b = co_await client.request(ep, post("y"));
    co_return b ? b->body : b.error().message();
  }());
  EXPECT_EQ(second, "second");
  EXPECT_EQ(client.stats().connections_opened, 2u);
  EXPECT_EQ(server.requests(), 2u);
}

TEST(http_client, a_response_over_the_size_limit_fails_with_response_too_large) {
  misbehaving_server server({misbehaving_server::respond(200, std::string(5000, 'z'))});
  asio::io_context context{1};
  http_client client(context.get_executor(), http_client_options{.max_response_bytes = 4096});
  auto response = run_coroutine(context, client.request(at(server.url()), post("x")));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error(), errc::response_too_large);
}

TEST(http_client, a_response_that_is_not_http_is_a_bad_response) {
  misbehaving_server server({misbehaving_server::act(behaviour::garbage)});
  asio::io_context context{1};
  http_client client(context.get_executor());
  auto response = run_coroutine(context, client.request(at(server.url()), post("x")));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error(), errc::bad_response);
}

TEST(http_client, a_name_under_invalid_is_a_dns_failure) {
  asio::io_context context{1};
  http_client client(context.get_executor());
  auto response = run_coroutine(context, client.request(at("http://kinesys-test.invalid:8080"), post("x")));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error(), errc::dns_failure);
}

TEST(http_client, the_caller_can_bound_a_request_with_a_deadline) {
  misbehaving_server server({misbehaving_server::act(behaviour::stall)});
  asio::io_context context{1};
  http_client client(context.get_executor());  // its own timeout is 10 s
  auto const before = clock_type::now();
  auto response = run_coroutine(context, with_deadline(client.request(at(server.url()), post("x")), 150ms));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error(), errc::deadline_exceeded);
  EXPECT_LT(clock_type::now() - before, 2s);
}
