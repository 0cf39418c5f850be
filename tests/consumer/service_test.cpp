// Test that header file is self-contained.
#include <kinesys/detail/consumer/service.hpp>

#include "harness.hpp"

#include <gtest/gtest.h>

#include <kinesys/detail/codecs/base64.hpp>
#include <kinesys/detail/consumer/dead_letter.hpp>
#include <kinesys/producer.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

namespace kc = kinesys::consumer;
namespace t = kinesys::consumer::test;
using namespace std::chrono_literals;

#define START_BACKEND(name)                              \
  std::string why_not_##name;                            \
  auto name = t::backend::start(why_not_##name);         \
  if (!name) GTEST_SKIP() << why_not_##name

namespace {

std::vector<t::test_record> numbered(std::string const& prefix, int keys, int per_key)
{
  std::vector<t::test_record> out;
  for (int i = 0; i < per_key; ++i)
    for (int k = 0; k < keys; ++k) {
      auto key = prefix + std::to_string(k);
      out.push_back({key, R"({"id":")" + key + R"(","v":)" + std::to_string(i) + "}", {}});
    }
  return out;
}

std::map<std::string, std::string> values_by_id(std::vector<kinesys::codecs::item> const& items, std::string const& field)
{
  std::map<std::string, std::string> out;
  for (auto const& it : items) out[t::string_attr(it, "id")] = t::string_attr(it, field);
  return out;
}

/// A producer against the backend that sends within 20 ms (tests wait on it).
kinesys::producer::producer_config quick_producer(t::backend const& b)
{
  kinesys::producer::producer_config pc;
  pc.kinesis_endpoint = b.kinesis_url();
  pc.record_max_buffered_time = 20ms;
  return pc;
}

/// put mode (latest state per id) into `table`, dead letters in `dir`;
/// `extra` holds more settings (whole sections).
kc::consumer_config state_config(std::string const& stream, std::string const& application, std::string const& table,
                                 t::temp_dir const& dir, std::string const& extra = "")
{
  return kc::parse_config(t::fast_settings(stream, application) + extra + R"(
[tables.)" + table + R"(]
hash_key = "id"
[dead_letter]
file = ")" + (dir.path / "dlq.ndjson").string() + "\"\n")
      .value();
}

/// merge mode into `table`: counter n summed, events counted, dead letters in `dir`.
kc::consumer_config totals_config(std::string const& stream, std::string const& application, std::string const& table,
                                  t::temp_dir const& dir)
{
  return kc::parse_config(t::fast_settings(stream, application) + R"(
[write]
mode = "merge"
[tables.)" + table + R"(]
hash_key = "id"
counters = ["n"]
count_attribute = "events"
[dead_letter]
file = ")" + (dir.path / "dlq.ndjson").string() + "\"\n")
      .value();
}

}  // namespace

namespace {

void put_mode_writes_latest_state(t::backend const& backend)
{
  auto const* b = &backend;
  t::client c(*b);
  c.create_stream("orders", 2);
  c.put("orders", numbered("k", 30, 10));
  t::temp_dir dir;
  auto config = kc::parse_config(t::fast_settings("orders", "orders-app") + R"(
[tables.orders_state]
hash_key = "id"
create_if_missing = true
[dead_letter]
file = ")" + (dir.path / "dlq.ndjson").string() + "\"\n")
                    .value();
  t::in_process_consumer consumer(config, *b);
  std::map<std::string, std::string> expected;
  for (int k = 0; k < 30; ++k) expected["k" + std::to_string(k)] = "9";
  ASSERT_TRUE(t::eventually([&] { return values_by_id(c.scan("orders_state"), "v") == expected; }));
  for (auto const& it : c.scan("orders_state")) EXPECT_FALSE(t::string_attr(it, "_kinesys_pos").empty());

  // Both shards were leased by this worker and are checkpointed.
  ASSERT_TRUE(t::eventually([&] {
    auto leases = c.leases("orders-app");
    return leases.size() == 2 && std::all_of(leases.begin(), leases.end(), [](auto const& l) {
             return l.checkpoint_position().has_value();
           });
  }));
  EXPECT_EQ(consumer.stop(), 0);
  // A clean stop releases the leases.
  for (auto const& l : c.leases("orders-app")) EXPECT_TRUE(l.owner.empty()) << l.key << " still owned by " << l.owner;
}

}  // namespace

TEST(service, writes_the_latest_state_of_every_key_in_put_mode)
{
  START_BACKEND(b);
  put_mode_writes_latest_state(*b);
}

TEST(service, writes_the_latest_state_of_every_key_against_kinesalite_and_dynalite)
{
  KINESYS_REQUIRE_PEERS();
  std::string why_not;
  auto b = t::backend::start(why_not, /*prefer_peers=*/true);
  if (!b) GTEST_SKIP() << why_not;
  put_mode_writes_latest_state(*b);
}

TEST(service, a_restart_resumes_from_the_checkpoint_and_never_moves_an_item_backwards)
{
  START_BACKEND(b);
  t::client c(*b);
  c.create_stream("events", 1);
  c.create_table("state", "id");
  t::temp_dir dir;
  auto text = t::fast_settings("events", "events-app") + R"(
[tables.state]
hash_key = "id"
[dead_letter]
file = ")" + (dir.path / "dlq.ndjson").string() +
              "\"\n";
  c.put("events", numbered("k", 5, 20));
  {
    t::in_process_consumer consumer(kc::parse_config(text).value(), *b);
    ASSERT_TRUE(t::eventually([&] { return values_by_id(c.scan("state"), "v").size() == 5; }));
  }
  c.put("events", numbered("k", 5, 3));  // v 0..2 again, newer positions
  t::in_process_consumer consumer(kc::parse_config(text).value(), *b);
  std::map<std::string, std::string> expected;
  for (int k = 0; k < 5; ++k) expected["k" + std::to_string(k)] = "2";
  ASSERT_TRUE(t::eventually([&] { return values_by_id(c.scan("state"), "v") == expected; }));
}

TEST(service, merge_mode_sums_counters_and_drops_producer_retry_duplicates)
{
  START_BACKEND(b);
  t::client c(*b);
  c.create_stream("clicks", 2);
  c.create_table("click_totals", "id");
  std::vector<t::test_record> records;
  std::map<std::string, int> expected_n, expected_events;
  std::uint64_t seq = 0;
  for (int i = 0; i < 200; ++i) {
    auto key = "u" + std::to_string(i % 7);
    int n = 1 + i % 3;
    t::test_record r{key, R"({"id":")" + key + R"(","n":)" + std::to_string(n) + R"(,"last":)" + std::to_string(i) + "}",
                     "producer-1:" + std::to_string(++seq)};
    records.push_back(r);
    expected_n[key] += n;
    expected_events[key] += 1;
    if (i % 10 == 3) records.push_back(r);  // a retry re-sent it: same stamp, later position
  }
  c.put("clicks", records, /*aggregate=*/true);
  t::temp_dir dir;
  auto config = totals_config("clicks", "clicks-app", "click_totals", dir);
  t::in_process_consumer consumer(config, *b);
  auto matches = [&] {
    auto items = c.scan("click_totals");
    if (items.size() != expected_n.size()) return false;
    for (auto const& it : items) {
      auto id = t::string_attr(it, "id");
      if (t::string_attr(it, "n") != std::to_string(expected_n[id])) return false;
      if (t::string_attr(it, "events") != std::to_string(expected_events[id])) return false;
    }
    return true;
  };
  bool ok = t::eventually(matches);
  if (!ok) {
    auto cmd = "curl -s http://127.0.0.1:" + std::to_string(consumer.get().metrics_port()) + "/metrics | grep -v '^#'";
    (void)std::system(cmd.c_str());
  }
  if (!ok)
    for (auto const& it : c.scan("click_totals")) {
      auto id = t::string_attr(it, "id");
      ADD_FAILURE() << id << ": n " << t::string_attr(it, "n") << " (expected " << expected_n[id] << "), events "
                    << t::string_attr(it, "events") << " (expected " << expected_events[id] << ")";
    }
  EXPECT_TRUE(ok);
}

TEST(service, reads_kpl_records_aggregated_by_the_npm_aws_kinesis_agg_package)
{
  KINESYS_REQUIRE_PEERS();
  START_BACKEND(b);
  t::client c(*b);
  c.create_stream("agg", 1);
  c.create_table("agg_state", "id");
  std::string input = "[";
  for (int i = 0; i < 120; ++i) {
    auto key = "dev-" + std::to_string(i % 12);
    if (i) input += ",";
    input += R"({"partitionKey":")" + key + R"(","data":"{\"id\":\")" + key + R"(\",\"v\":)" + std::to_string(i) + R"(}"})";
  }
  input += "]";
  auto r = kinesys::test::run_node_script(std::string(KINESYS_SOURCE_TEST_DIR) + "/aggregate-with-aws-kinesis-agg.js", {}, input);
  ASSERT_EQ(r.exit_status, 0) << r.out;
  std::vector<t::test_record> aggregated;
  for (std::size_t start = 0; start < r.out.size();) {
    auto end = r.out.find('\n', start);
    auto line = r.out.substr(start, end - start);
    start = end == std::string::npos ? r.out.size() : end + 1;
    auto pk_at = line.find("\"partitionKey\":\"") + 16;
    auto pk = line.substr(pk_at, line.find('"', pk_at) - pk_at);
    auto data_at = line.find("\"data\":\"") + 8;
    auto data = kinesys::codecs::base64_decode(line.substr(data_at, line.find('"', data_at) - data_at)).value();
    ASSERT_TRUE(kinesys::codecs::is_aggregated(data));
    aggregated.push_back({pk, data, {}});
  }
  ASSERT_GE(aggregated.size(), 2u);  // several aggregates, several user records each
  c.put("agg", aggregated);
  t::temp_dir dir;
  auto config = state_config("agg", "agg-app", "agg_state", dir);
  t::in_process_consumer consumer(config, *b);
  std::map<std::string, std::string> expected;
  for (int i = 108; i < 120; ++i) expected["dev-" + std::to_string(i % 12)] = std::to_string(i);
  ASSERT_TRUE(t::eventually([&] { return values_by_id(c.scan("agg_state"), "v") == expected; }));
  // Positions carry the sub-sequence number: user records of one aggregate differ.
  std::set<std::string> positions;
  for (auto const& it : c.scan("agg_state")) positions.insert(t::string_attr(it, "_kinesys_pos"));
  EXPECT_EQ(positions.size(), 12u);
}

