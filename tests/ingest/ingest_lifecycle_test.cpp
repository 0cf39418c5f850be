// Test that header file is self-contained.
#include "ingest_fixture.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <sys/wait.h>
#include <thread>

using namespace kinesys::ingest::test;

namespace {

constexpr char const* keys_env = "KINESYS_INGEST_API_KEYS=app:sk-app-5e6f7a8b9c0d1e2f:*:0";
constexpr std::string_view app_key = "sk-app-5e6f7a8b9c0d1e2f";

bool contains(std::vector<std::string> const& v, std::string const& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

int exit_code(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1000 - WTERMSIG(status); }

}  // namespace

TEST(ingest_lifecycle, spool_mode_answers_202_once_the_record_is_on_disk_and_it_reaches_the_stream) {
  local_kinesis kinesis;
  kinesis.create_stream("events", 1);
  temp_dir dir;
  auto spool = dir.path / "spool";
  auto p = start_ingest(kinesis, dir.path, {"--spool-dir", spool.string()}, {keys_env});
  ASSERT_NE(p.port, 0);
  // The first put to a stream waits for Kinesis: a misspelt stream must be
  // answered 404, not spooled and lost.
  auto first = put_json(p.port, "/stream", R"({"stream": "events", "payload": {"device_id": "s-0"}})", app_key);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(put_json(p.port, "/stream", R"({"stream": "nope", "payload": {"device_id": "s"}})", app_key).status, 404);

  std::string const payload = R"({"device_id": "s-1", "spooled": true})";
  auto r = put_json(p.port, "/stream", std::string(R"({"stream": "events", "payload": )") + payload + "}", app_key);
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.body, R"({"status":"spooled"})");
  EXPECT_FALSE(std::filesystem::is_empty(spool));
  auto batch = put_json(p.port, "/streams/events/records", R"([{"device_id": "s-2"}, {"device_id": "s-3"}])", app_key);
  ASSERT_EQ(batch.status, 202) << batch.body;
  EXPECT_NE(batch.body.find(R"({"status":"spooled"})"), std::string::npos) << batch.body;
  EXPECT_TRUE(eventually([&] {
    auto stored = kinesis.records("events");
    return contains(stored, payload) && contains(stored, R"({"device_id": "s-3"})");
  }));

  // A record over the Kinesis limit is refused by the producer at once.
  std::string big = R"({"stream": "events", "payload": {"device_id": "big", "pad": ")" + std::string(1 << 20, 'x') + "\"}}";
  auto too_large = put_json(p.port, "/stream", big, app_key);
  ASSERT_EQ(too_large.status, 400) << too_large.body.substr(0, 300);
  EXPECT_NE(too_large.body.find("record_too_large"), std::string::npos) << too_large.body;
  EXPECT_NE(too_large.body.find("1048576"), std::string::npos) << too_large.body;
  EXPECT_EQ(exit_code(p.process.stop(SIGTERM)), 0);
}

TEST(ingest_lifecycle, sigterm_lets_in_flight_requests_finish_then_exits_0) {
  local_kinesis kinesis;
  kinesis.create_stream("events", 1);
  temp_dir dir;
  auto p = start_ingest(kinesis, dir.path, {}, {keys_env});
  ASSERT_NE(p.port, 0);
  ASSERT_EQ(put_json(p.port, "/stream", R"({"stream": "events", "payload": {"device_id": "warm"}})", app_key).status,
            200);
  // Every Kinesis call now takes 600 ms, so the next put is still in flight
  // when the signal arrives.
  kinesys::local::fault_options slow;
  slow.latency = 1.0;
  slow.added_latency = std::chrono::milliseconds(600);
  kinesis.server().set_faults(slow);
  http_reply in_flight;
  std::thread client([&] {
    in_flight = put_json(p.port, "/stream", R"({"stream": "events", "payload": {"device_id": "last"}})", app_key);
  });
  bool started = eventually([&] {
    return metric(get(p.port, "/metrics").body, "kinesys_ingest_requests_in_flight") == 1;
  });
  int status = p.process.stop(SIGTERM);
  client.join();
  ASSERT_TRUE(started);
  EXPECT_EQ(in_flight.status, 200) << in_flight.body;
  EXPECT_EQ(exit_code(status), 0) << p.log();
  kinesis.server().set_faults({});
  EXPECT_TRUE(contains(kinesis.records("events"), R"({"device_id": "last"})"));
  EXPECT_NE(p.log().find("stopped"), std::string::npos) << p.log();
}

