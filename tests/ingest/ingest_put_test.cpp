// Test that header file is self-contained.
#include "ingest_fixture.hpp"

#include <gtest/gtest.h>

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <random>

using namespace kinesys::ingest::test;

namespace {

simdjson::dom::element parse(simdjson::dom::parser& parser, std::string const& body) {
  simdjson::dom::element e;
  auto error = parser.parse(body).get(e);
  EXPECT_FALSE(error) << "not JSON: " << body;
  return e;
}

std::string field(std::string const& body, char const* name) {
  simdjson::dom::parser parser;
  std::string_view v;
  if (parse(parser, body)[name].get(v)) return {};
  return std::string(v);
}

std::string unique(std::string_view what) {
  static std::mt19937_64 rng(std::random_device{}());
  return std::string(what) + "-" + std::to_string(rng());
}

bool contains(std::vector<std::string> const& v, std::string const& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

std::string envelope(std::string_view stream, std::string_view payload) {
  return "{\"stream\": \"" + std::string(stream) + "\", \"payload\": " + std::string(payload) + "}";
}

}  // namespace

TEST(ingest_put, an_acknowledged_put_answers_shard_and_sequence_and_lands_the_exact_payload_bytes) {
  auto& s = shared();
  // Odd spacing, a number spelt unusually and an escape: none may change.
  std::string const payload = "{ \"device_id\" : \"dev-1\",  \"energy_type\":\"nuclear\" , \"reading\": 1.50e0, "
                              "\"note\": \"caf\\u00e9\", \"id\": \"" + unique("happy") + "\" }";
  auto r = put_json(s.ingest.port, "/stream", envelope("events", payload), demo_key);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(field(r.body, "shard_id").rfind("shardId-", 0), 0u) << r.body;
  EXPECT_FALSE(field(r.body, "sequence_number").empty()) << r.body;
  EXPECT_TRUE(contains(s.kinesis.records("events"), payload));
}

TEST(ingest_put, the_path_prefix_serves_the_seed_curl_example) {
  auto& s = shared();
  // The seed's request, verbatim but for the stream, routed by a header
  // since its payload has no device_id.
  std::string const payload = "{ \"energy_type\": \"nuclear\", \"id\": \"" + unique("seed") + "\" }";
  auto r = put_json(s.ingest.port, "/prod/stream", envelope("events", payload), demo_key,
                    {{"x-partition-key", "meter-1"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(contains(s.kinesis.records("events"), payload));
  EXPECT_EQ(put_json(s.ingest.port, "/staging/stream", envelope("events", payload), demo_key).status, 404);
}

TEST(ingest_put, a_payload_without_the_key_field_or_header_is_400_naming_the_field) {
  auto& s = shared();
  auto r = put_json(s.ingest.port, "/stream", envelope("events", R"({"energy_type": "solar"})"), demo_key);
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(field(r.body, "error"), "missing_partition_key");
  EXPECT_NE(field(r.body, "message").find("\"device_id\""), std::string::npos) << r.body;
}

TEST(ingest_put, a_partition_key_over_256_characters_is_400_naming_the_limit) {
  auto& s = shared();
  auto r = put_json(s.ingest.port, "/stream", envelope("events", R"({"v": 1})"), demo_key,
                    {{"x-partition-key", std::string(300, 'k')}});
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(field(r.body, "error"), "invalid_partition_key");
  EXPECT_NE(field(r.body, "message").find("256"), std::string::npos) << r.body;
}

TEST(ingest_put, a_batch_answers_one_result_per_entry_in_order) {
  auto& s = shared();
  std::vector<std::string> payloads;
  for (int i = 0; i < 3; ++i)
    payloads.push_back("{\"device_id\": \"dev-" + std::to_string(i) + "\", \"id\": \"" + unique("batch") + "\"}");
  std::string body = "[" + payloads[0] + ", " + payloads[1] + ",\n" + payloads[2] + "]";
  auto r = put_json(s.ingest.port, "/prod/streams/events/records", body, demo_key);
  ASSERT_EQ(r.status, 200) << r.body;
  simdjson::dom::parser parser;
  auto doc = parse(parser, r.body);
  simdjson::dom::array results;
  ASSERT_FALSE(doc["results"].get(results)) << r.body;
  ASSERT_EQ(results.size(), 3u);
  for (auto entry : results) {
    std::string_view shard;
    EXPECT_FALSE(entry["shard_id"].get(shard)) << r.body;
  }
  EXPECT_EQ(std::uint64_t(doc["failed"]), 0u);
  auto stored = s.kinesis.records("events");
  for (auto const& p : payloads) EXPECT_TRUE(contains(stored, p)) << p;
}

TEST(ingest_put, a_batch_with_bad_entries_answers_207_and_puts_the_good_ones) {
  auto& s = shared();
  std::string const good1 = "{\"device_id\": \"a\", \"id\": \"" + unique("good") + "\"}";
  std::string const good2 = "{\"device_id\": \"b\", \"id\": \"" + unique("good") + "\"}";
  std::string body = "[" + good1 + ", 42, {\"no_key\": true}, " + good2 + "]";
  auto r = put_json(s.ingest.port, "/streams/events/records", body, demo_key);
  ASSERT_EQ(r.status, 207) << r.body;
  simdjson::dom::parser parser;
  auto doc = parse(parser, r.body);
  EXPECT_EQ(std::uint64_t(doc["failed"]), 2u);
  simdjson::dom::array results;
  ASSERT_FALSE(doc["results"].get(results));
  ASSERT_EQ(results.size(), 4u);
  std::string_view v;
  EXPECT_FALSE(results.at(0)["shard_id"].get(v));
  EXPECT_FALSE(results.at(1)["error"].get(v));
  EXPECT_EQ(v, "invalid_payload");
  EXPECT_FALSE(results.at(2)["error"].get(v));
  EXPECT_EQ(v, "missing_partition_key");
  EXPECT_FALSE(results.at(3)["shard_id"].get(v));
  auto stored = s.kinesis.records("events");
  EXPECT_TRUE(contains(stored, good1));
  EXPECT_TRUE(contains(stored, good2));
}

TEST(ingest_put, concurrent_clients_on_both_cores_all_land_exactly_once) {
  auto& s = shared();
  std::string const run = unique("conc");
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t)
    clients.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        std::string payload = "{\"device_id\": \"d" + std::to_string(i % 5) + "\", \"run\": \"" + run +
                              "\", \"n\": " + std::to_string(t * 100 + i) + "}";
        if (put_json(s.ingest.port, "/stream", envelope("events", payload), demo_key).status == 200) ++ok;
      }
    });
  for (auto& c : clients) c.join();
  EXPECT_EQ(ok.load(), 80);
  auto stored = s.kinesis.records("events");
  auto landed = std::count_if(stored.begin(), stored.end(), [&](std::string const& r) { return r.find(run) != std::string::npos; });
  EXPECT_EQ(landed, 80);
}