TEST(service, a_split_shard_is_finished_before_its_children_and_every_key_ends_in_its_last_state)
{
  START_BACKEND(b);
  t::client c(*b);
  c.create_stream("resharded", 1);
  c.create_table("resharded_state", "id");
  t::temp_dir dir;
  auto config = state_config("resharded", "reshard-app", "resharded_state", dir);
  c.put("resharded", numbered("k", 20, 5));  // v 0..4 in the parent
  t::in_process_consumer consumer(config, *b);
  auto parent = c.shards("resharded").at(0).shard_id;
  c.run([&]() -> boost::asio::awaitable<void> {
    kinesys::engine::aws::split_shard_request split;
    split.stream.name = "resharded";
    split.shard_to_split = parent;
    split.new_starting_hash_key = "170141183460469231731687303715884105728";  // 2^127: halves
    (co_await c.kinesis().split_shard(split)).value();
    kinesys::engine::aws::stream_ref ref{"resharded", {}};
    (co_await c.kinesis().wait_for_stream(ref)).value();
  });
  auto later = numbered("k", 20, 8);  // v 0..7, now in the children
  c.put("resharded", std::vector<t::test_record>(later.begin() + 20 * 5, later.end()));
  std::map<std::string, std::string> expected;
  for (int k = 0; k < 20; ++k) expected["k" + std::to_string(k)] = "7";
  ASSERT_TRUE(t::eventually([&] { return values_by_id(c.scan("resharded_state"), "v") == expected; }));
  ASSERT_TRUE(t::eventually([&] {
    auto leases = c.leases("reshard-app");
    std::size_t children = 0;
    bool parent_done = false;
    for (auto const& l : leases) {
      if (l.key == parent) parent_done = l.finished();
      if (!l.parents.empty() && l.parents.at(0) == parent) ++children;
    }
    return parent_done && children == 2;
  }));
}

