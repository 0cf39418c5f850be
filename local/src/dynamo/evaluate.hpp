#pragma once
// Evaluating parsed expressions against items: conditions (and filters),
// projections and updates. Placeholders are resolved through the
// request's ExpressionAttributeNames / ExpressionAttributeValues.
#include "common/outcome.hpp"
#include "dynamo/expression.hpp"
#include "dynamo/value.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kinesys::local::dynamo {

/// One request's ExpressionAttributeNames and ExpressionAttributeValues.
struct placeholder_values {
  std::vector<std::pair<std::string, std::string>> names;
  std::vector<std::pair<std::string, attribute_value>> values;
  bool has_names = false;   // the member was present (even if empty)
  bool has_values = false;

  std::string const* name(std::string_view ph) const noexcept
  {
    for (auto const& [k, v] : names)
      if (k == ph) return &v;
    return nullptr;
  }
  attribute_value const* value(std::string_view ph) const noexcept
  {
    for (auto const& [k, v] : values)
      if (k == ph) return &v;
    return nullptr;
  }
};

/// The attribute a path designates in `it`, or nullptr if absent.
attribute_value const* resolve(item const& it, expr::path const& p, placeholder_values const& ph) noexcept;
/// The top-level attribute name of a path.
std::string_view top_name(expr::path const& p, placeholder_values const& ph) noexcept;

/// Evaluates a condition against `it` (nullptr = the item does not exist).
/// `kind` ("ConditionExpression", ...) words errors as DynamoDB does.
outcome<bool> evaluate(expr::condition const& c, item const* it, placeholder_values const& ph, std::string_view kind);

/// The attributes of `it` named by the projection, nested paths included.
item project(item const& it, expr::projection const& p, placeholder_values const& ph);

/// The names of the key attributes, which an update must not touch.
struct key_names {
  std::string hash;
  std::string range;  // empty when the table has no range key
};

/// Applies an update to `target` (a copy of the current item, or an item
/// holding only the key). `touched` receives the top-level names changed.
outcome<void> apply_update(item& target, item const* original, expr::update const& u, placeholder_values const& ph,
                           key_names const& keys, std::vector<std::string>* touched);

/// Checks every placeholder used by the given expressions is defined and
/// every defined one is used, with DynamoDB's messages. `kinds[i]` names
/// expression i ("ConditionExpression", ...).
struct used_placeholders {
  std::string_view kind;
  expr::placeholders const* used;
};
outcome<void> check_placeholders(placeholder_values const& ph, std::vector<used_placeholders> const& expressions);

}  // namespace kinesys::local::dynamo
