#include "dynamo/expression.hpp"

#include <gtest/gtest.h>

namespace kinesys::local::dynamo::expr {
namespace {

std::string cond_error(std::string_view text)
{
  auto r = parse_condition(text);
  if (auto* e = std::get_if<parse_error>(&r)) return e->message;
  return "ok";
}

std::string update_error(std::string_view text)
{
  auto r = parse_update(text);
  if (auto* e = std::get_if<parse_error>(&r)) return e->message;
  return "ok";
}

TEST(expression_parser, accepts_the_condition_grammar)
{
  for (auto text : {"a = :v", "#n <> :v", "a < :v AND b >= :w", "NOT attribute_exists(pk)", "a BETWEEN :lo AND :hi",
                    "a IN (:x, :y, :z)", "(a = :v OR b = :v) AND c = :w", "size(a.b[2]) > :n", "begins_with(#k, :p)",
                    "contains(tags, :t)", "attribute_type(x, :t)", "attribute_not_exists(pk) OR #v < :v", "m.#x.y[0] = :v"})
    EXPECT_EQ(cond_error(text), "ok") << text;
}

TEST(expression_parser, records_the_placeholders_it_uses)
{
  auto r = parse_condition("#a = :x AND (#b < :y OR #a > :x)");
  auto c = std::get<std::shared_ptr<condition const>>(r);
  EXPECT_EQ(c->used.names, (std::vector<std::string>{"#a", "#b"}));
  EXPECT_EQ(c->used.values, (std::vector<std::string>{":x", ":y"}));
}

TEST(expression_parser, words_syntax_errors_like_dynamodb)
{
  EXPECT_EQ(cond_error("a = "), "Syntax error; token: \"<EOF>\", near: \"=\"");
  EXPECT_EQ(cond_error(""), "The expression can not be empty;");
  EXPECT_EQ(cond_error("status = :v"), "Attribute name is a reserved keyword; reserved keyword: status");
  EXPECT_EQ(cond_error("frob(a)"), "Invalid function name; function: frob");
  EXPECT_EQ(cond_error("attribute_exists(a, b)"),
            "Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2");
  EXPECT_EQ(cond_error("attribute_exists(:v)"), "Operator or function requires a document path; operator or function: attribute_exists");
  EXPECT_EQ(cond_error("size(a)"), "The function is not allowed to be used this way in an expression; function: size");
  EXPECT_EQ(cond_error("a = begins_with(a, :b)"),
            "The function is not allowed to be used this way in an expression; function: begins_with");
}

TEST(expression_parser, parses_update_clauses)
{
  auto r = parse_update("SET a = :v, b = if_not_exists(b, :z) + :one, c = list_append(c, :l) REMOVE d, e[1] ADD n :n DELETE s :s");
  auto u = std::get<std::shared_ptr<update const>>(r);
  ASSERT_EQ(u->actions.size(), 7u);
  EXPECT_EQ(u->actions[0].k, update_action::kind::set);
  EXPECT_EQ(u->actions[3].k, update_action::kind::remove);
  EXPECT_EQ(u->actions[5].k, update_action::kind::add);
  EXPECT_EQ(u->actions[6].k, update_action::kind::del);
}

TEST(expression_parser, refuses_bad_update_expressions)
{
  EXPECT_EQ(update_error("SET a = :v SET b = :w"), "The \"SET\" section can only be used once in an update expression;");
  EXPECT_EQ(update_error("SET a = :v REMOVE a"),
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]");
  EXPECT_EQ(update_error("SET a.b = :v REMOVE a"),
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]");
  EXPECT_EQ(update_error("ADD a b"), "Syntax error; token: \"b\", near: \"a b\"");
  EXPECT_EQ(update_error("SET a = foo(b)"), "Invalid function name; function: foo");
  EXPECT_EQ(update_error("UPSERT a = :v"), "Syntax error; token: \"UPSERT\", near: \"UPSERT\"");
}

TEST(expression_parser, parses_projections)
{
  auto r = parse_projection("a, b.c, #d[3]");
  auto p = std::get<std::shared_ptr<projection const>>(r);
  ASSERT_EQ(p->paths.size(), 3u);
  EXPECT_EQ(describe(p->paths[1]), "[b, c]");
  EXPECT_EQ(describe(p->paths[2]), "[#d, [3]]");
}

TEST(expression_parser, knows_the_reserved_words_case_insensitively)
{
  EXPECT_TRUE(is_reserved_word("status"));
  EXPECT_TRUE(is_reserved_word("Data"));
  EXPECT_TRUE(is_reserved_word("TTL"));
  EXPECT_FALSE(is_reserved_word("pk"));
  EXPECT_FALSE(is_reserved_word("device_id"));
}

}  // namespace
}  // namespace kinesys::local::dynamo::expr