namespace {

void split_in_half(t::client& c, std::string const& stream)
{
  auto parent = c.shards(stream).at(0).shard_id;
  c.run([&]() -> boost::asio::awaitable<void> {
    kinesys::engine::aws::split_shard_request split;
    split.stream.name = stream;
    split.shard_to_split = parent;
    split.new_starting_hash_key = "170141183460469231731687303715884105728";  // 2^127: halves
    (co_await c.kinesis().split_shard(split)).value();
    kinesys::engine::aws::stream_ref ref{stream, {}};
    (co_await c.kinesis().wait_for_stream(ref)).value();
  });
}

// A producer's put reaches the parent shard but its answer is lost; the
// stream is split; the producer's retry (same stamp) now lands in a child.
// The total must count the event once — with the consumer running across
// the split (the child inherits the parent's dedup window) and with a
// restart in between (the item's record of the parent's last stamp).
void a_retry_re_routed_by_a_split_is_applied_once(bool restart_between)
{
  START_BACKEND(b);
  t::client c(*b);
  std::string const stream = restart_between ? "rerouted-restart" : "rerouted";
  c.create_stream(stream, 1);
  c.create_table(stream + "_totals", "id");
  t::temp_dir dir;
  auto config = totals_config(stream, stream + "-app", stream + "_totals", dir);
  auto event = [](int key, std::uint64_t seq) {
    auto id = "k" + std::to_string(key);
    return t::test_record{id, R"({"id":")" + id + R"(","n":)" + std::to_string(seq) + "}",
                          "producer-1:" + std::to_string(seq)};
  };
  int const keys = 16;
  std::vector<t::test_record> before, after;
  for (int k = 0; k < keys; ++k) before.push_back(event(k, 1));
  for (int k = 0; k < keys; ++k) before.push_back(event(k, 2));  // its answer is "lost"
  for (int k = 0; k < keys; ++k) after.push_back(event(k, 2));   // the retry, now in a child
  for (int k = 0; k < keys; ++k) after.push_back(event(k, 3));
  std::map<std::string, std::string> expected_n, expected_events;
  for (int k = 0; k < keys; ++k) {
    expected_n["k" + std::to_string(k)] = "6";  // 1 + 2 + 3
    expected_events["k" + std::to_string(k)] = "3";
  }
  auto totals = [&](std::string const& field) { return values_by_id(c.scan(stream + "_totals"), field); };

  c.put(stream, before, /*aggregate=*/true);
  std::optional<t::in_process_consumer> consumer;
  consumer.emplace(config, *b);
  if (restart_between) {
    std::map<std::string, std::string> parent_n;
    for (int k = 0; k < keys; ++k) parent_n["k" + std::to_string(k)] = "3";
    ASSERT_TRUE(t::eventually([&] { return totals("n") == parent_n; }));
    ASSERT_EQ(consumer->stop(), 0);
    consumer.reset();
  }
  split_in_half(c, stream);
  c.put(stream, after, /*aggregate=*/true);
  if (restart_between) consumer.emplace(config, *b);
  bool ok = t::eventually([&] { return totals("events") == expected_events; });
  EXPECT_TRUE(ok);
  EXPECT_EQ(totals("n"), expected_n);
  EXPECT_EQ(totals("events"), expected_events);
}

}  // namespace

