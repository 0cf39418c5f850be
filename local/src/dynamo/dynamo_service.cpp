#include "dynamo/dynamo_service.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace kinesys::local::dynamo {

dynamo_service::dynamo_service(service_context ctx) : ctx_(std::move(ctx)) {}

outcome<void> dynamo_service::handle(std::string_view op, json_in::object& req, json_out& out)
{
  if (op == "PutItem") return put_item(req, out);
  if (op == "UpdateItem") return update_item(req, out);
  if (op == "GetItem") return get_item(req, out);
  if (op == "BatchWriteItem") return batch_write_item(req, out);
  if (op == "Query") return query(req, out);
  if (op == "DeleteItem") return delete_item(req, out);
  if (op == "BatchGetItem") return batch_get_item(req, out);
  if (op == "TransactWriteItems") return transact_write_items(req, out);
  if (op == "Scan") return scan(req, out);
  if (op == "DescribeTable") return describe_table(req, out);
  if (op == "CreateTable") return create_table(req, out);
  if (op == "DeleteTable") return delete_table(req, out);
  if (op == "ListTables") return list_tables(req, out);
  if (op == "UpdateTable") return update_table(req, out);
  if (op == "DescribeTimeToLive") return describe_time_to_live(req, out);
  return api_error{errc::unknown_operation, ""};
}

table* dynamo_service::find_table(std::string_view name) noexcept
{
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second.get();
}

outcome<table*> dynamo_service::require_table(std::string_view name)
{
  if (table* t = find_table(name)) return t;
  return api_error{errc::resource_not_found, "Requested resource not found"};
}

std::vector<std::string> dynamo_service::table_names() const
{
  std::vector<std::string> names;
  for (auto const& [n, t] : tables_) names.push_back(n);
  std::sort(names.begin(), names.end());
  return names;
}

table& dynamo_service::restore_table(std::unique_ptr<table> t)
{
  ctx_.account->tables.fetch_add(1);
  auto& slot = tables_[t->name];
  slot = std::move(t);
  return *slot;
}

void validate_table_name(std::string_view name, bool present, std::string_view path, validation_errors& errors)
{
  if (!present) {
    errors.add_null(path);
    return;
  }
  if (name.size() < 3) errors.add_string(name, path, "Member must have length greater than or equal to 3");
  if (name.size() > 255) errors.add_string(name, path, "Member must have length less than or equal to 255");
  if (!std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
               c == '-';
      }))
    errors.add_string(name, path, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
}

// --- request members -------------------------------------------------------------------

