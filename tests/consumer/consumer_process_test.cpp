// kinesys-consumer as a process: crashes (kill -9) and restarts, two
// workers sharing a stream, dead letters and their replay, bad
// configuration. The endpoint runs in this test process.
#include "harness.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <sstream>

namespace kc = kinesys::consumer;
namespace t = kinesys::consumer::test;
using namespace std::chrono_literals;

#define START_BACKEND(name)                              \
  std::string why_not_##name;                            \
  auto name = t::backend::start(why_not_##name);         \
  if (!name) GTEST_SKIP() << why_not_##name

namespace {

std::string binary() { return std::string(KINESYS_BINARY_DIR) + "/bin/kinesys-consumer"; }

/// Runs a command with the backend's environment; returns exit status and
/// stdout+stderr.
std::pair<int, std::string> run_command(t::backend const* b, std::string const& args)
{
  std::string cmd;
  if (b)
    for (auto const& e : b->env()) cmd += e + " ";
  cmd += binary() + " " + args + " 2>&1";
  std::string out;
  FILE* f = ::popen(cmd.c_str(), "r");
  if (!f) return {-1, {}};
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  int status = ::pclose(f);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::map<std::string, int> owners(t::client& c, std::string const& table)
{
  std::map<std::string, int> out;
  for (auto const& l : c.leases(table))
    if (!l.owner.empty()) ++out[l.owner];
  return out;
}

}  // namespace

TEST(consumer_process, merge_totals_are_exact_after_five_kill_9_crashes_with_duplicated_records)
{
  START_BACKEND(b);
  t::client c(*b);
  c.create_stream("ledger", 2);
  c.create_table("totals", "id");
  // 4,000 user records over 40 keys, 5% of them re-sent by a "retrying
  // producer" (same stamp, later position). The long version of this run is
  // the consumer benchmark's crash mode.
  std::map<std::string, long> expected_n, expected_events;
  std::vector<t::test_record> records;
  std::uint64_t seq = 0;
  std::mt19937 rng(5);
  for (int i = 0; i < 4000; ++i) {
    auto key = "acct-" + std::to_string(rng() % 40);
    int n = 1 + static_cast<int>(rng() % 5);
    t::test_record r{key, R"({"id":")" + key + R"(","n":)" + std::to_string(n) + "}", "ledger-producer:" + std::to_string(++seq)};
    records.push_back(r);
    expected_n[key] += n;
    expected_events[key] += 1;
    if (rng() % 20 == 0) records.push_back(r);
  }
  auto half = records.begin() + static_cast<long>(records.size() / 2);
  c.put("ledger", std::vector<t::test_record>(records.begin(), half), true);

  t::temp_dir dir;
  auto config_file = dir.path / "consumer.toml";
  // A fixed worker id: each restart picks up its previous run's leases at
  // once (ids are unique per process, so the old one must be dead).
  auto text = t::fast_settings("ledger", "ledger-app");
  text.insert(0, "worker_id = \"ledger-worker\"\n");
  t::write_file(config_file, text + R"(
[write]
mode = "merge"
[tables.totals]
hash_key = "id"
counters = ["n"]
count_attribute = "events"
[dead_letter]
file = ")" + (dir.path / "dlq.ndjson").string() + "\"\n");

  for (int crash = 0; crash < 5; ++crash) {
    auto p = t::start_consumer_process(*b, config_file);
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 600));  // a random point of the run
    p.stop(SIGKILL);
    if (crash == 1) c.put("ledger", std::vector<t::test_record>(half, records.end()), true);
  }
  auto p = t::start_consumer_process(*b, config_file);
  auto exact = [&] {
    auto items = c.scan("totals");
    if (items.size() != expected_n.size()) return false;
    for (auto const& it : items) {
      auto id = t::string_attr(it, "id");
      if (t::string_attr(it, "n") != std::to_string(expected_n[id]) ||
          t::string_attr(it, "events") != std::to_string(expected_events[id]))
        return false;
    }
    return true;
  };
  bool ok = t::eventually(exact, 60s);
  if (!ok)
    for (auto const& it : c.scan("totals")) {
      auto id = t::string_attr(it, "id");
      ADD_FAILURE() << id << ": n " << t::string_attr(it, "n") << " (expected " << expected_n[id] << "), events "
                    << t::string_attr(it, "events") << " (expected " << expected_events[id] << ")";
    }
  EXPECT_TRUE(ok);
  auto status = p.stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
}

TEST(consumer_process, two_workers_share_four_shards_and_a_killed_workers_leases_move_to_the_other)
{
  START_BACKEND(b);
  t::client c(*b);
  c.create_stream("shared", 4);
  c.create_table("shared_state", "id");
  t::temp_dir dir;
  auto config_file = dir.path / "consumer.toml";
  t::write_file(config_file, t::fast_settings("shared", "shared-app") + R"(
[tables.shared_state]
hash_key = "id"
[dead_letter]
file = ")" + (dir.path / "dlq.ndjson").string() + "\"\n");
  auto a = t::start_consumer_process(*b, config_file, {"--worker-id", "worker-a"});
  ASSERT_TRUE(t::eventually([&] { return owners(c, "shared-app")["worker-a"] == 4; }));
  auto w2 = t::start_consumer_process(*b, config_file, {"--worker-id", "worker-b"});
  ASSERT_TRUE(t::eventually([&] {
    auto o = owners(c, "shared-app");
    return o["worker-a"] == 2 && o["worker-b"] == 2;
  }));
  a.stop(SIGKILL);
  ASSERT_TRUE(t::eventually([&] { return owners(c, "shared-app")["worker-b"] == 4; }));

  std::vector<t::test_record> records;
  for (int i = 0; i < 200; ++i)
    records.push_back({"key-" + std::to_string(i), R"({"id":"key-)" + std::to_string(i) + R"(","v":1})", {}});
  c.put("shared", records);
  ASSERT_TRUE(t::eventually([&] { return c.scan("shared_state").size() == 200; }));
  auto status = w2.stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_TRUE(owners(c, "shared-app").empty());  // released on the way out
}