TEST(service, merge_mode_applies_a_retry_re_routed_by_a_split_once)
{
  a_retry_re_routed_by_a_split_is_applied_once(false);
}

TEST(service, merge_mode_applies_a_retry_re_routed_by_a_split_once_across_a_restart)
{
  a_retry_re_routed_by_a_split_is_applied_once(true);
}

// The producer's Compression wraps each Kinesis record — an aggregate
// included — in the zstd envelope; the consumer unwraps it before it
// splits the aggregate. Written by the real producer, read by the service.
TEST(service, reads_records_the_producer_aggregated_and_compressed_with_zstd)
{
  START_BACKEND(b);
  t::client c(*b);
  c.create_stream("compressed", 2);
  c.create_table("compressed_state", "id");
  namespace kp = kinesys::producer;
  auto pc = quick_producer(*b);
  pc.aggregation_enabled = true;
  pc.compression = kp::compression_codec::zstd;
  std::atomic<int> acknowledged{0}, failed{0};
  {
    kp::producer p(pc, b->environment());
    for (int v = 0; v < 10; ++v)
      for (int k = 0; k < 40; ++k) {
        auto key = "c" + std::to_string(k);
        p.put_async("compressed", key, R"({"id":")" + key + R"(","v":)" + std::to_string(v) + "}",
                    [&](kp::put_outcome o) { (o ? acknowledged : failed).fetch_add(1); });
      }
    p.flush_sync();
  }
  ASSERT_EQ(failed.load(), 0);
  ASSERT_EQ(acknowledged.load(), 400);
  t::temp_dir dir;
  auto config = state_config("compressed", "compressed-app", "compressed_state", dir);
  t::in_process_consumer consumer(config, *b);
  std::map<std::string, std::string> expected;
  for (int k = 0; k < 40; ++k) expected["c" + std::to_string(k)] = "9";
  EXPECT_TRUE(t::eventually([&] { return values_by_id(c.scan("compressed_state"), "v") == expected; }));
  EXPECT_FALSE(std::filesystem::exists(dir.path / "dlq.ndjson") && std::filesystem::file_size(dir.path / "dlq.ndjson") > 0)
      << "records were dead-lettered";
}

