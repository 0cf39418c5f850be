// Test that header file is self-contained.
#include <kinesys/detail/consumer/service.hpp>

#include "harness.hpp"

#include <gtest/gtest.h>

#include <set>

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

}  // namespace

TEST(service, writes_the_latest_state_of_every_key_in_put_mode)
{
  START_BACKEND(b);
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
  auto config = kc::parse_config(t::fast_settings("clicks", "clicks-app") + R"(
[write]
mode = "merge"
[tables.click_totals]
hash_key = "id"
counters = ["n"]
count_attribute = "events"
[dead_letter]
file = ")" + (dir.path / "dlq.ndjson").string() + "\"\n")
                    .value();
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