TEST(consumer_process, poison_records_go_to_the_dead_letter_file_while_the_rest_flows_and_replay_restores_them)
{
  START_BACKEND(b);
  t::client c(*b);
  c.create_stream("orders", 1);
  c.create_table("order_items", "id", "N");
  t::temp_dir dir;
  auto dlq = dir.path / "dlq.ndjson";
  auto settings = [&](bool fixed) {
    return t::fast_settings("orders", "orders-app") + R"(
[routing]
mode = "field"
field = "kind"
values = { good = "order_items")" + (fixed ? R"(, late = "order_items")" : "") + R"( }
[tables.order_items]
hash_key = "id"
hash_key_type = "N"
[dead_letter]
file = ")" + dlq.string() + "\"\n";
  };
  std::vector<t::test_record> records;
  for (int i = 0; i < 30; ++i) records.push_back({"p" + std::to_string(i), R"({"kind":"good","id":)" + std::to_string(i) + "}", {}});
  // A route nobody configured yet, and a key DynamoDB refuses (a string
  // where the table's key is a number): BatchWriteItem rejects its whole
  // batch, bisection isolates the record.
  records.insert(records.begin() + 10, {"p-late", R"({"kind":"late","id":1000})", {}});
  records.insert(records.begin() + 20, {"p-bad", R"({"kind":"good","id":"not-a-number"})", {}});
  c.put("orders", records);
  auto config_file = dir.path / "consumer.toml";
  t::write_file(config_file, settings(false));
  {
    auto p = t::start_consumer_process(*b, config_file);
    ASSERT_TRUE(t::eventually([&] { return c.scan("order_items").size() == 30; }));
    ASSERT_TRUE(t::eventually([&] {
      std::ifstream in(dlq);
      return std::count(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), '\n') == 2;
    }));
    p.stop(SIGTERM);
  }
  std::ifstream in(dlq);
  std::string line;
  std::map<std::string, kc::dead_letter> letters;
  while (std::getline(in, line)) {
    auto d = kc::parse_dead_letter(line).value();
    letters[d.partition_key] = d;
  }
  ASSERT_EQ(letters.size(), 2u);
  EXPECT_EQ(letters["p-late"].reason, "unmappable");
  EXPECT_NE(letters["p-late"].error.find("no table for kind = \"late\""), std::string::npos) << letters["p-late"].error;
  EXPECT_EQ(letters["p-bad"].reason, "write_rejected");
  EXPECT_EQ(letters["p-bad"].shard, c.shards("orders").at(0).shard_id);
  EXPECT_FALSE(letters["p-bad"].sequence.empty());
  EXPECT_EQ(letters["p-late"].data, R"({"kind":"late","id":1000})");

  // The fix: route "late" records. Then replay the letters onto the stream.
  t::write_file(config_file, settings(true));
  auto p = t::start_consumer_process(*b, config_file);
  auto [status, out] = run_command(&*b, "dlq replay --from " + dlq.string() + " --to orders");
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("replayed 2 dead letters"), std::string::npos) << out;
  // "late" is restored; the bad key is still bad and is dead-lettered again.
  ASSERT_TRUE(t::eventually([&] { return c.scan("order_items").size() == 31; }));
  ASSERT_TRUE(t::eventually([&] {
    std::ifstream again(dlq);
    return std::count(std::istreambuf_iterator<char>(again), std::istreambuf_iterator<char>(), '\n') == 3;
  }));
  p.stop(SIGTERM);
}

TEST(consumer_process, bad_configuration_is_refused_with_the_key_and_the_reason)
{
  t::temp_dir dir;
  auto file = dir.path / "bad.toml";
  t::write_file(file, R"(
stream = "s"
[read]
batch_size = 0
interval_ms = 50
[write]
mode = "upsert"
[tables.t1]
range_key = "time"
)");
  auto [status, out] = run_command(nullptr, "--check-config --config " + file.string());
  EXPECT_EQ(status, 2);
  EXPECT_NE(out.find("read.batch_size: must be between 1 and 10000"), std::string::npos) << out;
  EXPECT_NE(out.find("read.interval_ms: must be between 200"), std::string::npos) << out;
  EXPECT_NE(out.find("write.mode: must be one of put, merge (got \"upsert\")"), std::string::npos) << out;
  EXPECT_NE(out.find("tables.t1"), std::string::npos) << out;

  auto [ok_status, ok_out] = run_command(nullptr, "--check-config --stream s --set tables.events.hash_key=id --batch-size 500");
  EXPECT_EQ(ok_status, 0) << ok_out;
  EXPECT_NE(ok_out.find("batch_size = 500"), std::string::npos) << ok_out;

  auto [missing_status, missing_out] = run_command(nullptr, "--config " + (dir.path / "nope.toml").string());
  EXPECT_EQ(missing_status, 2);
  EXPECT_NE(missing_out.find("cannot read configuration file"), std::string::npos) << missing_out;
}
