// Test that header file is self-contained.
#include "spool.hpp"

#include "stream_fixture.hpp"

#include <kinesys/local.hpp>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <child_process.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

namespace kinesys::producer::detail {
namespace {

namespace fs = std::filesystem;

struct temp_dir {
  fs::path path = fs::temp_directory_path() / ("kinesys-spool-" + std::to_string(::getpid()) + "-" +
                                               std::to_string(counter()++));
  temp_dir() { fs::remove_all(path); }
  ~temp_dir() { fs::remove_all(path); }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

void write_file(fs::path const& p, std::string const& bytes) { std::ofstream(p, std::ios::binary) << bytes; }
std::string read_file(fs::path const& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream b;
  b << in.rdbuf();
  return b.str();
}

TEST(spool_recovery, returns_unacknowledged_records_in_put_order_and_cuts_torn_tails) {
  temp_dir dir;
  fs::create_directories(dir.path);
  std::string a;
  append_spool_header(a);
  append_record_frame(a, (5ULL << 40) | 1, 1, "p", "s", "k1", "", "one");
  append_record_frame(a, (5ULL << 40) | 2, 2, "p", "s", "k1", "", "two");
  append_record_frame(a, (5ULL << 40) | 3, 3, "p", "s", "k2", "", "three");
  std::string b;
  append_spool_header(b);
  append_ack_frame(b, {(5ULL << 40) | 2});
  append_record_frame(b, (7ULL << 40) | 4, 4, "p", "s", "k1", "", "four");
  std::size_t good_b = b.size();
  b += "\x10\0\0";  // a torn frame header
  write_file(dir.path / "spool-0000000005.log", a);
  write_file(dir.path / "spool-0000000007.log", b);
  write_file(dir.path / "notes.txt", "not a spool file");

  auto r = recover_spool(dir.path);
  ASSERT_TRUE(r) << r.error().message();
  std::vector<std::string> data;
  for (auto const& rec : r->records) data.push_back(rec.data);
  EXPECT_EQ(data, (std::vector<std::string>{"one", "three", "four"}));
  EXPECT_EQ(r->torn_files, 1u);
  EXPECT_EQ(r->files.size(), 2u);
  EXPECT_EQ(r->next_segment, 8u);
  EXPECT_EQ(fs::file_size(dir.path / "spool-0000000007.log"), good_b);
  EXPECT_EQ(read_file(dir.path / "notes.txt"), "not a spool file");
}

TEST(spool_recovery, creates_a_missing_directory) {
  temp_dir dir;
  auto r = recover_spool(dir.path / "nested");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->records.empty());
  EXPECT_TRUE(fs::is_directory(dir.path / "nested"));
}

// Runs the io_context until `done` is set.
template <class Pred>
void run_until(boost::asio::io_context& io, Pred done) {
  while (!done()) {
    io.restart();
    if (io.run_one() == 0) break;
  }
}

TEST(spool_writer, spooled_records_are_recovered_until_acknowledged_and_trimmed_after) {
  temp_dir dir;
  fs::create_directories(dir.path);
  producer_config c;
  c.spool_segment_size = 4 << 20;
  boost::asio::io_context io;
  spool s(io, dir.path, 0, 1, 1, c);
  if (auto ec = s.open()) {
    if (ec == engine::errc::uring_unavailable) GTEST_SKIP() << "io_uring is not available here: " << ec.message();
    FAIL() << ec.message();
  }
  std::vector<user_record> recs(3);
  for (int i = 0; i < 3; ++i) {
    recs[i].partition_key = "k" + std::to_string(i);
    recs[i].data = "d" + std::to_string(i);
    recs[i].stamp = 100 + i;
    s.record(recs[i], "stream", "p");
  }
  s.acknowledge(recs[1].spool_id);
  bool synced = false;
  s.sync([&](boost::system::error_code ec) {
    EXPECT_FALSE(ec);
    synced = true;
  });
  run_until(io, [&] { return synced; });
  ASSERT_TRUE(synced);

  auto r = recover_spool(dir.path);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->records.size(), 2u);
  EXPECT_EQ(r->records[0].data, "d0");
  EXPECT_EQ(r->records[0].stamp, 100u);
  EXPECT_EQ(r->records[1].data, "d2");

  s.acknowledge(recs[0].spool_id);
  s.acknowledge(recs[2].spool_id);
  bool closed = false;
  s.close([&] { closed = true; });
  run_until(io, [&] { return closed; });
  ASSERT_TRUE(closed);
  // Everything acknowledged: the files are gone.
  EXPECT_TRUE(fs::is_empty(dir.path));
}

TEST(spool_writer, files_roll_over_and_finished_ones_are_deleted) {
  temp_dir dir;
  fs::create_directories(dir.path);
  producer_config c;
  c.spool_segment_size = 4 << 20;
  boost::asio::io_context io;
  spool s(io, dir.path, 0, 1, 1, c);
  if (auto ec = s.open()) GTEST_SKIP() << "spool file could not be opened: " << ec.message();
  std::vector<user_record> recs(10);
  std::string big(1 << 20, 'x');
  for (auto& u : recs) {
    u.partition_key = "k";
    u.data = big;
    s.record(u, "stream", "p");
    bool synced = false;
    s.sync([&](boost::system::error_code) { synced = true; });
    run_until(io, [&] { return synced; });
  }
  auto files = [&] {
    std::size_t n = 0;
    for ([[maybe_unused]] auto const& e : fs::directory_iterator(dir.path)) ++n;
    return n;
  };
  EXPECT_GE(files(), 2u);  // 10 MiB in 4 MiB files
  for (auto& u : recs) s.acknowledge(u.spool_id);
  bool synced = false;
  s.sync([&](boost::system::error_code) { synced = true; });
  run_until(io, [&] { return synced; });
  EXPECT_EQ(files(), 1u);  // only the file still open remains
  auto r = recover_spool(dir.path);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->records.empty());
}

