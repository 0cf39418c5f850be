// Test that header file is self-contained.
#include <kinesys/detail/consumer/write_plan.hpp>

#include <gtest/gtest.h>

namespace kc = kinesys::consumer;
namespace codecs = kinesys::codecs;

namespace {

kc::table_config merge_table()
{
  kc::table_config t;
  t.name = "readings";
  t.hash_key = "device_id";
  t.mode = kc::write_mode::merge;
  t.counters = {"n"};
  t.count_attribute = "events";
  return t;
}

struct fixture {
  std::vector<codecs::item> items;
  std::vector<kc::planned_record> records;
  void add(std::uint64_t seq, std::string device, std::string n, std::string temp,
           std::optional<kc::producer_stamp> stamp = std::nullopt)
  {
    codecs::item it;
    it.emplace("device_id", device);
    it.emplace("n", codecs::attribute_value::number(n));
    it.emplace("temp", codecs::attribute_value::number(temp));
    items.push_back(std::move(it));
    kc::planned_record r;
    r.position = kc::stream_position::make(std::to_string(seq)).value();
    r.partition_key = "pk";
    r.stamp = stamp;
    records.push_back(r);
  }
  std::span<kc::planned_record const> group()
  {
    for (std::size_t i = 0; i < records.size(); ++i) records[i].item = &items[i];
    return records;
  }
};

std::string pos(std::uint64_t seq) { return kc::stream_position::make(std::to_string(seq)).value().encode(); }
std::string number(codecs::item const& values, std::string const& key) { return values.at(key).get_if<codecs::number_value>()->text; }

}  // namespace

TEST(write_plan, a_conditional_put_carries_its_position_and_applies_only_if_newer)
{
  fixture f;
  f.add(500, "d1", "1", "20.5");
  auto w = kc::plan_put(merge_table(), {}, f.group()[0], true);
  EXPECT_EQ(w.op, kc::dynamo_write::verb::put_item);
  EXPECT_EQ(*w.item.at("_kinesys_pos").get_if<std::string>(), pos(500));
  EXPECT_EQ(w.condition_expression, "attribute_not_exists(#pos) OR #pos < :pos");
  EXPECT_EQ(*w.values.at(":pos").get_if<std::string>(), pos(500));
}

TEST(write_plan, an_unconditional_put_still_records_the_position_for_later_guards)
{
  fixture f;
  f.add(500, "d1", "1", "20.5");
  auto w = kc::plan_put(merge_table(), {}, f.group()[0], false);
  EXPECT_TRUE(w.condition_expression.empty());
  EXPECT_TRUE(w.item.contains("_kinesys_pos"));
}

TEST(write_plan, marks_added_in_place_equal_a_planned_put_and_adding_them_again_changes_nothing)
{
  // A put batch writes each record's own item with the marks added in
  // place, and adds them again when UnprocessedItems sends it back.
  fixture f;
  f.add(500, "d1", "1", "20.5", kc::producer_stamp{"p1", 7});
  auto planned = kc::plan_put(merge_table(), {}, f.group()[0], false).item;
  codecs::item in_place = f.items[0];
  kc::add_put_marks(in_place, {}, f.group()[0]);
  EXPECT_EQ(in_place, planned);
  EXPECT_EQ(in_place.size(), f.items[0].size() + 3);
  EXPECT_EQ(*in_place.at("_kinesys_pos").get_if<std::string>(), pos(500));
  EXPECT_TRUE(in_place.contains("_kinesys_src"));
  EXPECT_EQ(number(in_place, "_kinesys_src_seq"), "7");
  kc::add_put_marks(in_place, {}, f.group()[0]);
  EXPECT_EQ(in_place, planned);
}

