#include "dynamo/evaluate.hpp"

#include <gtest/gtest.h>

namespace kinesys::local::dynamo {
namespace {

std::shared_ptr<expr::condition const> cond(std::string_view text)
{
  return std::get<std::shared_ptr<expr::condition const>>(expr::parse_condition(text));
}

item sample()
{
  item it;
  put(it, "n", attribute_value::number("5"));
  put(it, "s", attribute_value::string("hello"));
  attribute_value m;
  m.type = av_type::m;
  put(m.map, "inner", attribute_value::number("1"));
  attribute_value l;
  l.type = av_type::l;
  l.list = {attribute_value::string("a"), attribute_value::string("b")};
  put(m.map, "xs", l);
  put(it, "m", m);
  return it;
}

TEST(evaluate, resolves_nested_paths_and_placeholders)
{
  placeholder_values ph;
  ph.names = {{"#i", "inner"}};
  ph.values = {{":one", attribute_value::number("1")}, {":b", attribute_value::string("b")}};
  item const it = sample();
  EXPECT_TRUE(*evaluate(*cond("m.#i = :one"), &it, ph, "ConditionExpression"));
  EXPECT_TRUE(*evaluate(*cond("m.xs[1] = :b"), &it, ph, "ConditionExpression"));
  EXPECT_FALSE(*evaluate(*cond("m.xs[5] = :b"), &it, ph, "ConditionExpression"));
}

TEST(evaluate, treats_a_missing_item_as_having_no_attributes)
{
  placeholder_values ph;
  ph.values = {{":v", attribute_value::number("1")}};
  EXPECT_TRUE(*evaluate(*cond("attribute_not_exists(pk)"), nullptr, ph, "ConditionExpression"));
  EXPECT_FALSE(*evaluate(*cond("n < :v"), nullptr, ph, "ConditionExpression"));
  EXPECT_TRUE(*evaluate(*cond("n <> :v"), nullptr, ph, "ConditionExpression"));
}

TEST(evaluate, reports_an_undefined_value_with_the_expression_kind)
{
  item const it = sample();
  auto r = evaluate(*cond("n = :nope"), &it, {}, "FilterExpression");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "Invalid FilterExpression: An expression attribute value used in expression is not defined; attribute value: :nope");
}

TEST(evaluate, projects_nested_paths_into_the_same_shape)
{
  item const it = sample();
  auto p = std::get<std::shared_ptr<expr::projection const>>(expr::parse_projection("m.xs[1], n"));
  item out = project(it, *p, {});
  ASSERT_EQ(out.size(), 2u);
  auto const* m = find(out, "m");
  ASSERT_TRUE(m);
  auto const* l = find(m->map, "xs");
  ASSERT_TRUE(l);
  ASSERT_EQ(l->list.size(), 1u);
  EXPECT_EQ(l->list[0].scalar, "b");
  EXPECT_EQ(find(m->map, "inner"), nullptr);
}

TEST(evaluate, update_computes_right_hand_sides_from_the_original_item)
{
  item it;
  put(it, "a", attribute_value::number("1"));
  put(it, "b", attribute_value::number("2"));
  auto u = std::get<std::shared_ptr<expr::update const>>(expr::parse_update("SET a = b, b = a"));
  item next = it;
  ASSERT_TRUE(apply_update(next, &it, *u, {}, {"pk", ""}, nullptr));
  EXPECT_EQ(find(next, "a")->scalar, "2");
  EXPECT_EQ(find(next, "b")->scalar, "1");  // swapped, not both 2
}

TEST(evaluate, update_refuses_paths_through_missing_maps)
{
  item it;
  placeholder_values ph;
  ph.values = {{":v", attribute_value::number("1")}};
  auto u = std::get<std::shared_ptr<expr::update const>>(expr::parse_update("SET nope.deep = :v"));
  item next = it;
  auto r = apply_update(next, &it, *u, ph, {"pk", ""}, nullptr);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "The document path provided in the update expression is invalid for update");
}

}  // namespace
}  // namespace kinesys::local::dynamo
