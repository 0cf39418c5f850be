// CreateTable, DescribeTable, DeleteTable, ListTables, UpdateTable,
// DescribeTimeToLive.
#include "dynamo/dynamo_service.hpp"

#include <algorithm>
#include <cstdio>
#include <random>

namespace kinesys::local::dynamo {
namespace {

api_error invalid(std::string what) { return {errc::validation, "One or more parameter values were invalid: " + std::move(what)}; }

std::string make_table_id(std::int64_t seed)
{
  std::mt19937_64 rng(static_cast<std::uint64_t>(seed) ^ 0x9e3779b97f4a7c15ull);
  char buf[40];
  std::uint64_t a = rng(), b = rng();
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-a%03x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>(a >> 16) & 0xffff, static_cast<unsigned>(a) & 0xfff,
                static_cast<unsigned>(b >> 52) & 0xfff, static_cast<unsigned long long>(b & 0xffffffffffffull));
  return buf;
}

std::optional<av_type> key_type(std::string_view t)
{
  if (t == "S") return av_type::s;
  if (t == "N") return av_type::n;
  if (t == "B") return av_type::b;
  return std::nullopt;
}

outcome<std::string> read_table_name(json_in::object& req)
{
  std::string name;
  bool has = false;
  for (auto field : req) {
    std::string_view key = field.unescaped_key();
    json_in::value v = field.value();
    if (json_in::is_null(v)) continue;
    if (key == "TableName") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      name = std::string(s);
      has = true;
    }
  }
  validation_errors errors;
  validate_table_name(name, has, "tableName", errors);
  if (!errors.empty()) return errors.error();
  return name;
}

api_error table_not_found(std::string const& name)
{
  return {errc::resource_not_found, "Requested resource not found: Table: " + name + " not found"};
}

struct throughput {
  std::optional<std::int64_t> read, write;
  bool present = false;
};

outcome<throughput> read_throughput(json_in::value v)
{
  throughput t;
  t.present = true;
  KINESYS_TRY(o, json_in::get_object(v, "ProvisionedThroughput"));
  for (auto f : o) {
    std::string_view k = f.unescaped_key();
    json_in::value fv = f.value();
    if (json_in::is_null(fv)) continue;
    if (k == "ReadCapacityUnits") {
      KINESYS_TRY(n, json_in::get_int(fv, k));
      t.read = n;
    } else if (k == "WriteCapacityUnits") {
      KINESYS_TRY(n, json_in::get_int(fv, k));
      t.write = n;
    }
  }
  return t;
}

outcome<void> check_throughput(throughput const& t, std::string_view path)
{
  validation_errors errors;
  std::string const base(path);
  if (!t.write) errors.add_null(base + ".writeCapacityUnits");
  else if (*t.write < 1) errors.add(aws_quoted(static_cast<std::int64_t>(*t.write)), base + ".writeCapacityUnits", "Member must have value greater than or equal to 1");
  if (!t.read) errors.add_null(base + ".readCapacityUnits");
  else if (*t.read < 1) errors.add(aws_quoted(static_cast<std::int64_t>(*t.read)), base + ".readCapacityUnits", "Member must have value greater than or equal to 1");
  if (!errors.empty()) return errors.error();
  return {};
}

}  // namespace

void dynamo_service::write_description(json_out& out, table const& t, std::string_view status) const
{
  out.begin_object();
  out.key("AttributeDefinitions").begin_array();
  for (auto const& a : t.attribute_definitions)
    out.begin_object().key("AttributeName").string(a.name).key("AttributeType").string(type_name(a.type)).end_object();
  out.end_array();
  out.key("TableName").string(t.name);
  out.key("KeySchema").begin_array();
  out.begin_object().key("AttributeName").string(t.hash_key.name).key("KeyType").string("HASH").end_object();
  if (t.range_key) out.begin_object().key("AttributeName").string(t.range_key->name).key("KeyType").string("RANGE").end_object();
  out.end_array();
  out.key("TableStatus").string(status);
  out.key("CreationDateTime").epoch_seconds(t.created_ms);
  out.key("ProvisionedThroughput").begin_object();
  out.key("NumberOfDecreasesToday").number(0);
  out.key("ReadCapacityUnits").number(t.read_capacity);
  out.key("WriteCapacityUnits").number(t.write_capacity);
  out.end_object();
  out.key("TableSizeBytes").number(static_cast<std::uint64_t>(t.size_bytes()));
  out.key("ItemCount").number(static_cast<std::uint64_t>(t.item_count()));
  out.key("TableArn").string("arn:aws:dynamodb:" + ctx_.options->region + ":" + ctx_.options->account_id + ":table/" + t.name);
  out.key("TableId").string(t.table_id);
  if (t.pay_per_request) {
    out.key("BillingModeSummary").begin_object();
    out.key("BillingMode").string("PAY_PER_REQUEST");
    out.key("LastUpdateToPayPerRequestDateTime").epoch_seconds(t.created_ms);
    out.end_object();
  }
  out.end_object();
}