TEST(write_plan, a_merge_sums_counters_keeps_the_last_field_values_and_guards_on_the_first_position)
{
  fixture f;
  f.add(100, "d1", "1", "20.5");
  f.add(200, "d1", "2", "21.0");
  f.add(300, "d1", "0.5", "19.75");
  auto w = kc::plan_merge(merge_table(), {}, f.group(), {}).value();
  EXPECT_EQ(w.op, kc::dynamo_write::verb::update_item);
  EXPECT_EQ(*w.key.at("device_id").get_if<std::string>(), "d1");
  EXPECT_EQ(w.update_expression, "SET #pos = :pos, #f0 = :f0 ADD #a1 :a1, #cnt :cnt");
  EXPECT_EQ(number(w.values, ":f0"), "19.75");  // temp: last wins
  EXPECT_EQ(number(w.values, ":a1"), "3.5");    // n: summed exactly
  EXPECT_EQ(number(w.values, ":cnt"), "3");     // one per record
  EXPECT_EQ(*w.values.at(":pos").get_if<std::string>(), pos(300));
  EXPECT_EQ(*w.values.at(":first").get_if<std::string>(), pos(100));
  EXPECT_EQ(w.condition_expression, "(attribute_not_exists(#pos) OR #pos < :first)");
}

TEST(write_plan, a_merge_whose_first_record_is_stamped_also_refuses_a_repeated_stamp)
{
  fixture f;
  f.add(100, "d1", "1", "20", kc::producer_stamp{"prod-1", 7});
  f.add(200, "d1", "1", "20", kc::producer_stamp{"prod-1", 8});
  auto w = kc::plan_merge(merge_table(), {}, f.group(), {}).value();
  EXPECT_EQ(w.condition_expression,
            "(attribute_not_exists(#pos) OR #pos < :first) AND (attribute_not_exists(#src) OR #src <> :fsrc OR #srcseq < :fseq)");
  EXPECT_EQ(number(w.values, ":fseq"), "7");
  EXPECT_EQ(number(w.values, ":srcseq"), "8");  // the item remembers the last stamp
  EXPECT_EQ(*w.values.at(":src").get_if<std::string>(), kc::stamp_identity("prod-1", "pk"));
}

TEST(write_plan, after_a_refusal_only_records_beyond_the_stored_marks_are_re_merged_with_compare_and_set)
{
  fixture f;
  f.add(100, "d1", "1", "20");
  f.add(200, "d1", "1", "21");
  f.add(300, "d1", "1", "22");
  kc::stored_marks marks;
  marks.exists = true;
  marks.position = pos(200);  // a previous run applied 100 and 200
  auto keep = kc::not_yet_applied(f.group(), marks);
  ASSERT_EQ(keep, std::vector<std::size_t>{2});
  std::vector<kc::planned_record> rest{f.group()[2]};
  kc::merge_guard guard{kc::merge_guard::kind::exact, marks};
  auto w = kc::plan_merge(merge_table(), {}, rest, guard).value();
  EXPECT_EQ(w.condition_expression, "#pos = :stored");
  EXPECT_EQ(number(w.values, ":a1"), "1");
  EXPECT_EQ(number(w.values, ":cnt"), "1");
}

TEST(write_plan, a_producer_retry_of_the_last_applied_record_is_not_applied_again)
{
  fixture f;
  f.add(400, "d1", "1", "20", kc::producer_stamp{"prod-1", 7});  // the retry's copy, new position
  f.add(500, "d1", "1", "21", kc::producer_stamp{"prod-1", 8});
  kc::stored_marks marks;
  marks.exists = true;
  marks.position = pos(300);  // the original, applied before a restart
  marks.stamp = kc::stamp_identity("prod-1", "pk");
  marks.stamp_sequence = 7;
  EXPECT_EQ(kc::not_yet_applied(f.group(), marks), std::vector<std::size_t>{1});
}

TEST(write_plan, a_child_shard_merge_also_refuses_a_stamp_its_parents_already_applied)
{
  fixture f;
  f.add(100, "d1", "1", "20", kc::producer_stamp{"prod-1", 7});
  std::vector<std::string> parents{"shardId-000000000000", "shardId-000000000001"};
  auto attrs = kc::write_attributes{}.for_shard("shardId-000000000002", parents);
  auto w = kc::plan_merge(merge_table(), attrs, f.group(), {}).value();
  EXPECT_NE(w.condition_expression.find("(attribute_not_exists(#psrc0) OR #psrc0 <> :fsrc OR #pseq0 < :fseq)"),
            std::string::npos)
      << w.condition_expression;
  EXPECT_NE(w.condition_expression.find("(attribute_not_exists(#psrc1) OR #psrc1 <> :fsrc OR #pseq1 < :fseq)"),
            std::string::npos)
      << w.condition_expression;
  auto name_of = [&](std::string const& n) {
    for (auto const& [k, v] : w.names)
      if (k == n) return v;
    return std::string();
  };
  EXPECT_EQ(name_of("#psrc1"), "_kinesys_src:shardId-000000000001");
  EXPECT_EQ(name_of("#pseq0"), "_kinesys_src_seq:shardId-000000000000");
  EXPECT_EQ(name_of("#src"), "_kinesys_src:shardId-000000000002");  // the child's own marks are what it sets
}

