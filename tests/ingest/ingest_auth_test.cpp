// Test that header file is self-contained.
#include "ingest_fixture.hpp"

#include <gtest/gtest.h>

#include <simdjson.h>

using namespace kinesys::ingest::test;

namespace {

std::string error_code(std::string const& body) {
  simdjson::dom::parser parser;
  std::string_view v;
  if (parser.parse(body)["error"].get(v)) return {};
  return std::string(v);
}

std::string const events_body = R"({"stream": "events", "payload": {"device_id": "auth-1"}})";
std::string const orders_body = R"({"stream": "orders", "payload": {"device_id": "auth-2"}})";
constexpr std::string_view wrong_key = "sk-wrong-91bb2c3d4e5f60718293";

}  // namespace

TEST(ingest_auth, a_missing_key_is_401_an_unknown_key_403_and_another_tenants_stream_403) {
  auto& s = shared();
  auto none = put_json(s.ingest.port, "/stream", events_body, "");
  ASSERT_EQ(none.status, 401) << none.body;
  EXPECT_EQ(error_code(none.body), "missing_api_key");
  auto wrong = put_json(s.ingest.port, "/stream", events_body, wrong_key);
  ASSERT_EQ(wrong.status, 403) << wrong.body;
  EXPECT_EQ(error_code(wrong.body), "invalid_api_key");
  auto foreign = put_json(s.ingest.port, "/stream", orders_body, demo_key);
  ASSERT_EQ(foreign.status, 403) << foreign.body;
  EXPECT_EQ(error_code(foreign.body), "stream_forbidden");
  auto foreign_batch = put_json(s.ingest.port, "/streams/orders/records", R"([{"device_id": "x"}])", demo_key);
  EXPECT_EQ(foreign_batch.status, 403) << foreign_batch.body;
  EXPECT_EQ(put_json(s.ingest.port, "/stream", orders_body, orders_key).status, 200);
}

TEST(ingest_auth, tenants_from_the_environment_are_accepted_too) {
  auto& s = shared();
  auto r = put_json(s.ingest.port, "/stream", R"({"stream": "audit", "payload": {"device_id": "env"}})", ops_key);
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST(ingest_auth, a_tenant_over_its_rate_gets_429_with_retry_after_while_another_tenant_goes_on) {
  auto& s = shared();
  // "slow" may put 1 record per second: the first is admitted, the second
  // within that second is not.
  std::string const body = R"({"stream": "events", "payload": {"device_id": "slow-1"}})";
  auto first = put_json(s.ingest.port, "/stream", body, slow_key);
  ASSERT_EQ(first.status, 200) << first.body;
  auto second = put_json(s.ingest.port, "/stream", body, slow_key);
  ASSERT_EQ(second.status, 429) << second.body;
  EXPECT_EQ(error_code(second.body), "rate_limited");
  EXPECT_NE(second.body.find("1 records per second"), std::string::npos) << second.body;
  int retry_after = std::atoi(second.header("retry-after").c_str());
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 2);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(put_json(s.ingest.port, "/stream", events_body, demo_key).status, 200);
}

TEST(ingest_auth, health_and_metrics_need_no_key) {
  auto& s = shared();
  auto health = get(s.ingest.port, "/health");
  ASSERT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"ok"})");
  auto metrics = get(s.ingest.port, "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("kinesys_ingest_request_seconds_bucket{le=\"+Inf\"}"), std::string::npos);
  EXPECT_NE(metrics.body.find("kinesys_producer_"), std::string::npos) << "the producer's metrics are missing";
}

TEST(ingest_auth, metrics_count_requests_by_status_and_tenant) {
  auto& s = shared();
  auto before = get(s.ingest.port, "/metrics").body;
  put_json(s.ingest.port, "/stream", events_body, "");
  put_json(s.ingest.port, "/nowhere", events_body, demo_key);
  put_json(s.ingest.port, "/nowhere", events_body, demo_key);
  ASSERT_EQ(put_json(s.ingest.port, "/stream", events_body, demo_key).status, 200);
  ASSERT_EQ(put_json(s.ingest.port, "/stream", orders_body, demo_key).status, 403);
  auto after = get(s.ingest.port, "/metrics").body;
  auto delta = [&](std::string_view series) { return metric(after, series) - metric(before, series); };
  EXPECT_EQ(delta("kinesys_ingest_requests_total{status=\"401\",tenant=\"-\"}"), 1);
  EXPECT_EQ(delta("kinesys_ingest_requests_total{status=\"404\",tenant=\"-\"}"), 2);
  EXPECT_EQ(delta("kinesys_ingest_requests_total{status=\"200\",tenant=\"demo\"}"), 1);
  EXPECT_EQ(delta("kinesys_ingest_requests_total{status=\"403\",tenant=\"demo\"}"), 1);
  EXPECT_EQ(delta("kinesys_ingest_records_total{tenant=\"demo\"}"), 1);
  // Five requests and the first scrape finished in between.
  EXPECT_EQ(delta("kinesys_ingest_request_seconds_count"), 6);
  EXPECT_EQ(metric(after, "kinesys_ingest_requests_in_flight"), 0);
}

TEST(ingest_auth, api_keys_never_reach_the_log) {
  auto& s = shared();
  put_json(s.ingest.port, "/stream", events_body, wrong_key);
  put_json(s.ingest.port, "/stream", events_body, demo_key);
  put_json(s.ingest.port, "/stream", orders_body, orders_key);
  put_json(s.ingest.port, "/stream?api_key=sk-in-the-query-0000", events_body, slow_key);
  put_json(s.ingest.port, "/stream", R"({"stream": "audit", "payload": {"device_id": "env"}})", ops_key);
  // The log is written at debug level: every one of these requests is in it.
  ASSERT_TRUE(eventually([&] { return s.ingest.log().find("tenant=orders-team") != std::string::npos; }))
      << s.ingest.log();
  auto log = s.ingest.log();
  for (auto key : {demo_key, orders_key, slow_key, ops_key, wrong_key, std::string_view("sk-in-the-query-0000")})
    EXPECT_EQ(log.find(key), std::string::npos) << "key " << key << " found in the log:\n" << log;
}