TEST(ingest_lifecycle, producer_back_pressure_in_fail_mode_is_503_with_retry_after) {
  local_kinesis kinesis;
  kinesis.create_stream("events", 1);
  temp_dir dir;
  auto p = start_ingest(kinesis, dir.path, {"--set", "BackpressureMode=fail", "--set", "MaxOutstandingRecords=1"},
                        {keys_env});
  ASSERT_NE(p.port, 0);
  ASSERT_EQ(put_json(p.port, "/stream", R"({"stream": "events", "payload": {"device_id": "warm"}})", app_key).status,
            200);
  kinesys::local::fault_options slow;
  slow.latency = 1.0;
  slow.added_latency = std::chrono::milliseconds(500);
  kinesis.server().set_faults(slow);
  http_reply holder;
  std::thread client([&] {
    holder = put_json(p.port, "/stream", R"({"stream": "events", "payload": {"device_id": "a"}})", app_key);
  });
  // The one outstanding record the producer allows is taken...
  bool held = eventually([&] {
    return metric(get(p.port, "/metrics").body, "kinesys_producer_user_records_pending") == 1;
  });
  // ...so the next put is refused at once instead of waiting.
  auto refused = put_json(p.port, "/stream", R"({"stream": "events", "payload": {"device_id": "b"}})", app_key);
  client.join();
  kinesis.server().set_faults({});
  ASSERT_TRUE(held);
  EXPECT_EQ(holder.status, 200) << holder.body;
  ASSERT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.header("retry-after"), "1");
  EXPECT_NE(refused.body.find("\"overloaded\""), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find("MaxOutstandingRecords 1"), std::string::npos) << refused.body;
}

TEST(ingest_lifecycle, credentials_kinesis_refuses_are_502_naming_the_reason_and_logged) {
  local_kinesis kinesis;
  kinesis.create_stream("events", 1);
  temp_dir dir;
  auto p = start_ingest(kinesis, dir.path, {}, {keys_env, "AWS_SECRET_ACCESS_KEY=not-the-secret"});
  ASSERT_NE(p.port, 0);
  auto r = put_json(p.port, "/stream", R"({"stream": "events", "payload": {"device_id": "x"}})", app_key);
  ASSERT_EQ(r.status, 502) << r.body;
  EXPECT_NE(r.body.find("upstream_access_denied"), std::string::npos) << r.body;
  EXPECT_TRUE(eventually([&] { return p.log().find("warn PUT /stream -> 502") != std::string::npos; })) << p.log();
  EXPECT_EQ(p.log().find("not-the-secret"), std::string::npos);
}

TEST(ingest_lifecycle, a_header_slower_than_header_timeout_is_408) {
  local_kinesis kinesis;
  temp_dir dir;
  auto p = start_ingest(kinesis, dir.path, {"--header-timeout-ms", "200"}, {keys_env});
  ASSERT_NE(p.port, 0);
  auto started = std::chrono::steady_clock::now();
  auto r = send_raw(p.port, "PUT /stream HTTP/1.1\r\nHost: x\r\nx-api-", 5s);
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(r.status, 408) << r.body;
  EXPECT_NE(r.body.find("200 ms (--header-timeout-ms)"), std::string::npos) << r.body;
  EXPECT_LT(took, 3s);
}

TEST(ingest_lifecycle, bad_flags_and_configuration_exit_2_naming_the_problem) {
  temp_dir dir;
  auto [port_code, port_log] = run_ingest({"--port", "not-a-port"}, {keys_env});
  EXPECT_EQ(port_code, 2) << port_log;
  EXPECT_NE(port_log.find("--port"), std::string::npos) << port_log;

  auto [no_keys_code, no_keys_log] = run_ingest({"--port", "0"});
  EXPECT_EQ(no_keys_code, 2);
  EXPECT_NE(no_keys_log.find("no API keys"), std::string::npos) << no_keys_log;

  auto keys = dir.path / "keys.toml";
  write_file(keys, "[[tenant]]\nname = \"a\"\napi_key = \"sk-secret-in-file-1\"\nstreams = [\"x\"]\nrate = 5\n");
  auto [file_code, file_log] = run_ingest({"--keys-file", keys.string()});
  EXPECT_EQ(file_code, 2);
  EXPECT_NE(file_log.find("unknown key \"rate\""), std::string::npos) << file_log;
  EXPECT_EQ(file_log.find("sk-secret-in-file-1"), std::string::npos) << file_log;

  auto [set_code, set_log] = run_ingest({"--set", "NoSuchKey=1"}, {keys_env});
  EXPECT_EQ(set_code, 2);
  EXPECT_NE(set_log.find("NoSuchKey"), std::string::npos) << set_log;

  auto [range_code, range_log] = run_ingest({"--set", "RecordTtl=5"}, {keys_env});
  EXPECT_EQ(range_code, 2);
  EXPECT_NE(range_log.find("RecordTtl"), std::string::npos) << range_log;
}

TEST(ingest_lifecycle, version_and_help_exit_0) {
  EXPECT_EQ(run_ingest({"--version"}).first, 0);
  EXPECT_EQ(run_ingest({"--help"}).first, 0);
}
