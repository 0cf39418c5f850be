// Hostile clients against the kinesys-ingest binary: 10,000 idle
// connections, a header trickled a byte at a time, oversized headers and
// bodies, bytes that are not HTTP, invalid UTF-8 and deeply nested JSON, and
// a flood of wrong API keys, all at once. A tenant with the right key is
// still served within its latency bound, the process survives with bounded
// memory, and no key, right or wrong, appears in its log or its metrics.
#include "hostile_support.hpp"
#include "ingest_fixture.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <thread>

using namespace kinesys::ingest::test;
namespace hostile = kinesys::hostile;

namespace {

constexpr std::string_view tenant_key = "sk-hostile-tenant-5e6f7a8b9c0d1e2f";

std::string wrong_key(int i) { return "sk-forged-" + std::to_string(100000 + i) + "-a1b2c3d4"; }

std::string const good_body = R"({"stream": "events", "payload": {"device_id": "calm-1", "v": 1}})";

struct hostile_ingest {
  explicit hostile_ingest(std::chrono::milliseconds header_timeout) {
    kinesis.create_stream("events", 2);
    auto keys = dir.path / "keys.toml";
    write_file(keys, "[[tenant]]\nname = \"calm\"\napi_key = \"" + std::string(tenant_key) +
                         "\"\nstreams = [\"events\"]\nrate_limit = 0\n");
    ingest = start_ingest(kinesis, dir.path,
                          {"--keys-file", keys.string(), "--max-body-bytes", "65536", "--max-connections", "12000",
                           "--header-timeout-ms", std::to_string(header_timeout.count()), "--log-level", "debug",
                           "--set", "RecordMaxBufferedTime=10ms"});
  }
  local_kinesis kinesis;
  temp_dir dir;
  ingest_process ingest;
};

/// The slowest of `n` PUT /stream calls with the right key, each expected 200.
std::chrono::milliseconds worst_good_put(std::uint16_t port, int n) {
  std::chrono::nanoseconds worst{0};
  for (int i = 0; i < n; ++i) {
    auto const t0 = hostile::clock_type::now();
    auto r = put_json(port, "/stream", good_body, tenant_key);
    worst = std::max<std::chrono::nanoseconds>(worst, hostile::clock_type::now() - t0);
    EXPECT_EQ(r.status, 200) << r.body;
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(worst);
}

}  // namespace

TEST(ingest_hostile, idle_oversized_malformed_and_forged_clients_do_not_starve_a_tenant_or_leak_a_key) {
  constexpr std::size_t idle = 10000;
  auto const limit = hostile::raise_fd_limit();
  if (limit < idle + 256) GTEST_SKIP() << "RLIMIT_NOFILE is " << limit << ", needs " << idle + 256;
  hostile_ingest h(30s);  // the idle connections stay for the whole test
  auto const port = h.ingest.port;
  ASSERT_NE(port, 0);

  std::vector<int> idlers;
  for (std::size_t i = 0; i < idle; ++i) {
    int fd = hostile::connect_loopback(port);
    ASSERT_GE(fd, 0) << "connect " << i << ": " << std::strerror(errno);
    idlers.push_back(fd);
    if (i % 2 == 0) hostile::send_all(fd, "PUT /stream HTTP/1.1\r\nHost: x\r\n");  // and never finishes
  }

  // Every idle connection is accepted and held by kinesys-ingest.
  auto const server_pid = h.ingest.process.pid();
  EXPECT_TRUE(hostile::eventually([&] { return hostile::open_fds(server_pid) >= idle; }, 30s))
      << hostile::open_fds(server_pid) << " descriptors open in kinesys-ingest";

  // A flood of wrong keys from four clients while the other abuse goes on.
  std::atomic<int> forged{0}, forged_refused{0};
  std::vector<std::thread> flood;
  for (int t = 0; t < 4; ++t) {
    flood.emplace_back([&, t] {
      for (int i = 0; i < 250; ++i) {
        auto r = put_json(port, "/stream", good_body, wrong_key(t * 1000 + i));
        forged.fetch_add(1);
        if (r.status == 403) forged_refused.fetch_add(1);
      }
    });
  }

  auto const big_header = request_text("PUT", "/stream", {{"X-Filler", std::string(20000, 'h')}}, good_body);
  EXPECT_EQ(send_raw(port, big_header).status, 431);
  auto const big_body = put_json(port, "/stream", std::string(70000, ' '), tenant_key);
  EXPECT_EQ(big_body.status, 413) << big_body.body;
  EXPECT_EQ(send_raw(port, std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + "\r\n\r\n").status, 400);
  auto const bad_utf8 = put_json(port, "/stream", "{\"stream\": \"events\", \"payload\": {\"device_id\": \"\xc3\x28\"}}",
                                 tenant_key);
  EXPECT_EQ(bad_utf8.status, 400) << bad_utf8.body;
  auto const nested = put_json(port, "/stream",
                               R"({"stream": "events", "payload": )" + std::string(20000, '[') + std::string(20000, ']') +
                                   "}",
                               tenant_key);
  EXPECT_EQ(nested.status, 400) << nested.body;

  auto const worst = worst_good_put(port, 20);
  for (auto& t : flood) t.join();
  // Every connection costs a coroutine and a small buffer, not more.
  auto const rss_mib = hostile::vm_rss_kib(h.ingest.process.pid()) / 1024;
  std::printf("%zu idle connections held, %d forged keys refused; worst PUT /stream with the right key %lld ms; "
              "kinesys-ingest RSS %zu MiB\n",
              idle, forged_refused.load(), static_cast<long long>(worst.count()), rss_mib);
  EXPECT_LT(rss_mib, hostile::running_under_asan() || hostile::running_under_tsan() ? 1024u : 256u);
  EXPECT_EQ(forged_refused.load(), forged.load());
  EXPECT_LT(worst.count(), 1000);
  EXPECT_EQ(::waitpid(h.ingest.process.pid(), nullptr, WNOHANG), 0) << "kinesys-ingest exited:\n" << h.ingest.log();

  // Still serving once they all vanish at once (a storm of resets that
  // takes a sanitized build over a second to work through, hence no bound).
  for (int fd : idlers) hostile::close_with_reset(fd);
  auto after = put_json(port, "/stream", good_body, tenant_key);
  EXPECT_EQ(after.status, 200) << after.body;

  auto const metrics = get(port, "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.body.find(tenant_key), std::string::npos) << "the tenant's key is in /metrics";
  EXPECT_EQ(metrics.body.find("sk-forged-"), std::string::npos) << "a forged key is in /metrics";

  auto const log = h.ingest.log();
  EXPECT_EQ(log.find(tenant_key), std::string::npos) << "the tenant's key is in the log";
  for (int i : {0, 1, 249, 1000, 3249})
    EXPECT_EQ(log.find(wrong_key(i)), std::string::npos) << "a forged key is in the log";
  EXPECT_EQ(log.find("sk-forged-"), std::string::npos) << "part of a forged key is in the log";
}

TEST(ingest_hostile, a_header_trickled_a_byte_at_a_time_is_cut_off_at_the_header_timeout) {
  hostile_ingest h(500ms);
  auto const port = h.ingest.port;
  ASSERT_NE(port, 0);
  int fd = hostile::connect_loopback(port);
  ASSERT_GE(fd, 0);
  auto const started = hostile::clock_type::now();
  std::string const header = "PUT /stream HTTP/1.1\r\nHost: x\r\nX-Api-Key: " + std::string(tenant_key) + "\r\n";
  // A byte every 50 ms until the server gives up on us.
  bool cut_off = false;
  for (char c : header) {
    if (!hostile::send_all(fd, std::string_view(&c, 1))) {
      cut_off = true;
      break;
    }
    auto r = hostile::read_until_close(fd, 50ms);
    if (r.closed) {
      EXPECT_TRUE(r.bytes.empty() || r.status() == 408) << r.bytes;
      cut_off = true;
      break;
    }
  }
  auto const took = hostile::clock_type::now() - started;
  ::close(fd);
  EXPECT_TRUE(cut_off) << "the trickled header was never cut off";
  EXPECT_LT(took, 3s);
  EXPECT_LT(worst_good_put(port, 5).count(), 1000);
  EXPECT_EQ(h.ingest.log().find(tenant_key), std::string::npos) << "the tenant's key is in the log";
}