TEST(ingest_put, a_batch_over_max_batch_is_413_naming_the_limit) {
  auto& s = shared();
  auto r = put_json(s.ingest.port, "/streams/events/records", "[{},{},{},{},{},{}]", demo_key);
  ASSERT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(field(r.body, "error"), "batch_too_large");
  EXPECT_NE(field(r.body, "message").find("more than 5 entries"), std::string::npos) << r.body;
}

TEST(ingest_errors, malformed_json_is_400_with_the_offset) {
  auto& s = shared();
  auto r = put_json(s.ingest.port, "/stream", R"({"stream": "events" "payload": {}})", demo_key);
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(field(r.body, "error"), "malformed_json");
  EXPECT_NE(field(r.body, "message").find("at byte"), std::string::npos) << r.body;
  auto inside = put_json(s.ingest.port, "/stream", R"({"stream": "events", "payload": {"device_id" "x"}})", demo_key);
  EXPECT_EQ(inside.status, 400) << inside.body;
}

TEST(ingest_errors, a_missing_stream_or_payload_is_400_naming_the_field) {
  auto& s = shared();
  auto no_stream = put_json(s.ingest.port, "/stream", R"({"payload": {"device_id": "x"}})", demo_key);
  ASSERT_EQ(no_stream.status, 400) << no_stream.body;
  EXPECT_EQ(field(no_stream.body, "error"), "missing_field");
  EXPECT_NE(field(no_stream.body, "message").find("\"stream\""), std::string::npos);
  auto no_payload = put_json(s.ingest.port, "/stream", R"({"stream": "events"})", demo_key);
  ASSERT_EQ(no_payload.status, 400) << no_payload.body;
  EXPECT_NE(field(no_payload.body, "message").find("\"payload\""), std::string::npos);
  auto bad_name = put_json(s.ingest.port, "/stream", envelope("no such/stream", "{}"), ops_key);
  ASSERT_EQ(bad_name.status, 400) << bad_name.body;
  EXPECT_EQ(field(bad_name.body, "error"), "invalid_stream_name");
}

