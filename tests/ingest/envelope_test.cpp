// Test that header file is self-contained.
#include "envelope.hpp"

#include <gtest/gtest.h>

using namespace kinesys::ingest;

namespace {

body_problem problem_of(std::string body) {
  auto r = parse_single(body);
  EXPECT_FALSE(r) << body;
  return r ? body_problem{} : r.error();
}

}  // namespace

TEST(envelope, keeps_the_payload_bytes_exactly_as_sent) {
  std::string const payload = "{ \"device_id\" : \"d-1\",\n  \"n\": 1.50e0, \"s\": \"caf\\u00e9\", \"a\": [1 , 2] }";
  std::string body = "{\"stream\": \"events\", \"payload\": " + payload + " , \"extra\": true}";
  auto r = parse_single(body);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->stream, "events");
  EXPECT_EQ(r->payload, payload);
}

TEST(envelope, payload_may_come_before_stream_and_the_stream_name_is_unescaped) {
  std::string body = R"({"payload": {"k": 1}, "stream": "ev\u0065nts"})";
  auto r = parse_single(body);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->stream, "events");
  EXPECT_EQ(r->payload, R"({"k": 1})");
}

TEST(envelope, missing_or_empty_fields_are_named) {
  auto no_stream = problem_of(R"({"payload": {}})");
  EXPECT_EQ(no_stream.code, "missing_field");
  EXPECT_NE(no_stream.message.find("\"stream\""), std::string::npos);
  EXPECT_EQ(problem_of(R"({"stream": "", "payload": {}})").code, "missing_field");
  auto no_payload = problem_of(R"({"stream": "events"})");
  EXPECT_EQ(no_payload.code, "missing_field");
  EXPECT_NE(no_payload.message.find("\"payload\""), std::string::npos);
  EXPECT_EQ(problem_of(R"({"stream": "events", "payload": null})").code, "missing_field");
}

TEST(envelope, wrong_types_are_named) {
  auto payload = problem_of(R"({"stream": "events", "payload": "text"})");
  EXPECT_EQ(payload.code, "invalid_payload");
  EXPECT_NE(payload.message.find("a string"), std::string::npos) << payload.message;
  EXPECT_EQ(problem_of(R"({"stream": 7, "payload": {}})").code, "invalid_field");
  EXPECT_EQ(problem_of(R"([1, 2])").code, "malformed_json");
}

TEST(envelope, malformed_json_says_where) {
  auto p = problem_of(R"({"stream": "events" "payload": {}})");
  EXPECT_EQ(p.status, 400u);
  EXPECT_EQ(p.code, "malformed_json");
  EXPECT_NE(p.message.find("at byte"), std::string::npos) << p.message;
}

TEST(envelope, malformed_json_inside_the_payload_never_passes) {
  // On Demand skips a payload it only copies; the full validation sees it.
  for (std::string body : {R"({"stream": "events", "payload": {"a" 1}})", R"({"stream": "events", "payload": {"a": [1,,2]}})",
                           R"({"stream": "events", "payload": {"a": tru}})", R"({"stream": "events", "payload": {"a": 1})",
                           R"({"stream": "events", "payload": {}} trailing)", "", "{"}) {
    auto p = problem_of(body);
    EXPECT_EQ(p.code, "malformed_json") << body << " -> " << p.message;
  }
}

TEST(envelope, batch_entries_keep_their_bytes_and_bad_entries_are_marked) {
  std::string body = R"([ {"device_id": "a"} , 42, {"device_id":"b","x":[ ]}, "text" ])";
  std::vector<batch_entry> entries;
  ASSERT_TRUE(parse_batch(body, 10, entries));
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].payload, R"({"device_id": "a"})");
  EXPECT_TRUE(entries[0].problem.empty());
  EXPECT_NE(entries[1].problem.find("a number"), std::string::npos) << entries[1].problem;
  EXPECT_EQ(entries[2].payload, R"({"device_id":"b","x":[ ]})");
  EXPECT_NE(entries[3].problem.find("a string"), std::string::npos);
}

TEST(envelope, batch_limits_name_the_limit) {
  std::vector<batch_entry> entries;
  std::string four = "[{},{},{},{}]";
  auto over = parse_batch(four, 3, entries);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().status, 413u);
  EXPECT_EQ(over.error().code, "batch_too_large");
  EXPECT_NE(over.error().message.find("more than 3 entries"), std::string::npos);
  std::string empty = " [ ] ";
  auto none = parse_batch(empty, 3, entries);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, "empty_batch");
  std::string object = R"({"records": []})";
  auto wrong = parse_batch(object, 3, entries);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, "malformed_json");
  std::string broken = R"([{"a": 1}, {"b" 2}])";
  EXPECT_FALSE(parse_batch(broken, 3, entries));
}