namespace {

bool valid_placeholder(std::string_view key, char sigil)
{
  if (key.size() < 2 || key[0] != sigil) return false;
  return std::all_of(key.begin() + 1, key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

outcome<item_request> read_item_request(json_in::object& obj)
{
  item_request r;
  for (auto field : obj) {
    std::string_view key = field.unescaped_key();
    json_in::value v = field.value();
    if (json_in::is_null(v)) continue;
    auto text = [&]() { return json_in::get_string(v, key); };
    if (key == "TableName") {
      KINESYS_TRY(s, text());
      r.table_name = std::string(s);
      r.has_table = true;
    } else if (key == "Item") {
      KINESYS_TRY(it, parse_item(v));
      r.item_value = std::move(it);
    } else if (key == "Key") {
      KINESYS_TRY(it, parse_item(v));
      r.key = std::move(it);
    } else if (key == "Keys") {
      KINESYS_TRY(arr, json_in::get_array(v, key));
      r.has_keys = true;
      for (auto element : arr) {
        KINESYS_TRY(k, parse_item(element.value()));
        r.keys.push_back(std::move(k));
      }
    } else if (key == "ExclusiveStartKey") {
      KINESYS_TRY(it, parse_item(v));
      r.exclusive_start_key = std::move(it);
    } else if (key == "ConditionExpression") {
      KINESYS_TRY(s, text());
      r.condition = s;
    } else if (key == "UpdateExpression") {
      KINESYS_TRY(s, text());
      r.update = s;
    } else if (key == "ProjectionExpression") {
      KINESYS_TRY(s, text());
      r.projection = s;
    } else if (key == "KeyConditionExpression") {
      KINESYS_TRY(s, text());
      r.key_condition = s;
    } else if (key == "FilterExpression") {
      KINESYS_TRY(s, text());
      r.filter = s;
    } else if (key == "ExpressionAttributeNames") {
      KINESYS_TRY(o, json_in::get_object(v, key));
      r.ph.has_names = true;
      for (auto member : o) {
        std::string_view name = member.unescaped_key();
        std::string const name_copy(name);
        KINESYS_TRY(s, json_in::get_string(member.value(), "ExpressionAttributeNames"));
        if (!valid_placeholder(name_copy, '#'))
          return api_error{errc::validation, "ExpressionAttributeNames contains invalid key: Syntax error; key: \"" + name_copy + "\""};
        r.ph.names.emplace_back(name_copy, std::string(s));
      }
      if (r.ph.names.empty()) return api_error{errc::validation, "ExpressionAttributeNames must not be empty"};
    } else if (key == "ExpressionAttributeValues") {
      KINESYS_TRY(o, json_in::get_object(v, key));
      r.ph.has_values = true;
      for (auto member : o) {
        std::string const name(member.unescaped_key().value());
        if (!valid_placeholder(name, ':'))
          return api_error{errc::validation, "ExpressionAttributeValues contains invalid key: Syntax error; key: \"" + name + "\""};
        auto value = parse_value(member.value());
        if (!value) {
          api_error e = value.error();
          if (e.code == errc::validation) e.message = "ExpressionAttributeValues contains invalid value: " + e.message + " for key " + name;
          return e;
        }
        r.ph.values.emplace_back(name, std::move(*value));
      }
      if (r.ph.values.empty()) return api_error{errc::validation, "ExpressionAttributeValues must not be empty"};
    } else if (key == "ReturnValues") {
      KINESYS_TRY(s, text());
      r.return_values = s;
    } else if (key == "ReturnConsumedCapacity") {
      KINESYS_TRY(s, text());
      r.return_capacity = s;
    } else if (key == "ReturnValuesOnConditionCheckFailure") {
      KINESYS_TRY(s, text());
      r.return_on_condition_failure = s;
    } else if (key == "Select") {
      KINESYS_TRY(s, text());
      r.select = s;
    } else if (key == "IndexName") {
      KINESYS_TRY(s, text());
      r.index_name = s;
    } else if (key == "ConsistentRead") {
      KINESYS_TRY(b, json_in::get_bool(v, key));
      r.consistent_read = b;
    } else if (key == "ScanIndexForward") {
      KINESYS_TRY(b, json_in::get_bool(v, key));
      r.scan_forward = b;
    } else if (key == "Limit") {
      KINESYS_TRY(l, json_in::get_int(v, key));
      r.limit = l;
    } else if (key == "Segment") {
      KINESYS_TRY(l, json_in::get_int(v, key));
      r.segment = l;
    } else if (key == "TotalSegments") {
      KINESYS_TRY(l, json_in::get_int(v, key));
      r.total_segments = l;
    } else if (key == "Expected" || key == "AttributeUpdates" || key == "KeyConditions" || key == "QueryFilter" ||
               key == "ScanFilter" || key == "AttributesToGet" || key == "ConditionalOperator") {
      return api_error{errc::validation, "The legacy parameter " + std::string(key) +
                                             " is not supported by kinesys-local; use the expression parameters"};
    }
  }
  return r;
}

// --- expressions ---------------------------------------------------------------------------

template <class T, class Parse>
outcome<std::shared_ptr<T const>> dynamo_service::cached(cache<T>& c, std::string_view text, std::string_view kind,
                                                         Parse parse)
{
  // Consumers send the same few expressions over and over: parse each
  // text once per core. The bound keeps a client that generates
  // expressions from growing the cache forever.
  if (auto it = c.find(text); it != c.end()) return it->second;
  auto result = parse(text);
  if (auto* err = std::get_if<expr::parse_error>(&result))
    return api_error{errc::validation, "Invalid " + std::string(kind) + ": " + err->message};
  auto parsed = std::get<std::shared_ptr<T const>>(result);
  if (c.size() >= 4096) c.clear();
  c.emplace(std::string(text), parsed);
  return parsed;
}

outcome<prepared> dynamo_service::prepare(item_request const& r)
{
  prepared p;
  std::vector<used_placeholders> used;
  if (r.update) {
    KINESYS_TRY(u, cached(updates_, *r.update, "UpdateExpression", expr::parse_update));
    p.update = u;
    used.push_back({"UpdateExpression", &u->used});
  }
  if (r.condition) {
    KINESYS_TRY(c, cached(conditions_, *r.condition, "ConditionExpression", expr::parse_condition));
    p.condition = c;
    used.push_back({"ConditionExpression", &c->used});
  }
  if (r.key_condition) {
    KINESYS_TRY(c, cached(conditions_, *r.key_condition, "KeyConditionExpression", expr::parse_condition));
    p.key_condition = c;
    used.push_back({"KeyConditionExpression", &c->used});
  }
  if (r.filter) {
    KINESYS_TRY(c, cached(conditions_, *r.filter, "FilterExpression", expr::parse_condition));
    p.filter = c;
    used.push_back({"FilterExpression", &c->used});
  }
  if (r.projection) {
    KINESYS_TRY(c, cached(projections_, *r.projection, "ProjectionExpression", expr::parse_projection));
    p.projection = c;
    used.push_back({"ProjectionExpression", &c->used});
  }
  if (r.ph.has_names && used.empty())
    return api_error{errc::validation, "ExpressionAttributeNames can only be specified when using expressions"};
  bool const value_expression = r.update || r.condition || r.key_condition || r.filter;
  if (r.ph.has_values && !value_expression) {
    std::string null_list;
    if (r.key_condition || r.filter || r.select.size() || r.index_name.size()) null_list = "KeyConditionExpression and FilterExpression are null";
    else if (r.update || r.key) null_list = "UpdateExpression and ConditionExpression are null";
    else null_list = "ConditionExpression is null";
    return api_error{errc::validation, "ExpressionAttributeValues can only be specified when using expressions: " + null_list};
  }
  if (!used.empty() || r.ph.has_names || r.ph.has_values) {
    if (auto c = check_placeholders(r.ph, used); !c) return c.error();
  }
  return p;
}

// --- capacity ----------------------------------------------------------------------------

bool dynamo_service::take_write(table& t, double units)
{
  if (t.pay_per_request || !limits().throttle) return true;
  return t.write_bucket.try_take(units, ctx_.now_ns());
}

bool dynamo_service::can_read(table& t)
{
  if (t.pay_per_request || !limits().throttle) return true;
  return t.read_bucket.positive(ctx_.now_ns());
}

void dynamo_service::charge_read(table& t, double units)
{
  if (t.pay_per_request || !limits().throttle) return;
  t.read_bucket.force_take(units, ctx_.now_ns());
}

api_error dynamo_service::throughput_exceeded() const
{
  return {errc::provisioned_throughput_exceeded,
          "The level of configured provisioned throughput for the table was exceeded. Consider increasing your "
          "provisioning level with the UpdateTable API."};
}

namespace {

void write_units_number(json_out& out, double units)
{
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, units);
  std::string_view s(buf, static_cast<std::size_t>(r.ptr - buf));
  std::string text(s);
  if (text.find('.') == std::string::npos && text.find('e') == std::string::npos) text += ".0";
  out.raw(text);
}

}  // namespace

void dynamo_service::write_capacity(json_out& out, std::string_view return_capacity, table const& t, double units) const
{
  if (return_capacity != "TOTAL" && return_capacity != "INDEXES") return;
  out.key("ConsumedCapacity").begin_object();
  out.key("TableName").string(t.name);
  out.key("CapacityUnits");
  write_units_number(out, units);
  if (return_capacity == "INDEXES") {
    out.key("Table").begin_object().key("CapacityUnits");
    write_units_number(out, units);
    out.end_object();
  }
  out.end_object();
}

}  // namespace kinesys::local::dynamo
