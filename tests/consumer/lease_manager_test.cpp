// Test that header file is self-contained.
#include <kinesys/detail/consumer/lease_manager.hpp>

#include <gtest/gtest.h>

namespace kc = kinesys::consumer;
namespace aws = kinesys::engine::aws;

namespace {

aws::shard shard(std::string id, std::string parent = {}, bool open = true, std::string adjacent = {})
{
  aws::shard s;
  s.shard_id = std::move(id);
  s.parent_shard_id = std::move(parent);
  s.adjacent_parent_shard_id = std::move(adjacent);
  s.sequence_numbers.starting = "100";
  if (!open) s.sequence_numbers.ending = "200";
  return s;
}

kc::consumer_config config(std::string const& start = "TRIM_HORIZON")
{
  return kc::parse_config("stream = \"s\"\nstart_position = \"" + start + "\"\n[tables.tab]\nhash_key = \"id\"\n").value();
}

std::vector<std::string> keys(std::vector<kc::lease> const& v)
{
  std::vector<std::string> out;
  for (auto const& l : v) out.push_back(l.key);
  return out;
}

}  // namespace

TEST(lease_manager, the_first_sync_creates_a_lease_per_shard_parents_before_children)
{
  // ListShards order is not lineage order: the child comes first here.
  std::vector<aws::shard> shards{shard("s2", "s0"), shard("s0", {}, false), shard("s1")};
  auto created = kc::lease_manager::leases_to_create(shards, {}, config(), true);
  EXPECT_EQ(keys(created), (std::vector<std::string>{"s0", "s2", "s1"}));
  EXPECT_EQ(created[1].parents, std::vector<std::string>{"s0"});
  for (auto const& l : created) EXPECT_EQ(l.checkpoint, "TRIM_HORIZON");
}

TEST(lease_manager, latest_starts_at_the_open_shards_only)
{
  std::vector<aws::shard> shards{shard("s0", {}, false), shard("s1", "s0"), shard("s2", "s0")};
  auto created = kc::lease_manager::leases_to_create(shards, {}, config("LATEST"), true);
  EXPECT_EQ(keys(created), (std::vector<std::string>{"s1", "s2"}));
  EXPECT_EQ(created[0].checkpoint, "LATEST");
}

TEST(lease_manager, a_shard_born_later_is_read_from_its_start)
{
  kc::lease parent;
  parent.key = "s0";
  parent.checkpoint = "SHARD_END";
  std::vector<aws::shard> shards{shard("s0", {}, false), shard("s1", "s0"), shard("s2", "s0")};
  auto created = kc::lease_manager::leases_to_create(shards, {parent}, config("LATEST"), false);
  EXPECT_EQ(keys(created), (std::vector<std::string>{"s1", "s2"}));
  EXPECT_EQ(created[0].checkpoint, "TRIM_HORIZON");
}

TEST(lease_manager, a_merged_shard_lists_both_parents)
{
  kc::lease a, b;
  a.key = "s0";
  b.key = "s1";
  std::vector<aws::shard> shards{shard("s0", {}, false), shard("s1", {}, false), shard("s2", "s0", true, "s1")};
  auto created = kc::lease_manager::leases_to_create(shards, {a, b}, config(), false);
  ASSERT_EQ(keys(created), std::vector<std::string>{"s2"});
  EXPECT_EQ(created[0].parents, (std::vector<std::string>{"s0", "s1"}));
}

TEST(lease_manager, a_closed_shard_nobody_leased_predates_us_and_is_skipped)
{
  kc::lease leased;
  leased.key = "s1";
  std::vector<aws::shard> shards{shard("s0", {}, false), shard("s1", "s0")};
  EXPECT_TRUE(kc::lease_manager::leases_to_create(shards, {leased}, config(), false).empty());
}