// A producer restarted under a fixed ProducerId (a configuration file sets
// one) must not reuse its predecessor's stamps: the consumer would take the
// new records for retries of the old ones and drop them.
TEST(service, merge_mode_applies_every_record_of_a_producer_restarted_under_the_same_producer_id)
{
  START_BACKEND(b);
  t::client c(*b);
  c.create_stream("restarted", 1);
  c.create_table("restarted_totals", "id");
  namespace kp = kinesys::producer;
  auto pc = quick_producer(*b);
  pc.producer_id = "orders-service";
  std::atomic<int> acknowledged{0}, failed{0};
  auto run_producer = [&] {
    kp::producer p(pc, b->environment());
    for (int k = 0; k < 10; ++k) {
      auto key = "r" + std::to_string(k);
      for (int i = 0; i < 5; ++i)
        p.put_async("restarted", key, R"({"id":")" + key + R"(","n":1})",
                    [&](kp::put_outcome o) { (o ? acknowledged : failed).fetch_add(1); });
    }
    p.flush_sync();
  };
  t::temp_dir dir;
  auto config = totals_config("restarted", "restarted-app", "restarted_totals", dir);
  t::in_process_consumer consumer(config, *b);
  std::map<std::string, std::string> after_first, after_second;
  for (int k = 0; k < 10; ++k) {
    after_first["r" + std::to_string(k)] = "5";
    after_second["r" + std::to_string(k)] = "10";
  }
  run_producer();
  ASSERT_TRUE(t::eventually([&] { return values_by_id(c.scan("restarted_totals"), "events") == after_first; }));
  run_producer();  // the same id, a new process's producer
  ASSERT_EQ(failed.load(), 0);
  ASSERT_EQ(acknowledged.load(), 100);
  EXPECT_TRUE(t::eventually([&] { return values_by_id(c.scan("restarted_totals"), "events") == after_second; }));
  EXPECT_EQ(values_by_id(c.scan("restarted_totals"), "n"), after_second);
}

