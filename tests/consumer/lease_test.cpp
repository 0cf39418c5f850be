// Test that header file is self-contained.
#include <kinesys/detail/consumer/lease.hpp>

#include <gtest/gtest.h>

namespace kc = kinesys::consumer;
namespace codecs = kinesys::codecs;

namespace {
kc::lease sample()
{
  kc::lease l;
  l.key = "shardId-000000000003";
  l.owner = "worker-a";
  l.counter = 41;
  l.checkpoint = "49590338271490256608559692538361571095921575989136588898";
  l.checkpoint_sub = 2;
  l.owner_switches = 1;
  l.parents = {"shardId-000000000001"};
  l.starting_hash_key = "0";
  l.ending_hash_key = "170141183460469231731687303715884105727";
  l.high_water = "0035.0000000000";
  return l;
}

std::string name_of(kc::dynamo_write const& w, std::string_view placeholder)
{
  for (auto const& [k, v] : w.names)
    if (k == placeholder) return v;
  return {};
}
}  // namespace

TEST(lease, round_trips_through_a_kcl_shaped_item)
{
  auto l = sample();
  auto it = kc::to_item(l);
  EXPECT_EQ(*it.at("leaseKey").get_if<std::string>(), l.key);
  EXPECT_EQ(it.at("leaseCounter").get_if<codecs::number_value>()->text, "41");
  EXPECT_EQ(it.at("checkpointSubSequenceNumber").get_if<codecs::number_value>()->text, "2");
  EXPECT_EQ(it.at("parentShardId").get_if<codecs::string_set>()->members, l.parents);
  EXPECT_FALSE(it.contains("childShardIds"));  // DynamoDB refuses empty sets
  EXPECT_EQ(kc::lease_from_item(it).value(), l);
}

TEST(lease, an_item_without_an_owner_is_an_unowned_lease)
{
  codecs::item it;
  it.emplace("leaseKey", "shardId-0");
  it.emplace("checkpoint", "TRIM_HORIZON");
  auto l = kc::lease_from_item(it).value();
  EXPECT_TRUE(l.owner.empty());
  EXPECT_EQ(l.counter, 0);
  EXPECT_FALSE(l.checkpoint_position());
}

TEST(lease, a_mistyped_attribute_is_named)
{
  codecs::item it;
  it.emplace("leaseKey", "shardId-0");
  it.emplace("leaseCounter", "seven");
  std::string problem;
  EXPECT_FALSE(kc::lease_from_item(it, &problem));
  EXPECT_EQ(problem, "leaseCounter: not an integer");
  codecs::item none;
  EXPECT_FALSE(kc::lease_from_item(none, &problem));
  EXPECT_EQ(problem, "leaseKey: missing");
}

TEST(lease, the_checkpoint_reads_as_a_position_unless_it_is_a_sentinel)
{
  auto l = sample();
  EXPECT_EQ(l.checkpoint_position()->sub_sequence(), 2u);
  l.checkpoint = "SHARD_END";
  EXPECT_TRUE(l.finished());
  EXPECT_FALSE(l.checkpoint_position());
}

TEST(lease, creating_requires_that_no_lease_has_the_key)
{
  auto w = kc::render_create("leases", sample());
  EXPECT_EQ(w.op, kc::dynamo_write::verb::put_item);
  EXPECT_EQ(w.condition_expression, "attribute_not_exists(#k)");
  EXPECT_EQ(name_of(w, "#k"), "leaseKey");
}

TEST(lease, renewing_is_fenced_by_counter_and_owner_and_bumps_the_counter)
{
  auto l = sample();
  auto w = kc::render_change("leases", l, {});
  EXPECT_EQ(w.update_expression, "SET #c = :next");
  EXPECT_EQ(w.condition_expression, "#c = :expected AND #o = :me");
  EXPECT_EQ(w.values.at(":expected").get_if<codecs::number_value>()->text, "41");
  EXPECT_EQ(w.values.at(":next").get_if<codecs::number_value>()->text, "42");
  EXPECT_EQ(*w.values.at(":me").get_if<std::string>(), "worker-a");
  EXPECT_EQ(name_of(w, "#o"), "leaseOwner");
  EXPECT_EQ(kc::apply_change(l, {}).counter, 42);
}

TEST(lease, taking_conditions_on_the_counter_only_and_counts_an_owner_switch)
{
  auto l = sample();
  kc::lease_change take;
  take.take_for = "worker-b";
  auto w = kc::render_change("leases", l, take);
  EXPECT_EQ(w.condition_expression, "#c = :expected");
  EXPECT_EQ(w.update_expression, "SET #c = :next, #o = :owner, #s = if_not_exists(#s, :zero) + :one");
  auto after = kc::apply_change(l, take);
  EXPECT_EQ(after.owner, "worker-b");
  EXPECT_EQ(after.owner_switches, 2);
  EXPECT_EQ(after.counter, 42);
}

TEST(lease, checkpointing_resets_owner_switches_and_can_reserve_a_high_water_mark)
{
  auto l = sample();
  kc::lease_change c;
  c.checkpoint = "600";
  c.checkpoint_sub = 0;
  c.high_water = "0037.0000000000";
  auto w = kc::render_change("leases", l, c);
  EXPECT_EQ(w.update_expression, "SET #c = :next, #cp = :cp, #cps = :cps, #s = :zero, #hw = :hw");
  EXPECT_EQ(w.condition_expression, "#c = :expected AND #o = :me");
  auto after = kc::apply_change(l, c);
  EXPECT_EQ(after.checkpoint, "600");
  EXPECT_EQ(after.owner_switches, 0);
  EXPECT_EQ(after.high_water, "0037.0000000000");
}

TEST(lease, releasing_removes_the_owner_under_the_same_fence)
{
  auto l = sample();
  kc::lease_change r;
  r.release = true;
  r.checkpoint = "SHARD_END";
  r.children = std::vector<std::string>{"shardId-000000000005", "shardId-000000000006"};
  auto w = kc::render_change("leases", l, r);
  EXPECT_EQ(w.update_expression, "SET #c = :next, #cp = :cp, #cps = :cps, #s = :zero, #ch = :ch REMOVE #o");
  EXPECT_EQ(w.condition_expression, "#c = :expected AND #o = :me");
  auto after = kc::apply_change(l, r);
  EXPECT_TRUE(after.owner.empty());
  EXPECT_TRUE(after.finished());
  EXPECT_EQ(after.children.size(), 2u);
}
