// Query and Scan: paging by Limit (items evaluated) and by 1 MB of data
// read, LastEvaluatedKey / ExclusiveStartKey, filters applied after the
// read, projections, ScanIndexForward.
#include "dynamo/dynamo_service.hpp"

#include <algorithm>
#include <cmath>

namespace kinesys::local::dynamo {
namespace {

using expr::node_kind;

// The key condition reduced to what Query needs: the partition and the
// range of sort keys (as encoded bytes).
struct key_range {
  std::string hash;
  std::optional<std::pair<std::string, bool>> lo;  // bound, inclusive
  std::optional<std::pair<std::string, bool>> hi;
  std::optional<std::string> prefix;               // begins_with

  bool contains(std::string const& k) const
  {
    if (lo && (lo->second ? k < lo->first : k <= lo->first)) return false;
    if (hi && (hi->second ? k > hi->first : k >= hi->first)) return false;
    if (prefix && k.compare(0, prefix->size(), *prefix) != 0) return false;
    return true;
  }
};

api_error key_error(std::string what) { return {errc::validation, std::move(what)}; }

std::string_view op_name(node_kind k)
{
  switch (k) {
    case node_kind::or_: return "OR";
    case node_kind::not_: return "NOT";
    case node_kind::in: return "IN";
    case node_kind::ne: return "<>";
    case node_kind::attribute_exists: return "attribute_exists";
    case node_kind::attribute_not_exists: return "attribute_not_exists";
    case node_kind::attribute_type: return "attribute_type";
    case node_kind::contains: return "contains";
    default: return "?";
  }
}

outcome<key_range> analyze(expr::condition const& c, table const& t, placeholder_values const& ph)
{
  std::vector<std::uint32_t> leaves;
  auto const& root = c.nodes[c.root];
  if (root.kind == node_kind::and_) {
    for (auto child : root.children) {
      if (c.nodes[child].kind == node_kind::and_)
        return key_error("Invalid KeyConditionExpression: The expression has too many conditions");
      leaves.push_back(child);
    }
  } else {
    leaves.push_back(c.root);
  }
  key_range range;
  bool have_hash = false, have_range = false;
  for (auto leaf : leaves) {
    auto const& n = c.nodes[leaf];
    switch (n.kind) {
      case node_kind::eq: case node_kind::lt: case node_kind::le: case node_kind::gt: case node_kind::ge:
      case node_kind::between: case node_kind::begins_with: break;
      case node_kind::size: case node_kind::and_:
        return key_error("Invalid KeyConditionExpression: KeyConditionExpressions cannot contain nested operations");
      default:
        return key_error("Invalid operator used in KeyConditionExpression: " + std::string(op_name(n.kind)));
    }
    // Find the one path operand; comparisons may name the key on either side.
    int path_at = -1;
    for (std::size_t i = 0; i < n.children.size(); ++i) {
      auto const& child = c.nodes[n.children[i]];
      if (child.kind == node_kind::path) {
        if (path_at >= 0)
          return key_error("Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition");
        path_at = static_cast<int>(i);
      } else if (child.kind != node_kind::value) {
        return key_error("Invalid KeyConditionExpression: KeyConditionExpressions cannot contain nested operations");
      }
    }
    if (path_at < 0) return key_error("Invalid condition in KeyConditionExpression: No key attribute specified");
    if ((n.kind == node_kind::between || n.kind == node_kind::begins_with) && path_at != 0)
      return key_error("Invalid condition in KeyConditionExpression: " +
                       std::string(n.kind == node_kind::between ? "BETWEEN" : "begins_with") +
                       " operator must have the key attribute as its first operand");
    auto const& path = c.paths[c.nodes[n.children[path_at]].path];
    if (path.parts.size() > 1)
      return key_error("Invalid KeyConditionExpression: KeyConditionExpressions cannot have conditions on nested attributes");
    std::string const name(top_name(path, ph));
    node_kind kind = n.kind;
    if (path_at == 1) {  // ":v < key" is "key > :v"
      if (kind == node_kind::lt) kind = node_kind::gt;
      else if (kind == node_kind::le) kind = node_kind::ge;
      else if (kind == node_kind::gt) kind = node_kind::lt;
      else if (kind == node_kind::ge) kind = node_kind::le;
    }
    std::vector<attribute_value const*> values;
    for (std::size_t i = 0; i < n.children.size(); ++i) {
      if (static_cast<int>(i) == path_at) continue;
      auto const* v = ph.value(c.nodes[n.children[i]].placeholder);
      if (!v) return key_error("Invalid KeyConditionExpression: An expression attribute value used in expression is not defined");
      values.push_back(v);
    }
    key_attribute const* key = nullptr;
    bool is_hash = false;
    if (name == t.hash_key.name) {
      key = &t.hash_key;
      is_hash = true;
    } else if (t.range_key && name == t.range_key->name) {
      key = &*t.range_key;
    } else {
      return key_error("Query condition missed key schema element: " + (have_hash && t.range_key ? t.range_key->name : t.hash_key.name));
    }
    if ((is_hash && have_hash) || (!is_hash && have_range))
      return key_error("KeyConditionExpressions must only contain one condition per key");
    for (auto const* v : values)
      if (v->type != key->type)
        return key_error("One or more parameter values were invalid: Condition parameter type does not match schema type");
    if (is_hash) {
      if (kind != node_kind::eq) return key_error("Query key condition not supported");
      range.hash = encode_key(*values[0]);
      have_hash = true;
      continue;
    }
    have_range = true;
    std::string const a = encode_key(*values[0]);
    switch (kind) {
      case node_kind::eq: range.lo = {a, true}; range.hi = {a, true}; break;
      case node_kind::lt: range.hi = {a, false}; break;
      case node_kind::le: range.hi = {a, true}; break;
      case node_kind::gt: range.lo = {a, false}; break;
      case node_kind::ge: range.lo = {a, true}; break;
      case node_kind::between: {
        std::string const b = encode_key(*values[1]);
        if (a > b)
          return key_error("Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than "
                           "or equal to lower bound; lower operand: AttributeValue: " + describe(*values[0]) +
                           ", upper operand: AttributeValue: " + describe(*values[1]));
        range.lo = {a, true};
        range.hi = {b, true};
        break;
      }
      default:  // begins_with
        if (key->type == av_type::n)
          return key_error("Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or "
                           "function: begins_with, operand type: N");
        range.prefix = a;
        range.lo = {a, true};
        break;
    }
  }
  if (!have_hash) return key_error("Query condition missed key schema element: " + t.hash_key.name);
  return range;
}

// Shared by Query and Scan: what a page collects.
struct page {
  std::vector<stored_item const*> items;  // returned (after filter)
  std::size_t scanned = 0;
  std::size_t bytes = 0;
  stored_item const* last = nullptr;       // last evaluated
  bool stopped_early = false;              // Limit or 1 MB reached
};

outcome<bool> consider(page& pg, stored_item const& it, prepared const& p, item_request const& r, std::int64_t limit,
                       std::size_t max_bytes)
{
  // Returns false when the page is full and the walk must stop.
  if (static_cast<std::int64_t>(pg.scanned) >= limit || pg.bytes >= max_bytes) {
    pg.stopped_early = true;
    return false;
  }
  ++pg.scanned;
  pg.bytes += it.size;
  pg.last = &it;
  bool keep = true;
  if (p.filter) {
    KINESYS_TRY(ok, evaluate(*p.filter, &it.attributes, r.ph, "FilterExpression"));
    keep = ok;
  }
  if (keep) pg.items.push_back(&it);
  if (static_cast<std::int64_t>(pg.scanned) >= limit || pg.bytes >= max_bytes) pg.stopped_early = true;
  return true;
}

outcome<void> check_select(item_request const& r, prepared const& p)
{
  if (r.select.empty()) return {};
  static constexpr std::string_view values[] = {"ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT"};
  if (std::find(std::begin(values), std::end(values), r.select) == std::end(values)) {
    validation_errors errors;
    errors.add_string(r.select, "select",
                      "Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]");
    return errors.error();
  }
  if (r.select == "ALL_PROJECTED_ATTRIBUTES")
    return api_error{errc::validation, "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"};
  if (p.projection && r.select != "SPECIFIC_ATTRIBUTES")
    return api_error{errc::validation, "Cannot specify the AttributesToGet when choosing to get ALL_ATTRIBUTES"};
  return {};
}

}  // namespace

void write_page(dynamo_service const& svc, json_out& out, table const& t, page const& pg, item_request const& r,
                prepared const& p, double units);

outcome<void> dynamo_service::query(json_in::object& req, json_out& out)
{
  KINESYS_TRY(r, read_item_request(req));
  validation_errors errors;
  if (r.limit && *r.limit < 1)
    errors.add(aws_quoted(static_cast<std::int64_t>(*r.limit)), "limit", "Member must have value greater than or equal to 1");
  validate_table_name(r.table_name, r.has_table, "tableName", errors);
  if (!errors.empty()) return errors.error();
  if (!r.key_condition)
    return api_error{errc::validation, "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."};
  KINESYS_TRY(p, prepare(r));
  if (auto c = check_select(r, p); !c) return c.error();
  KINESYS_TRY(t, require_table(r.table_name));
  if (!r.index_name.empty())
    return api_error{errc::validation, "The table does not have the specified index: " + std::string(r.index_name)};
  KINESYS_TRY(range, analyze(*p.key_condition, *t, r.ph));
  std::optional<std::string> start_after;
  if (r.exclusive_start_key) {
    auto k = t->key_of(*r.exclusive_start_key, true);
    if (!k) return api_error{errc::validation, "The provided starting key is invalid: " + k.error().message};
    if (k->hash != range.hash)
      return api_error{errc::validation, "The provided starting key is invalid: Exclusive start key must be in the same "
                                         "partition as the key condition"};
    start_after = k->range;
  }
  if (!can_read(*t)) return throughput_exceeded();

  page pg;
  std::int64_t const limit = r.limit.value_or(INT64_MAX);
  std::size_t const max_bytes = limits().max_page_bytes;
  if (auto const* part = t->find_partition(range.hash)) {
    if (r.scan_forward) {
      auto it = part->begin();
      if (range.lo) it = range.lo->second ? part->lower_bound(range.lo->first) : part->upper_bound(range.lo->first);
      if (start_after) {
        // Start at whichever comes later: the range's start or past the start key.
        auto past = part->upper_bound(*start_after);
        if (it != part->end() && (past == part->end() || past->first > it->first)) it = past;
      }
      for (; it != part->end() && range.contains(it->first); ++it) {
        KINESYS_TRY(more, consider(pg, it->second, p, r, limit, max_bytes));
        if (!more) break;
      }
    } else {
      auto it = part->end();
      if (range.hi) it = range.hi->second ? part->upper_bound(range.hi->first) : part->lower_bound(range.hi->first);
      if (start_after) {
        // Walking down: start below whichever is lower, the range's end or the start key.
        auto bound = part->lower_bound(*start_after);
        if (it == part->end() || (bound != part->end() && bound->first < it->first)) it = bound;
      }
      while (it != part->begin()) {
        --it;
        if (!range.contains(it->first)) {
          if (range.lo && it->first < range.lo->first) break;
          continue;
        }
        KINESYS_TRY(more, consider(pg, it->second, p, r, limit, max_bytes));
        if (!more) break;
      }
    }
  }
  double const units = read_units(pg.bytes, r.consistent_read);
  charge_read(*t, units);
  write_page(*this, out, *t, pg, r, p, units);
  return {};
}

outcome<void> dynamo_service::scan(json_in::object& req, json_out& out)
{
  KINESYS_TRY(r, read_item_request(req));
  validation_errors errors;
  if (r.limit && *r.limit < 1)
    errors.add(aws_quoted(static_cast<std::int64_t>(*r.limit)), "limit", "Member must have value greater than or equal to 1");
  if (r.total_segments && (*r.total_segments < 1 || *r.total_segments > 1000000))
    errors.add(aws_quoted(static_cast<std::int64_t>(*r.total_segments)), "totalSegments",
               *r.total_segments < 1 ? "Member must have value greater than or equal to 1"
                                     : "Member must have value less than or equal to 1000000");
  validate_table_name(r.table_name, r.has_table, "tableName", errors);
  if (!errors.empty()) return errors.error();
  if (r.segment.has_value() != r.total_segments.has_value())
    return api_error{errc::validation, r.segment ? "The TotalSegments parameter is required but was not present in the request when Segment is specified"
                                                 : "The Segment parameter is required but was not present in the request when parameter TotalSegments is present"};
  if (r.segment && *r.segment >= *r.total_segments)
    return api_error{errc::validation, "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: " +
                                           std::to_string(*r.segment) + " is not less than TotalSegments: " +
                                           std::to_string(*r.total_segments)};
  if (r.key_condition) return api_error{errc::validation, "KeyConditionExpression can only be used with Query"};
  KINESYS_TRY(p, prepare(r));
  if (auto c = check_select(r, p); !c) return c.error();
  KINESYS_TRY(t, require_table(r.table_name));
  if (!r.index_name.empty())
    return api_error{errc::validation, "The table does not have the specified index: " + std::string(r.index_name)};
  std::optional<item_key> start_after;
  if (r.exclusive_start_key) {
    auto k = t->key_of(*r.exclusive_start_key, true);
    if (!k) return api_error{errc::validation, "The provided starting key is invalid: " + k.error().message};
    start_after = std::move(*k);
  }
  if (!can_read(*t)) return throughput_exceeded();

  auto const& order = t->scan_order();
  // A segment is a contiguous slice of the partition order.
  std::size_t first = 0, last = order.size();
  if (r.segment) {
    auto const n = static_cast<std::size_t>(*r.total_segments), s = static_cast<std::size_t>(*r.segment);
    first = order.size() * s / n;
    last = order.size() * (s + 1) / n;
  }
  std::size_t i = first;
  if (start_after) {
    i = static_cast<std::size_t>(std::lower_bound(order.begin() + static_cast<std::ptrdiff_t>(first),
                                                  order.begin() + static_cast<std::ptrdiff_t>(last), &start_after->hash,
                                                  [](auto* a, auto* b) { return *a < *b; }) - order.begin());
  }
  page pg;
  std::int64_t const limit = r.limit.value_or(INT64_MAX);
  std::size_t const max_bytes = limits().max_page_bytes;
  bool done = false;
  for (; i < last && !done; ++i) {
    auto const* part = t->find_partition(*order[i]);
    if (!part) continue;
    auto it = part->begin();
    if (start_after && *order[i] == start_after->hash) it = part->upper_bound(start_after->range);
    for (; it != part->end(); ++it) {
      KINESYS_TRY(more, consider(pg, it->second, p, r, limit, max_bytes));
      if (!more) {
        done = true;
        break;
      }
    }
  }
  double const units = read_units(pg.bytes, r.consistent_read);
  charge_read(*t, units);
  write_page(*this, out, *t, pg, r, p, units);
  return {};
}

void write_page(dynamo_service const& svc, json_out& out, table const& t, page const& pg, item_request const& r,
                prepared const& p, double units)
{
  out.begin_object();
  if (r.select != "COUNT") {
    out.key("Items").begin_array();
    for (auto const* it : pg.items) {
      if (p.projection) write_item(out, project(it->attributes, *p.projection, r.ph));
      else write_item(out, it->attributes);
    }
    out.end_array();
  }
  out.key("Count").number(static_cast<std::uint64_t>(pg.items.size()));
  out.key("ScannedCount").number(static_cast<std::uint64_t>(pg.scanned));
  if (pg.stopped_early && pg.last) {
    out.key("LastEvaluatedKey");
    write_item(out, t.key_item(pg.last->attributes));
  }
  svc.write_capacity(out, r.return_capacity, t, units);
  out.end_object();
}

}  // namespace kinesys::local::dynamo