outcome<void> dynamo_service::create_table(json_in::object& req, json_out& out)
{
  std::string name, billing;
  bool has_name = false, has_defs = false, has_schema = false;
  std::vector<std::pair<std::string, std::string>> defs, schema;
  throughput tp;
  bool has_indexes = false;
  for (auto field : req) {
    std::string_view key = field.unescaped_key();
    json_in::value v = field.value();
    if (json_in::is_null(v)) continue;
    if (key == "TableName") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      name = std::string(s);
      has_name = true;
    } else if (key == "BillingMode") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      billing = std::string(s);
    } else if (key == "ProvisionedThroughput") {
      KINESYS_TRY(t, read_throughput(v));
      tp = t;
    } else if (key == "AttributeDefinitions" || key == "KeySchema") {
      bool const is_defs = key == "AttributeDefinitions";
      (is_defs ? has_defs : has_schema) = true;
      KINESYS_TRY(list, json_in::get_array(v, key));
      for (auto element : list) {
        KINESYS_TRY(o, json_in::get_object(element.value(), key));
        std::string n, t;
        for (auto f : o) {
          std::string_view k = f.unescaped_key();
          json_in::value fv = f.value();
          if (json_in::is_null(fv)) continue;
          if (k == "AttributeName") {
            KINESYS_TRY(s, json_in::get_string(fv, k));
            n = std::string(s);
          } else if (k == (is_defs ? "AttributeType" : "KeyType")) {
            KINESYS_TRY(s, json_in::get_string(fv, k));
            t = std::string(s);
          }
        }
        (is_defs ? defs : schema).emplace_back(std::move(n), std::move(t));
      }
    } else if (key == "GlobalSecondaryIndexes" || key == "LocalSecondaryIndexes") {
      has_indexes = true;
    }
  }
  validation_errors errors;
  if (!has_defs) errors.add_null("attributeDefinitions");
  if (!has_schema) errors.add_null("keySchema");
  else if (schema.empty() || schema.size() > 2)
    errors.add("'[]'", "keySchema", schema.empty() ? "Member must have length greater than or equal to 1" : "Member must have length less than or equal to 2");
  validate_table_name(name, has_name, "tableName", errors);
  if (!billing.empty() && billing != "PROVISIONED" && billing != "PAY_PER_REQUEST")
    errors.add_string(billing, "billingMode", "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]");
  for (std::size_t i = 0; i < defs.size(); ++i)
    if (!key_type(defs[i].second))
      errors.add_string(defs[i].second, "attributeDefinitions." + std::to_string(i + 1) + ".member.attributeType",
                        "Member must satisfy enum value set: [B, N, S]");
  for (std::size_t i = 0; i < schema.size(); ++i)
    if (schema[i].second != "HASH" && schema[i].second != "RANGE")
      errors.add_string(schema[i].second, "keySchema." + std::to_string(i + 1) + ".member.keyType",
                        "Member must satisfy enum value set: [HASH, RANGE]");
  if (!errors.empty()) return errors.error();
  if (has_indexes)
    return api_error{errc::validation, "Secondary indexes are not supported by kinesys-local"};

  bool const on_demand = billing == "PAY_PER_REQUEST";
  if (on_demand && tp.present)
    return invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
  if (!on_demand) {
    if (!tp.present)
      return invalid("ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
    if (auto c = check_throughput(tp, "provisionedThroughput"); !c) return c.error();
  }
  if (schema[0].second != "HASH") return api_error{errc::validation, "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"};
  if (schema.size() == 2 && schema[1].second != "RANGE")
    return api_error{errc::validation, "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"};
  if (schema.size() == 2 && schema[0].first == schema[1].first)
    return invalid("Both the Hash Key and the Range Key element in the KeySchema have the same name");
  auto def_of = [&](std::string const& n) -> std::optional<av_type> {
    for (auto const& d : defs)
      if (d.first == n) return key_type(d.second);
    return std::nullopt;
  };
  std::string keys_text = "[", defs_text = "[";
  for (std::size_t i = 0; i < schema.size(); ++i) keys_text += (i ? ", " : "") + schema[i].first;
  for (std::size_t i = 0; i < defs.size(); ++i) defs_text += (i ? ", " : "") + defs[i].first;
  keys_text += "]";
  defs_text += "]";
  for (auto const& k : schema)
    if (!def_of(k.first))
      return invalid("Some index key attributes are not defined in AttributeDefinitions. Keys: " + keys_text +
                     ", AttributeDefinitions: " + defs_text);
  if (defs.size() != schema.size())
    return invalid("Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions");
  if (tables_.contains(name)) return api_error{errc::resource_in_use, "Table already exists: " + name};
  if (ctx_.account->tables.load() >= static_cast<std::int64_t>(limits().table_limit))
    return api_error{errc::limit_exceeded, "Subscriber limit exceeded: Only " + std::to_string(limits().table_limit) +
                                               " tables can be created per account"};

  auto t = std::make_unique<table>();
  t->name = name;
  t->hash_key = {schema[0].first, *def_of(schema[0].first)};
  if (schema.size() == 2) t->range_key = key_attribute{schema[1].first, *def_of(schema[1].first)};
  for (auto const& d : defs) t->attribute_definitions.push_back({d.first, *key_type(d.second)});
  t->pay_per_request = on_demand;
  t->read_capacity = on_demand ? 0 : *tp.read;
  t->write_capacity = on_demand ? 0 : *tp.write;
  t->created_ms = ctx_.now_ms();
  t->table_id = make_table_id(t->created_ms ^ static_cast<std::int64_t>(std::hash<std::string>{}(name)));
  t->configure_capacity(limits().burst_seconds, ctx_.now_ns());
  table& created = *t;
  tables_.emplace(name, std::move(t));
  ctx_.account->tables.fetch_add(1);
  if (observer_) observer_->table_created(created);
  out.begin_object().key("TableDescription");
  write_description(out, created, "CREATING");
  out.end_object();
  return {};
}

