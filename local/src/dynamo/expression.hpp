#pragma once
// The DynamoDB expression languages, parsed once into a flat tree:
// ConditionExpression / FilterExpression / KeyConditionExpression (one
// grammar), UpdateExpression and ProjectionExpression. Placeholders (#n,
// :v) stay symbolic in the tree and are resolved per request, so a parsed
// expression is cached by its text and reused across requests.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace kinesys::local::dynamo::expr {

struct path_part {
  enum class kind : std::uint8_t { name, placeholder, index } k = kind::name;
  std::string text;         // name or "#placeholder"
  std::uint32_t index = 0;  // list index
};

struct path {
  std::vector<path_part> parts;
};

enum class node_kind : std::uint8_t {
  // Operands.
  path, value, size, if_not_exists, list_append, plus, minus,
  // Conditions.
  eq, ne, lt, le, gt, ge, between, in, and_, or_, not_,
  attribute_exists, attribute_not_exists, attribute_type, begins_with, contains,
};

struct node {
  node_kind kind = node_kind::path;
  std::uint32_t path = 0;              // node_kind::path: index into paths
  std::string placeholder;             // node_kind::value: ":v"
  std::vector<std::uint32_t> children; // operands / sub-conditions, by node index
};

/// What every parsed expression records about its placeholders, so unused
/// and undefined ones can be reported per request.
struct placeholders {
  std::vector<std::string> names;   // "#n", in order of first use
  std::vector<std::string> values;  // ":v"
};

struct condition {
  std::vector<node> nodes;
  std::vector<expr::path> paths;
  std::uint32_t root = 0;
  placeholders used;
};

struct update_action {
  enum class kind : std::uint8_t { set, remove, add, del } k = kind::set;
  expr::path target;
  std::uint32_t value = 0;  // node index (set, add, delete)
};

struct update {
  std::vector<node> nodes;
  std::vector<expr::path> paths;  // paths used inside value nodes
  std::vector<update_action> actions;
  placeholders used;
};

struct projection {
  std::vector<expr::path> paths;
  placeholders used;
};

/// Parse errors carry DynamoDB's text after "Invalid <Kind>Expression: ".
struct parse_error {
  std::string message;
};

template <class T>
using parsed = std::variant<std::shared_ptr<T const>, parse_error>;

parsed<condition> parse_condition(std::string_view text);
parsed<update> parse_update(std::string_view text);
parsed<projection> parse_projection(std::string_view text);

/// True for the words DynamoDB reserves (case-insensitive).
bool is_reserved_word(std::string_view word) noexcept;

/// "[a, b, [2]]"-style rendering of a path, for messages.
std::string describe(path const& p);

}  // namespace kinesys::local::dynamo::expr