/// A producer that takes over the spool a killed one left in `dir`.
producer_config recovering_config(std::string const& endpoint, fs::path const& dir) {
  producer_config c;
  c.kinesis_endpoint = endpoint;
  c.spool_directory = dir;
  c.record_max_buffered_time = std::chrono::milliseconds(20);
  return c;
}

TEST(spool_crash, a_killed_producer_loses_nothing_it_spooled) {
  local::local_server server{local::local_options{}};
  ASSERT_TRUE(server.start());
  kinesys::test::stream_client client(server.endpoint());
  client.create("crash", 2);
  temp_dir dir;

  kinesys::test::child_process child(
      {KINESYS_SPOOL_CHILD, server.endpoint(), "crash", dir.path.string(), "500", "1000"});
  auto acked = child.read_line(std::chrono::seconds(60));
  ASSERT_TRUE(acked);
  auto spooled = child.read_line(std::chrono::seconds(60));
  if (!spooled) GTEST_SKIP() << "the child could not spool (io_uring unavailable?)";
  ASSERT_EQ(*acked, "acked 500");
  ASSERT_EQ(*spooled, "spooled 1500");
  child.stop(9);  // SIGKILL: no destructor, no flush

  producer p(recovering_config(server.endpoint(), dir.path), kinesys::test::local_environment());
  p.flush_sync();
  auto m = p.metrics();
  EXPECT_EQ(m.recovered, 1000u);  // the 500 acknowledged ones are not sent again

  std::map<std::string, int> next;
  int total = 0;
  for (auto const& r : client.read_all("crash")) {
    auto hash = r.data.find('#');
    std::string key = r.data.substr(0, hash);
    int n = std::stoi(r.data.substr(hash + 1));
    EXPECT_EQ(n, next[key]) << key;
    next[key] = n + 1;
    ++total;
    EXPECT_EQ(r.stamp.rfind("child", 0), 0u) << r.stamp;  // the original stamps
  }
  EXPECT_EQ(total, 1500);
  p.close();
  // Everything acknowledged and the producer closed: the spool is empty.
  std::size_t left = 0;
  for ([[maybe_unused]] auto const& e : fs::directory_iterator(dir.path)) ++left;
  EXPECT_EQ(left, 0u);
}

// A full disk under the spool, played by a file-size limit (a write past it
// fails with EFBIG as one on a full disk fails with ENOSPC): records are
// still delivered, sync_spool() reports the failure (the child exits 1
// with it, not by a signal), and a new producer on the directory recovers
// what was written without finding it corrupt.
TEST(spool_crash, a_full_disk_under_the_spool_is_reported_and_delivery_goes_on) {
  local::local_server server{local::local_options{}};
  ASSERT_TRUE(server.start());
  kinesys::test::stream_client client(server.endpoint());
  client.create("full", 2);
  temp_dir dir;

  // 16 KiB (ulimit -f counts 512-byte blocks); the 3,000 records' frames
  // need several times that.
  kinesys::test::child_process child({"/bin/sh", "-c",
                                      std::string("trap '' XFSZ; ulimit -f 32; exec ") + KINESYS_SPOOL_CHILD + " " +
                                          server.endpoint() + " full " + dir.path.string() + " 3000 10"});
  auto acked = child.read_line(std::chrono::seconds(60));
  ASSERT_TRUE(acked) << "the producer stopped delivering when its spool could not write";
  EXPECT_EQ(*acked, "acked 3000");
  EXPECT_FALSE(child.read_line(std::chrono::seconds(60))) << "sync_spool() reported success on a full disk";
  int const status = child.stop(SIGKILL);
  ASSERT_TRUE(WIFEXITED(status)) << "the producer died of a signal, status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 1);  // sync_spool() returned the error

  producer p(recovering_config(server.endpoint(), dir.path), kinesys::test::local_environment());
  p.flush_sync();
  // Every acknowledged record is in the stream (the 10 that only the full
  // spool knew of may be missing: they were never acknowledged).
  std::map<std::string, std::set<int>> seen;
  for (auto const& r : client.read_all("full")) {
    auto hash = r.data.find('#');
    seen[r.data.substr(0, hash)].insert(std::stoi(r.data.substr(hash + 1)));
  }
  for (int n = 0; n < 3000; ++n)
    EXPECT_TRUE(seen["key-" + std::to_string(n % 10)].contains(n / 10)) << "acknowledged record " << n << " missing";
  p.close();
}

}  // namespace
}  // namespace kinesys::producer::detail