outcome<void> dynamo_service::describe_table(json_in::object& req, json_out& out)
{
  KINESYS_TRY(name, read_table_name(req));
  table* t = find_table(name);
  if (!t) return table_not_found(name);
  out.begin_object().key("Table");
  write_description(out, *t, "ACTIVE");
  out.end_object();
  return {};
}

outcome<void> dynamo_service::delete_table(json_in::object& req, json_out& out)
{
  KINESYS_TRY(name, read_table_name(req));
  auto it = tables_.find(name);
  if (it == tables_.end()) return table_not_found(name);
  out.begin_object().key("TableDescription");
  write_description(out, *it->second, "DELETING");
  out.end_object();
  tables_.erase(it);
  ctx_.account->tables.fetch_sub(1);
  if (observer_) observer_->table_deleted(name);
  return {};
}

outcome<void> dynamo_service::list_tables(json_in::object& req, json_out& out)
{
  std::string start;
  std::int64_t limit = 100;
  for (auto field : req) {
    std::string_view key = field.unescaped_key();
    json_in::value v = field.value();
    if (json_in::is_null(v)) continue;
    if (key == "ExclusiveStartTableName") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      start = std::string(s);
    } else if (key == "Limit") {
      KINESYS_TRY(l, json_in::get_int(v, key));
      limit = l;
    }
  }
  validation_errors errors;
  if (limit < 1 || limit > 100)
    errors.add(aws_quoted(static_cast<std::int64_t>(limit)), "limit",
               limit < 1 ? "Member must have value greater than or equal to 1" : "Member must have value less than or equal to 100");
  if (!errors.empty()) return errors.error();
  auto names = table_names();
  auto it = start.empty() ? names.begin() : std::upper_bound(names.begin(), names.end(), start);
  out.begin_object().key("TableNames").begin_array();
  std::int64_t n = 0;
  for (; it != names.end() && n < limit; ++it, ++n) out.string(*it);
  out.end_array();
  if (it != names.end()) out.key("LastEvaluatedTableName").string(*(it - 1));
  out.end_object();
  return {};
}

outcome<void> dynamo_service::update_table(json_in::object& req, json_out& out)
{
  std::string name, billing;
  bool has_name = false;
  throughput tp;
  for (auto field : req) {
    std::string_view key = field.unescaped_key();
    json_in::value v = field.value();
    if (json_in::is_null(v)) continue;
    if (key == "TableName") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      name = std::string(s);
      has_name = true;
    } else if (key == "BillingMode") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      billing = std::string(s);
    } else if (key == "ProvisionedThroughput") {
      KINESYS_TRY(t, read_throughput(v));
      tp = t;
    }
  }
  validation_errors errors;
  validate_table_name(name, has_name, "tableName", errors);
  if (!errors.empty()) return errors.error();
  if (tp.present)
    if (auto c = check_throughput(tp, "provisionedThroughput"); !c) return c.error();
  table* t = find_table(name);
  if (!t) return table_not_found(name);
  bool const to_on_demand = billing == "PAY_PER_REQUEST";
  if (to_on_demand) {
    if (tp.present) return invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
    t->pay_per_request = true;
    t->read_capacity = t->write_capacity = 0;
  } else if (billing == "PROVISIONED" || tp.present) {
    if (!tp.present && t->pay_per_request)
      return invalid("ProvisionedThroughput must be specified when BillingMode is PROVISIONED");
    if (tp.present) {
      t->read_capacity = *tp.read;
      t->write_capacity = *tp.write;
    }
    t->pay_per_request = false;
  } else {
    return api_error{errc::validation, "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
                                       "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required"};
  }
  t->configure_capacity(limits().burst_seconds, ctx_.now_ns());
  if (observer_) observer_->table_changed(*t);
  out.begin_object().key("TableDescription");
  write_description(out, *t, "ACTIVE");
  out.end_object();
  return {};
}

outcome<void> dynamo_service::describe_time_to_live(json_in::object& req, json_out& out)
{
  KINESYS_TRY(name, read_table_name(req));
  if (!find_table(name)) return table_not_found(name);
  out.begin_object().key("TimeToLiveDescription").begin_object().key("TimeToLiveStatus").string("DISABLED");
  out.end_object().end_object();
  return {};
}

}  // namespace kinesys::local::dynamo