TEST(write_plan, a_retry_re_routed_to_a_child_is_recognised_by_the_parents_stamp_on_the_item)
{
  std::vector<std::string> parents{"shardId-000000000000"};
  auto attrs = kc::write_attributes{}.for_shard("shardId-000000000001", parents);
  codecs::item stored;
  stored.emplace("device_id", "d1");
  stored.emplace("_kinesys_pos:shardId-000000000000", pos(300));
  stored.emplace("_kinesys_src:shardId-000000000000", kc::stamp_identity("prod-1", "pk"));
  stored.emplace("_kinesys_src_seq:shardId-000000000000", codecs::attribute_value::number("7"));
  auto marks = kc::marks_of(attrs, &stored);
  EXPECT_FALSE(marks.position);  // the child has written nothing yet
  ASSERT_EQ(marks.parent_stamps.size(), 1u);
  EXPECT_EQ(marks.parent_stamps[0].sequence, 7u);

  fixture f;
  f.add(10, "d1", "1", "20", kc::producer_stamp{"prod-1", 7});  // the copy, in the child
  f.add(20, "d1", "1", "21", kc::producer_stamp{"prod-1", 8});
  f.add(30, "d1", "1", "22", kc::producer_stamp{"prod-2", 7});  // same sequence, another producer
  EXPECT_EQ(kc::not_yet_applied(f.group(), marks), (std::vector<std::size_t>{1, 2}));
}

TEST(write_plan, an_item_without_marks_is_created_only_if_it_still_has_none)
{
  fixture f;
  f.add(100, "d1", "1", "20");
  kc::merge_guard guard{kc::merge_guard::kind::exact, kc::stored_marks{}};
  auto w = kc::plan_merge(merge_table(), {}, f.group(), guard).value();
  EXPECT_EQ(w.condition_expression, "attribute_not_exists(#pos)");
}

TEST(write_plan, a_non_numeric_counter_fails_the_merge)
{
  fixture f;
  f.add(100, "d1", "1", "20");
  f.items[0].insert_or_assign("n", codecs::attribute_value("one"));
  EXPECT_EQ(kc::plan_merge(merge_table(), {}, f.group(), {}).error(), kc::errc::bad_counter_field);
}

TEST(write_plan, parse_stamp_takes_the_last_colon)
{
  auto s = kc::parse_stamp("host:1234:99").value();
  EXPECT_EQ(s.producer_id, "host:1234");
  EXPECT_EQ(s.sequence, 99u);
  EXPECT_FALSE(kc::parse_stamp("nocolon"));
  EXPECT_FALSE(kc::parse_stamp(":5"));
  EXPECT_FALSE(kc::parse_stamp("p:"));
  EXPECT_FALSE(kc::parse_stamp("p:x"));
}

TEST(write_plan, stamp_identities_cannot_collide_through_a_separator)
{
  EXPECT_NE(kc::stamp_identity("a:b", "c"), kc::stamp_identity("a", "b:c"));
  EXPECT_NE(kc::stamp_identity("ab", "c"), kc::stamp_identity("a", "bc"));
}

TEST(write_plan, wcu_estimate_counts_started_kibibytes)
{
  codecs::item small;
  small.emplace("id", "x");
  EXPECT_EQ(kc::estimate_wcu(small), 1u);
  codecs::item big;
  big.emplace("blob", std::string(3000, 'x'));
  EXPECT_EQ(kc::estimate_wcu(big), 3u);
}
