// Test that header file is self-contained.
#include <kinesys/detail/consumer/lease_taker.hpp>

#include <gtest/gtest.h>

namespace kc = kinesys::consumer;
using namespace std::chrono_literals;

namespace {

kc::lease make(std::string key, std::string owner, std::int64_t counter = 1)
{
  kc::lease l;
  l.key = std::move(key);
  l.owner = std::move(owner);
  l.counter = counter;
  l.checkpoint = "TRIM_HORIZON";
  return l;
}

std::vector<std::string> keys(std::vector<kc::lease> const& v)
{
  std::vector<std::string> out;
  for (auto const& l : v) out.push_back(l.key);
  return out;
}

auto const t0 = kc::lease_taker::clock::time_point{} + 1h;
kc::lease_taker_options opts{.lease_duration = 10s, .max_leases_per_worker = 0, .max_steal_per_cycle = 1};

}  // namespace

TEST(lease_taker, takes_unowned_leases_up_to_its_share)
{
  kc::lease_taker t("a", opts);
  std::vector<kc::lease> all{make("s0", ""), make("s1", ""), make("s2", ""), make("s3", "")};
  auto p = t.on_scan(all, {}, t0);
  EXPECT_EQ(p.workers, 1u);
  EXPECT_EQ(p.target, 4u);
  EXPECT_EQ(keys(p.take), (std::vector<std::string>{"s0", "s1", "s2", "s3"}));
}

TEST(lease_taker, a_live_owner_keeps_its_lease_and_shares_the_rest)
{
  kc::lease_taker t("b", opts);
  std::vector<kc::lease> all{make("s0", "a"), make("s1", "a"), make("s2", ""), make("s3", "")};
  auto p = t.on_scan(all, {}, t0);
  EXPECT_EQ(p.workers, 2u);
  EXPECT_EQ(p.target, 2u);
  EXPECT_EQ(keys(p.take), (std::vector<std::string>{"s2", "s3"}));
  EXPECT_TRUE(p.steal.empty());
}

TEST(lease_taker, a_lease_expires_only_after_its_counter_stood_still_for_a_lease_duration)
{
  kc::lease_taker t("b", opts);
  std::vector<kc::lease> all{make("s0", "a", 5), make("s1", "b", 3)};
  std::set<std::string, std::less<>> held{"s1"};
  EXPECT_TRUE(t.on_scan(all, held, t0).take.empty());
  all[0].counter = 6;  // a renewed it
  EXPECT_TRUE(t.on_scan(all, held, t0 + 9s).take.empty());
  EXPECT_TRUE(t.on_scan(all, held, t0 + 18s).take.empty());  // 9 s since the change
  auto p = t.on_scan(all, held, t0 + 19s + 1ms);            // a stopped renewing
  EXPECT_EQ(keys(p.take), std::vector<std::string>{"s0"});
}

TEST(lease_taker, a_lease_of_its_own_previous_run_is_taken_at_once)
{
  kc::lease_taker t("a", opts);
  std::vector<kc::lease> all{make("s0", "a", 9)};
  EXPECT_EQ(keys(t.on_scan(all, {}, t0).take), std::vector<std::string>{"s0"});
}

TEST(lease_taker, steals_one_lease_from_an_overloaded_worker)
{
  kc::lease_taker t("b", opts);
  std::vector<kc::lease> all{make("s0", "a"), make("s1", "a"), make("s2", "a"), make("s3", "a")};
  auto p = t.on_scan(all, {}, t0);
  EXPECT_EQ(p.target, 2u);
  EXPECT_TRUE(p.take.empty());
  EXPECT_EQ(keys(p.steal), std::vector<std::string>{"s3"});
}

TEST(lease_taker, does_not_steal_when_that_only_moves_the_imbalance)
{
  kc::lease_taker t("b", opts);
  std::vector<kc::lease> all{make("s0", "a"), make("s1", "a"), make("s2", "a"), make("s3", "b"), make("s4", "b")};
  std::set<std::string, std::less<>> held{"s3", "s4"};
  auto p = t.on_scan(all, held, t0);
  EXPECT_EQ(p.target, 3u);
  EXPECT_TRUE(p.steal.empty());  // 3 vs 2 is as balanced as 5 leases get
}

TEST(lease_taker, children_wait_until_every_parent_reached_shard_end)
{
  kc::lease_taker t("a", opts);
  auto parent = make("s0", "");
  auto child = make("s1", "");
  child.parents = {"s0"};
  std::vector<kc::lease> all{parent, child};
  EXPECT_EQ(keys(t.on_scan(all, {}, t0).take), std::vector<std::string>{"s0"});
  all[0].checkpoint = "SHARD_END";
  EXPECT_EQ(keys(t.on_scan(all, {}, t0).take), std::vector<std::string>{"s1"});
}

TEST(lease_taker, a_parent_without_a_lease_does_not_block_its_child)
{
  kc::lease_taker t("a", opts);
  auto child = make("s7", "");
  child.parents = {"s-trimmed-long-ago"};
  EXPECT_EQ(keys(t.on_scan({child}, {}, t0).take), std::vector<std::string>{"s7"});
}

TEST(lease_taker, finished_leases_are_neither_taken_nor_counted)
{
  kc::lease_taker t("b", opts);
  auto done = make("s0", "");
  done.checkpoint = "SHARD_END";
  std::vector<kc::lease> all{done, make("s1", "a"), make("s2", "")};
  auto p = t.on_scan(all, {}, t0);
  EXPECT_EQ(p.target, 1u);
  EXPECT_EQ(keys(p.take), std::vector<std::string>{"s2"});
}

TEST(lease_taker, respects_max_leases_per_worker)
{
  auto o = opts;
  o.max_leases_per_worker = 2;
  kc::lease_taker t("a", o);
  std::vector<kc::lease> all{make("s0", ""), make("s1", ""), make("s2", "")};
  EXPECT_EQ(t.on_scan(all, {}, t0).take.size(), 2u);
}

TEST(lease_taker, two_workers_converge_to_an_even_split)
{
  // Simulate both workers scanning and acting on a shared table.
  std::vector<kc::lease> table;
  for (int i = 0; i < 8; ++i) table.push_back(make("s" + std::to_string(i), ""));
  kc::lease_taker a("a", opts), b("b", opts);
  auto held = [&](std::string const& w) {
    std::set<std::string, std::less<>> h;
    for (auto const& l : table)
      if (l.owner == w) h.insert(l.key);
    return h;
  };
  auto act = [&](kc::lease_taker& t, std::string const& w, kc::lease_taker::clock::time_point now) {
    auto p = t.on_scan(table, held(w), now);
    for (auto const* list : {&p.take, &p.steal})
      for (auto const& l : *list)
        for (auto& row : table)
          if (row.key == l.key && row.counter == l.counter) {  // the conditional take
            row.owner = w;
            ++row.counter;
          }
  };
  auto now = t0;
  act(a, "a", now);  // a alone takes everything
  EXPECT_EQ(held("a").size(), 8u);
  for (int round = 0; round < 10; ++round) {
    now += 5s;
    for (auto& row : table)
      if (!row.owner.empty()) ++row.counter;  // both renew what they hold
    act(b, "b", now);
    act(a, "a", now);
  }
  EXPECT_EQ(held("a").size(), 4u);
  EXPECT_EQ(held("b").size(), 4u);
}
