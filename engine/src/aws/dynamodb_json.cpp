#include <kinesys/detail/engine/aws/dynamodb_json.hpp>

#include "aws/json_util.hpp"

#include <kinesys/detail/codecs/json_writer.hpp>

namespace kinesys::engine::aws {
namespace {

using codecs::json_writer;
using simdjson::ondemand::array;
using simdjson::ondemand::document;
using simdjson::ondemand::json_type;
using simdjson::ondemand::object;
using simdjson::ondemand::value;

std::string_view return_values_name(return_values r) {
  switch (r) {
    case return_values::none: return "NONE";
    case return_values::all_old: return "ALL_OLD";
    case return_values::updated_old: return "UPDATED_OLD";
    case return_values::all_new: return "ALL_NEW";
    case return_values::updated_new: return "UPDATED_NEW";
  }
  return "NONE";
}

std::string_view scalar_name(scalar_type t) { return t == scalar_type::s ? "S" : t == scalar_type::n ? "N" : "B"; }
std::string_view key_type_name(key_type t) { return t == key_type::hash ? "HASH" : "RANGE"; }

table_status status_of(std::string_view s) {
  if (s == "ACTIVE") return table_status::active;
  if (s == "CREATING") return table_status::creating;
  if (s == "UPDATING") return table_status::updating;
  if (s == "DELETING") return table_status::deleting;
  if (s == "INACCESSIBLE_ENCRYPTION_CREDENTIALS") return table_status::inaccessible_encryption_credentials;
  if (s == "ARCHIVING") return table_status::archiving;
  if (s == "ARCHIVED") return table_status::archived;
  return table_status::unknown;
}

void write_names(json_writer& w, expression_names const& names) {
  if (names.empty()) return;
  w.key("ExpressionAttributeNames").begin_object();
  for (auto const& [placeholder, name] : names) w.member(placeholder, name);
  w.end_object();
}

void write_values(json_writer& w, expression_values const& values) {
  if (values.empty()) return;
  w.key("ExpressionAttributeValues");
  codecs::write_item(w, values);
}

void write_condition(json_writer& w, condition const& c) {
  if (!c.expression.empty()) w.member("ConditionExpression", c.expression);
  write_names(w, c.names);
  write_values(w, c.values);
}

void write_return_values(json_writer& w, return_values r) {
  if (r != return_values::none) w.member("ReturnValues", return_values_name(r));
}

aws_result<codecs::item> read_item(std::string_view op, value v, std::string_view field) {
  object o;
  if (auto e = v.get_object().get(o)) return detail::malformed(op, field, e);
  auto parsed = codecs::parse_item(o, field);
  if (!parsed) return detail::malformed(op, std::string(field) + ": " + parsed.error().message());
  return std::move(*parsed);
}

aws_result<table_description> parse_table(std::string_view op, object o) {
  table_description t;
  for (auto f : o) {
    std::string_view key;
    if (auto e = f.unescaped_key().get(key)) return detail::malformed(op, "Table", e);
    value v;
    if (auto e = f.value().get(v)) return detail::malformed(op, key, e);
    std::string_view text;
    bool ok = true;
    if (key == "TableName") {
      ok = detail::read_string(v, t.table_name);
    } else if (key == "TableArn") {
      ok = detail::read_string(v, t.table_arn);
    } else if (key == "TableStatus") {
      ok = detail::read_string_view(v, text);
      t.status = status_of(text);
    } else if (key == "ItemCount") {
      ok = detail::read_int(v, t.item_count);
    } else if (key == "TableSizeBytes") {
      ok = detail::read_int(v, t.table_size_bytes);
    } else if (key == "CreationDateTime") {
      ok = detail::read_timestamp(v, t.creation);
    } else if (key == "BillingModeSummary") {
      object b;
      ok = !v.get_object().get(b);
      if (ok && !b["BillingMode"].get_string().get(text))
        t.billing = text == "PAY_PER_REQUEST" ? billing_mode::pay_per_request : billing_mode::provisioned;
    } else if (key == "ProvisionedThroughput") {
      object p;
      ok = !v.get_object().get(p);
      for (auto pf : p) {
        std::string_view pkey;
        if (!ok || pf.unescaped_key().get(pkey)) break;
        if (pkey == "ReadCapacityUnits") ok = detail::read_int(pf.value(), t.throughput.read_capacity_units);
        else if (pkey == "WriteCapacityUnits") ok = detail::read_int(pf.value(), t.throughput.write_capacity_units);
      }
    } else if (key == "AttributeDefinitions") {
      array defs;
      ok = !v.get_array().get(defs);
      for (auto d : defs) {
        object def;
        if (!ok || d.get_object().get(def)) { ok = false; break; }
        attribute_definition a;
        for (auto df : def) {
          std::string_view dkey;
          if (df.unescaped_key().get(dkey)) { ok = false; break; }
          if (dkey == "AttributeName") ok = ok && detail::read_string(df.value(), a.name);
          else if (dkey == "AttributeType") {
            ok = ok && detail::read_string_view(df.value(), text);
            a.type = text == "N" ? scalar_type::n : text == "B" ? scalar_type::b : scalar_type::s;
          }
        }
        t.attribute_definitions.push_back(std::move(a));
      }
    } else if (key == "KeySchema") {
      array elements;
      ok = !v.get_array().get(elements);
      for (auto el : elements) {
        object ks;
        if (!ok || el.get_object().get(ks)) { ok = false; break; }
        key_schema_element k;
        for (auto kf : ks) {
          std::string_view kkey;
          if (kf.unescaped_key().get(kkey)) { ok = false; break; }
          if (kkey == "AttributeName") ok = ok && detail::read_string(kf.value(), k.attribute_name);
          else if (kkey == "KeyType") {
            ok = ok && detail::read_string_view(kf.value(), text);
            k.type = text == "RANGE" ? key_type::range : key_type::hash;
          }
        }
        t.key_schema.push_back(std::move(k));
      }
    }
    if (!ok) return detail::malformed(op, "Table." + std::string(key));
  }
  return t;
}

}  // namespace

std::string_view to_string(table_status s) noexcept {
  switch (s) {
    case table_status::creating: return "CREATING";
    case table_status::updating: return "UPDATING";
    case table_status::deleting: return "DELETING";
    case table_status::active: return "ACTIVE";
    case table_status::inaccessible_encryption_credentials: return "INACCESSIBLE_ENCRYPTION_CREDENTIALS";
    case table_status::archiving: return "ARCHIVING";
    case table_status::archived: return "ARCHIVED";
    case table_status::unknown: break;
  }
  return "UNKNOWN";
}

// --- encoders ------------------------------------------------------------------

void write_create_table(std::string& out, create_table_request const& r) {
  out.clear();
  json_writer w(out);
  w.begin_object().member("TableName", r.table_name);
  w.key("AttributeDefinitions").begin_array();
  for (auto const& a : r.attribute_definitions)
    w.begin_object().member("AttributeName", a.name).member("AttributeType", scalar_name(a.type)).end_object();
  w.end_array();
  w.key("KeySchema").begin_array();
  for (auto const& k : r.key_schema)
    w.begin_object().member("AttributeName", k.attribute_name).member("KeyType", key_type_name(k.type)).end_object();
  w.end_array();
  if (r.billing == billing_mode::pay_per_request) {
    w.member("BillingMode", "PAY_PER_REQUEST");
  } else {
    provisioned_throughput const t = r.throughput.value_or(provisioned_throughput{5, 5});
    w.member("BillingMode", "PROVISIONED");
    w.key("ProvisionedThroughput")
        .begin_object()
        .member("ReadCapacityUnits", t.read_capacity_units)
        .member("WriteCapacityUnits", t.write_capacity_units)
        .end_object();
  }
  w.end_object();
}

void write_table_name(std::string& out, std::string_view table_name) {
  out.clear();
  json_writer w(out);
  w.begin_object().member("TableName", table_name).end_object();
}

void write_put_item(std::string& out, put_item_request const& r) {
  out.clear();
  json_writer w(out);
  w.begin_object().member("TableName", r.table_name).key("Item");
  codecs::write_item(w, r.item);
  write_condition(w, r.when);
  write_return_values(w, r.returns);
  w.end_object();
}

void write_update_item(std::string& out, update_item_request const& r) {
  out.clear();
  json_writer w(out);
  w.begin_object().member("TableName", r.table_name).key("Key");
  codecs::write_item(w, r.key);
  if (!r.update_expression.empty()) w.member("UpdateExpression", r.update_expression);
  write_condition(w, r.when);
  write_return_values(w, r.returns);
  w.end_object();
}

void write_delete_item(std::string& out, delete_item_request const& r) {
  out.clear();
  json_writer w(out);
  w.begin_object().member("TableName", r.table_name).key("Key");
  codecs::write_item(w, r.key);
  write_condition(w, r.when);
  write_return_values(w, r.returns);
  w.end_object();
}

void write_get_item(std::string& out, get_item_request const& r) {
  out.clear();
  json_writer w(out);
  w.begin_object().member("TableName", r.table_name).key("Key");
  codecs::write_item(w, r.key);
  if (r.consistent_read) w.member("ConsistentRead", true);
  if (!r.projection_expression.empty()) w.member("ProjectionExpression", r.projection_expression);
  write_names(w, r.names);
  w.end_object();
}

void write_query(std::string& out, query_request const& r) {
  out.clear();
  json_writer w(out);
  w.begin_object().member("TableName", r.table_name);
  if (!r.index_name.empty()) w.member("IndexName", r.index_name);
  if (!r.key_condition_expression.empty()) w.member("KeyConditionExpression", r.key_condition_expression);
  if (!r.filter_expression.empty()) w.member("FilterExpression", r.filter_expression);
  if (!r.projection_expression.empty()) w.member("ProjectionExpression", r.projection_expression);
  write_names(w, r.names);
  write_values(w, r.values);
  if (r.exclusive_start_key) {
    w.key("ExclusiveStartKey");
    codecs::write_item(w, *r.exclusive_start_key);
  }
  if (r.limit) w.member("Limit", *r.limit);
  if (!r.scan_index_forward) w.member("ScanIndexForward", false);
  if (r.consistent_read) w.member("ConsistentRead", true);
  w.end_object();
}

aws_result<void> write_batch_write_item(std::string& out, batch_write_item_request const& r) {
  std::size_t writes = 0;
  for (auto const& [table, requests] : r.request_items) writes += requests.size();
  if (writes == 0) return detail::invalid_request("BatchWriteItem needs at least one write");
  if (writes > max_batch_write_items)
    return detail::invalid_request("BatchWriteItem takes at most 25 writes, got " + std::to_string(writes));
  out.clear();
  json_writer w(out);
  w.begin_object().key("RequestItems").begin_object();
  for (auto const& [table, requests] : r.request_items) {
    w.key(table).begin_array();
    for (auto const& request : requests) {
      w.begin_object().key(request.is_delete ? "DeleteRequest" : "PutRequest").begin_object();
      w.key(request.is_delete ? "Key" : "Item");
      codecs::write_item(w, request.item);
      w.end_object().end_object();
    }
    w.end_array();
  }
  w.end_object().end_object();
  return {};
}

aws_result<void> write_transact_write_items(std::string& out, transact_write_items_request const& r) {
  if (r.items.empty()) return detail::invalid_request("TransactWriteItems needs at least one item");
  if (r.items.size() > max_transact_write_items)
    return detail::invalid_request("TransactWriteItems takes at most 100 items, got " + std::to_string(r.items.size()));
  out.clear();
  json_writer w(out);
  w.begin_object().key("TransactItems").begin_array();
  for (std::size_t i = 0; i < r.items.size(); ++i) {
    auto const& t = r.items[i];
    if (t.kind == transact_kind::condition_check && t.when.expression.empty())
      return detail::invalid_request("TransactWriteItems item " + std::to_string(i) +
                                     ": a ConditionCheck needs a ConditionExpression");
    if (t.kind == transact_kind::update && t.update_expression.empty())
      return detail::invalid_request("TransactWriteItems item " + std::to_string(i) +
                                     ": an Update needs an UpdateExpression");
    std::string_view const action = t.kind == transact_kind::put      ? "Put"
                                    : t.kind == transact_kind::update ? "Update"
                                    : t.kind == transact_kind::erase  ? "Delete"
                                                                      : "ConditionCheck";
    w.begin_object().key(action).begin_object().member("TableName", t.table_name);
    w.key(t.kind == transact_kind::put ? "Item" : "Key");
    codecs::write_item(w, t.item);
    if (t.kind == transact_kind::update) w.member("UpdateExpression", t.update_expression);
    write_condition(w, t.when);
    if (t.return_old_on_condition_failure) w.member("ReturnValuesOnConditionCheckFailure", "ALL_OLD");
    w.end_object().end_object();
  }
  w.end_array();
  if (!r.client_request_token.empty()) w.member("ClientRequestToken", r.client_request_token);
  w.end_object();
  return {};
}

// --- decoders ------------------------------------------------------------------

aws_result<table_description> parse_table_description(std::string& body, std::string_view op) {
  document doc;
  object root;
  if (auto e = detail::open_object(body, doc, root)) return detail::malformed(op, "(document)", e);
  for (auto f : root) {
    std::string_view key;
    if (auto e = f.unescaped_key().get(key)) return detail::malformed(op, "(key)", e);
    if (key != "Table" && key != "TableDescription") continue;
    object table;
    if (auto e = f.value().get_object().get(table)) return detail::malformed(op, key, e);
    return parse_table(op, table);
  }
  return detail::malformed(op, "Table (missing)");
}

aws_result<write_item_result> parse_write_item(std::string& body, std::string_view op) {
  write_item_result result;
  if (body.empty()) return result;
  document doc;
  object root;
  if (auto e = detail::open_object(body, doc, root)) return detail::malformed(op, "(document)", e);
  for (auto f : root) {
    std::string_view key;
    if (auto e = f.unescaped_key().get(key)) return detail::malformed(op, "(key)", e);
    if (key != "Attributes") continue;
    auto it = read_item(op, f.value(), "Attributes");
    if (!it) return it.error();
    result.attributes = std::move(*it);
  }
  return result;
}

aws_result<get_item_result> parse_get_item(std::string& body) {
  constexpr std::string_view op = "GetItem";
  get_item_result result;
  document doc;
  object root;
  if (auto e = detail::open_object(body, doc, root)) return detail::malformed(op, "(document)", e);
  for (auto f : root) {
    std::string_view key;
    if (auto e = f.unescaped_key().get(key)) return detail::malformed(op, "(key)", e);
    if (key != "Item") continue;
    auto it = read_item(op, f.value(), "Item");
    if (!it) return it.error();
    result.item = std::move(*it);
  }
  return result;
}

aws_result<query_result> parse_query(std::string& body) {
  constexpr std::string_view op = "Query";
  query_result result;
  document doc;
  object root;
  if (auto e = detail::open_object(body, doc, root)) return detail::malformed(op, "(document)", e);
  for (auto f : root) {
    std::string_view key;
    if (auto e = f.unescaped_key().get(key)) return detail::malformed(op, "(key)", e);
    value v;
    if (auto e = f.value().get(v)) return detail::malformed(op, key, e);
    if (key == "Items") {
      array items;
      if (auto e = v.get_array().get(items)) return detail::malformed(op, "Items", e);
      for (auto element : items) {
        value item_value;
        if (auto e = element.get(item_value)) return detail::malformed(op, "Items[]", e);
        auto it = read_item(op, item_value, "Items[]");
        if (!it) return it.error();
        result.items.push_back(std::move(*it));
      }
    } else if (key == "Count") {
      if (!detail::read_int(v, result.count)) return detail::malformed(op, "Count");
    } else if (key == "ScannedCount") {
      if (!detail::read_int(v, result.scanned_count)) return detail::malformed(op, "ScannedCount");
    } else if (key == "LastEvaluatedKey") {
      auto it = read_item(op, v, "LastEvaluatedKey");
      if (!it) return it.error();
      result.last_evaluated_key = std::move(*it);
    }
  }
  return result;
}

aws_result<batch_write_item_result> parse_batch_write_item(std::string& body) {
  constexpr std::string_view op = "BatchWriteItem";
  batch_write_item_result result;
  document doc;
  object root;
  if (auto e = detail::open_object(body, doc, root)) return detail::malformed(op, "(document)", e);
  for (auto f : root) {
    std::string_view key;
    if (auto e = f.unescaped_key().get(key)) return detail::malformed(op, "(key)", e);
    if (key != "UnprocessedItems") continue;
    object tables;
    if (auto e = f.value().get_object().get(tables)) return detail::malformed(op, "UnprocessedItems", e);
    for (auto t : tables) {
      std::string_view table;
      if (auto e = t.unescaped_key().get(table)) return detail::malformed(op, "UnprocessedItems", e);
      std::string const table_name(table);
      array requests;
      if (auto e = t.value().get_array().get(requests)) return detail::malformed(op, "UnprocessedItems." + table_name, e);
      auto& out = result.unprocessed_items[table_name];
      for (auto element : requests) {
        object request;
        if (auto e = element.get_object().get(request)) return detail::malformed(op, "UnprocessedItems[]", e);
        for (auto rf : request) {
          std::string_view kind;
          if (auto e = rf.unescaped_key().get(kind)) return detail::malformed(op, "UnprocessedItems[]", e);
          bool const is_delete = kind == "DeleteRequest";
          if (!is_delete && kind != "PutRequest") continue;
          object inner;
          if (auto e = rf.value().get_object().get(inner)) return detail::malformed(op, kind, e);
          for (auto inf : inner) {
            std::string_view ikey;
            if (auto e = inf.unescaped_key().get(ikey)) return detail::malformed(op, kind, e);
            if (ikey != (is_delete ? "Key" : "Item")) continue;
            auto it = read_item(op, inf.value(), is_delete ? "DeleteRequest.Key" : "PutRequest.Item");
            if (!it) return it.error();
            out.push_back({is_delete, std::move(*it)});
          }
        }
      }
      if (out.empty()) result.unprocessed_items.erase(table_name);
    }
  }
  return result;
}

}  // namespace kinesys::engine::aws