TEST(ingest_errors, an_unknown_stream_is_404) {
  auto& s = shared();
  auto r = put_json(s.ingest.port, "/stream", envelope("no-such-stream", R"({"device_id": "x"})"), ops_key);
  ASSERT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(field(r.body, "error"), "stream_not_found");
  EXPECT_NE(field(r.body, "message").find("no-such-stream"), std::string::npos) << r.body;
  auto batch = put_json(s.ingest.port, "/streams/no-such-stream/records", R"([{"device_id": "x"}])", ops_key);
  EXPECT_EQ(batch.status, 404) << batch.body;
}

TEST(ingest_errors, an_unknown_path_is_404_and_a_wrong_method_is_405_with_allow) {
  auto& s = shared();
  auto unknown = put_json(s.ingest.port, "/records", envelope("events", "{}"), demo_key);
  ASSERT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(field(unknown.body, "error"), "not_found");
  auto post = send_raw(s.ingest.port, request_text("POST", "/stream", {{"x-api-key", std::string(demo_key)}}, "{}"));
  ASSERT_EQ(post.status, 405) << post.body;
  EXPECT_EQ(post.header("allow"), "PUT");
  EXPECT_EQ(field(post.body, "error"), "method_not_allowed");
  auto del_health = send_raw(s.ingest.port, request_text("DELETE", "/health", {}, ""));
  EXPECT_EQ(del_health.status, 405);
  EXPECT_EQ(del_health.header("allow"), "GET");
}

TEST(ingest_errors, a_body_over_max_body_bytes_is_413_naming_the_limit) {
  auto& s = shared();
  // The header announces the size; the server refuses before any body byte.
  std::string head = "PUT /stream HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nx-api-key: " +
                     std::string(demo_key) + "\r\nContent-Length: 70000\r\n\r\n";
  auto r = send_raw(s.ingest.port, head);
  ASSERT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(field(r.body, "error"), "body_too_large");
  EXPECT_NE(field(r.body, "message").find("65536"), std::string::npos) << r.body;
}

TEST(ingest_errors, a_wrong_content_type_is_415) {
  auto& s = shared();
  auto r = send_raw(s.ingest.port, request_text("PUT", "/stream",
                                                {{"Content-Type", "application/x-www-form-urlencoded"},
                                                 {"x-api-key", std::string(demo_key)}},
                                                envelope("events", R"({"device_id": "x"})")));
  ASSERT_EQ(r.status, 415) << r.body;
  EXPECT_EQ(field(r.body, "error"), "unsupported_media_type");
  auto charset = send_raw(s.ingest.port, request_text("PUT", "/stream",
                                                      {{"Content-Type", "Application/JSON; charset=utf-8"},
                                                       {"x-api-key", std::string(demo_key)}},
                                                      envelope("events", R"({"device_id": "x"})")));
  EXPECT_EQ(charset.status, 200) << charset.body;
}

TEST(ingest_errors, an_oversized_header_is_431) {
  auto& s = shared();
  auto r = send_raw(s.ingest.port, request_text("PUT", "/stream", {{"x-padding", std::string(20000, 'p')}}, "{}"));
  ASSERT_EQ(r.status, 431) << r.body;
  EXPECT_EQ(field(r.body, "error"), "header_too_large");
}