// A producer with a stale shard map can aggregate records of both children
// of a split into one Kinesis record, which lands on one shard; it sends the
// records that shard does not own again to their owner (as the KPL does).
// The consumer skips an aggregate's user records outside its shard's hash
// range, so each is applied once, from its owner.
TEST(service, user_records_outside_the_shards_hash_range_are_left_to_their_owner)
{
  START_BACKEND(b);
  t::client c(*b);
  c.create_stream("misrouted", 2);
  c.create_table("misrouted_totals", "id");
  auto shards = c.shards("misrouted");
  ASSERT_EQ(shards.size(), 2u);
  std::vector<t::test_record> records;
  std::size_t owned_by_second = 0;
  for (int k = 0; k < 20; ++k) {
    auto key = "m" + std::to_string(k);
    records.push_back({key, R"({"id":")" + key + R"(","n":1})", {}});
    if (shards[1].hash_key_range.contains(kinesys::codecs::hash_key_of(key))) ++owned_by_second;
  }
  ASSERT_GT(owned_by_second, 0u);
  ASSERT_LT(owned_by_second, records.size());

  // One aggregate of all twenty, routed to the first shard by its explicit hash key.
  kinesys::codecs::aggregator agg;
  for (auto const& r : records) ASSERT_TRUE(agg.try_add({r.partition_key, {}, r.data, {}}));
  std::string blob(agg.finish());
  std::string aggregate_sequence;
  c.run([&]() -> boost::asio::awaitable<void> {
    std::vector<kinesys::engine::aws::put_records_entry> entries{{blob, "m0", "0"}};
    kinesys::engine::aws::put_records_request req;
    req.stream.name = "misrouted";
    req.records = entries;
    auto r = (co_await c.kinesis().put_records(req)).value();
    EXPECT_TRUE(r.records.at(0).ok());
    EXPECT_EQ(r.records.at(0).shard_id, shards[0].shard_id);
    aggregate_sequence = r.records.at(0).sequence_number;
  });
  // The producer's re-send of the records the first shard does not own.
  std::vector<t::test_record> resent;
  for (auto const& r : records)
    if (shards[1].hash_key_range.contains(kinesys::codecs::hash_key_of(r.partition_key))) resent.push_back(r);
  c.put("misrouted", resent, /*aggregate=*/true);

  t::temp_dir dir;
  auto config = totals_config("misrouted", "misrouted-app", "misrouted_totals", dir);
  t::in_process_consumer consumer(config, *b);
  std::map<std::string, std::string> once;
  for (auto const& r : records) once[r.partition_key] = "1";
  // Once the first shard's checkpoint has passed the aggregate, every user
  // record in it is finished (written or skipped): nothing more can come.
  auto first_shard_done = [&] {
    for (auto const& l : c.leases("misrouted-app"))
      if (l.key == shards[0].shard_id) return l.checkpoint == aggregate_sequence;
    return false;
  };
  EXPECT_TRUE(t::eventually(first_shard_done));
  EXPECT_TRUE(t::eventually([&] { return values_by_id(c.scan("misrouted_totals"), "events") == once; }));
}

namespace {

std::vector<kc::dead_letter> read_dead_letters(std::filesystem::path const& file)
{
  std::vector<kc::dead_letter> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) out.push_back(kc::parse_dead_letter(line).value());
  return out;
}

}  // namespace

// Records already older than max_record_age_s when the consumer reaches them
// go to the dead-letter file, named and with the reason; records that arrive
// while it runs are written.
TEST(service, records_older_than_max_record_age_are_dead_lettered_and_the_rest_written)
{
  START_BACKEND(b);
  t::client c(*b);
  c.create_stream("aged", 1);
  c.create_table("aged_state", "id");
  auto old_records = numbered("old", 20, 1);
  c.put("aged", old_records);
  // The age is the server's arrival stamp against the clock: this wait is
  // the condition under test (the records growing old), not a stand-in for
  // an event.
  std::this_thread::sleep_for(3200ms);

  t::temp_dir dir;
  t::in_process_consumer consumer(state_config("aged", "aged-app", "aged_state", dir, "[write]\nmax_record_age_s = 3\n"),
                                  *b);
  ASSERT_TRUE(t::eventually([&] { return read_dead_letters(dir.path / "dlq.ndjson").size() == old_records.size(); }));
  std::set<std::string> lettered;
  for (auto const& d : read_dead_letters(dir.path / "dlq.ndjson")) {
    EXPECT_EQ(d.reason, "max_record_age");
    EXPECT_NE(d.error.find("max_record_age_s=3"), std::string::npos) << d.error;
    lettered.insert(d.partition_key);
  }
  EXPECT_EQ(lettered.size(), old_records.size());

  auto fresh = numbered("new", 10, 1);
  c.put("aged", fresh);
  std::map<std::string, std::string> expected;
  for (auto const& r : fresh) expected[r.partition_key] = "0";
  ASSERT_TRUE(t::eventually([&] { return values_by_id(c.scan("aged_state"), "v") == expected; }));
  EXPECT_EQ(read_dead_letters(dir.path / "dlq.ndjson").size(), old_records.size());
  EXPECT_EQ(consumer.stop(), 0);
}
