// BatchWriteItem, BatchGetItem and TransactWriteItems.
#include "dynamo/dynamo_service.hpp"

#include <algorithm>
#include <map>

namespace kinesys::local::dynamo {
namespace {

struct batch_write {
  bool is_put = true;
  item value;  // Item or Key
};

api_error duplicates() { return {errc::validation, "Provided list of item keys contains duplicates"}; }

void write_units_value(json_out& out, double units)
{
  std::string t = std::to_string(units);
  t.erase(t.find_last_not_of('0') + 1);
  if (t.back() == '.') t.push_back('0');
  out.raw(t);
}

void write_capacity_list(json_out& out, std::string_view mode, std::vector<std::pair<std::string, double>> const& units)
{
  if (mode != "TOTAL" && mode != "INDEXES") return;
  out.key("ConsumedCapacity").begin_array();
  for (auto const& [name, u] : units) {
    out.begin_object();
    out.key("TableName").string(name);
    out.key("CapacityUnits");
    write_units_value(out, u);
    if (mode == "INDEXES") {
      out.key("Table").begin_object().key("CapacityUnits");
      write_units_value(out, u);
      out.end_object();
    }
    out.end_object();
  }
  out.end_array();
}

}  // namespace

// --- BatchWriteItem ---------------------------------------------------------------------

outcome<void> dynamo_service::batch_write_item(json_in::object& req, json_out& out)
{
  std::vector<std::pair<std::string, std::vector<batch_write>>> tables;
  bool has_items = false;
  std::string_view capacity_mode = "NONE";
  for (auto field : req) {
    std::string_view key = field.unescaped_key();
    json_in::value v = field.value();
    if (json_in::is_null(v)) continue;
    if (key == "ReturnConsumedCapacity") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      capacity_mode = s;
    } else if (key == "RequestItems") {
      has_items = true;
      KINESYS_TRY(o, json_in::get_object(v, key));
      for (auto t : o) {
        std::string name(t.unescaped_key().value());
        KINESYS_TRY(list, json_in::get_array(t.value(), "RequestItems"));
        std::vector<batch_write> writes;
        for (auto element : list) {
          KINESYS_TRY(request, json_in::get_object(element.value(), "WriteRequest"));
          int kinds = 0;
          for (auto member : request) {
            std::string_view kind = member.unescaped_key();
            json_in::value mv = member.value();
            if (json_in::is_null(mv)) continue;
            if (kind != "PutRequest" && kind != "DeleteRequest") continue;
            ++kinds;
            bool const is_put = kind == "PutRequest";
            KINESYS_TRY(body, json_in::get_object(mv, kind));
            std::optional<item> value;
            for (auto inner : body) {
              std::string_view k = inner.unescaped_key();
              if (k != (is_put ? "Item" : "Key")) continue;
              KINESYS_TRY(it, parse_item(inner.value()));
              value = std::move(it);
            }
            if (!value)
              return api_error{errc::validation, std::string("1 validation error detected: Value null at 'requestItems.") +
                                                     name + ".member." + (is_put ? "putRequest.item" : "deleteRequest.key") +
                                                     "' failed to satisfy constraint: Member must not be null"};
            writes.push_back({is_put, std::move(*value)});
          }
          if (kinds != 1)
            return api_error{errc::validation, "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"};
        }
        tables.emplace_back(std::move(name), std::move(writes));
      }
    }
  }
  if (!has_items)
    return api_error{errc::validation, "1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null"};
  std::size_t total = 0;
  for (auto const& [name, writes] : tables) {
    validation_errors errors;
    validate_table_name(name, true, "requestItems." + name, errors);
    if (!errors.empty()) return errors.error();
    if (writes.empty() || writes.size() > limits().max_batch_write_items)
      return api_error{errc::validation, "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: "
                                         "Map value must satisfy constraint: [Member must have length less than or equal to " +
                                             std::to_string(limits().max_batch_write_items) +
                                             ", Member must have length greater than or equal to 1]"};
    total += writes.size();
  }
  if (tables.empty())
    return api_error{errc::validation, "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1"};
  if (total > limits().max_batch_write_items)
    return api_error{errc::validation, "Too many items requested for the BatchWriteItem call"};

  // Check everything before writing anything: a bad entry refuses the batch.
  struct planned {
    table* t;
    item_key key;
    batch_write* write;
  };
  std::vector<planned> plans;
  for (auto& [name, writes] : tables) {
    KINESYS_TRY(t, require_table(name));
    std::vector<item_key> seen;
    for (auto& w : writes) {
      KINESYS_TRY(k, t->key_of(w.value, !w.is_put));
      if (std::find(seen.begin(), seen.end(), k) != seen.end()) return duplicates();
      seen.push_back(k);
      if (w.is_put && item_size(w.value) > limits().max_item_bytes)
        return api_error{errc::validation, "Item size has exceeded the maximum allowed size"};
      plans.push_back({t, std::move(k), &w});
    }
  }

  std::vector<std::pair<std::string, double>> consumed;
  std::vector<planned*> unprocessed;
  for (auto& p : plans) {
    stored_item const* current = p.t->get(p.key);
    double const units = write_units(std::max<std::size_t>(current ? current->size : 0,
                                                           p.write->is_put ? item_size(p.write->value) : 0));
    if (!take_write(*p.t, units)) {
      unprocessed.push_back(&p);
      continue;
    }
    auto c = std::find_if(consumed.begin(), consumed.end(), [&](auto const& e) { return e.first == p.t->name; });
    if (c == consumed.end()) consumed.emplace_back(p.t->name, units);
    else c->second += units;
    if (p.write->is_put) {
      if (obs()) obs()->item_put(*p.t, p.key, p.write->value);
      p.t->put(p.key, std::move(p.write->value));
    } else if (p.t->erase(p.key) && obs()) {
      obs()->item_deleted(*p.t, p.key);
    }
  }
  // AWS fails the call outright only when nothing at all could be written.
  if (!plans.empty() && unprocessed.size() == plans.size()) return throughput_exceeded();

  out.begin_object();
  out.key("UnprocessedItems").begin_object();
  for (std::size_t i = 0; i < unprocessed.size();) {
    table* t = unprocessed[i]->t;
    out.key(t->name).begin_array();
    for (; i < unprocessed.size() && unprocessed[i]->t == t; ++i) {
      auto const& w = *unprocessed[i]->write;
      out.begin_object().key(w.is_put ? "PutRequest" : "DeleteRequest").begin_object().key(w.is_put ? "Item" : "Key");
      write_item(out, w.value);
      out.end_object().end_object();
    }
    out.end_array();
  }
  out.end_object();
  write_capacity_list(out, capacity_mode, consumed);
  out.end_object();
  return {};
}

// --- BatchGetItem -----------------------------------------------------------------------------

outcome<void> dynamo_service::batch_get_item(json_in::object& req, json_out& out)
{
  std::vector<std::pair<std::string, item_request>> tables;
  bool has_items = false;
  std::string_view capacity_mode = "NONE";
  for (auto field : req) {
    std::string_view key = field.unescaped_key();
    json_in::value v = field.value();
    if (json_in::is_null(v)) continue;
    if (key == "ReturnConsumedCapacity") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      capacity_mode = s;
    } else if (key == "RequestItems") {
      has_items = true;
      KINESYS_TRY(o, json_in::get_object(v, key));
      for (auto t : o) {
        std::string name(t.unescaped_key().value());
        KINESYS_TRY(body, json_in::get_object(t.value(), "KeysAndAttributes"));
        KINESYS_TRY(r, read_item_request(body));
        tables.emplace_back(std::move(name), std::move(r));
      }
    }
  }
  if (!has_items)
    return api_error{errc::validation, "1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null"};
  std::size_t total = 0;
  for (auto const& [name, r] : tables) {
    validation_errors errors;
    validate_table_name(name, true, "requestItems." + name, errors);
    if (!errors.empty()) return errors.error();
    if (r.keys.empty())
      return api_error{errc::validation, "1 validation error detected: Value null at 'requestItems." + name +
                                             ".member.keys' failed to satisfy constraint: Member must have length greater than or equal to 1"};
    total += r.keys.size();
  }
  if (total > limits().max_batch_get_keys)
    return api_error{errc::validation, "Too many items requested for the BatchGetItem call"};

  struct lookup {
    table* t;
    prepared p;
    std::vector<item_key> keys;
  };
  std::vector<lookup> lookups;
  for (auto& [name, r] : tables) {
    KINESYS_TRY(p, prepare(r));
    KINESYS_TRY(t, require_table(name));
    lookup l{t, std::move(p), {}};
    for (auto const& k : r.keys) {
      KINESYS_TRY(key, t->key_of(k, true));
      if (std::find(l.keys.begin(), l.keys.end(), key) != l.keys.end()) return duplicates();
      l.keys.push_back(std::move(key));
    }
    lookups.push_back(std::move(l));
  }

  std::vector<std::pair<std::string, double>> consumed;
  std::vector<std::pair<std::size_t, std::size_t>> unprocessed;  // (lookup, key index)
  out.begin_object();
  out.key("Responses").begin_object();
  for (std::size_t li = 0; li < lookups.size(); ++li) {
    auto& l = lookups[li];
    item_request const& r = tables[li].second;
    out.key(l.t->name).begin_array();
    double units = 0;
    for (std::size_t ki = 0; ki < l.keys.size(); ++ki) {
      if (!can_read(*l.t)) {
        unprocessed.emplace_back(li, ki);
        continue;
      }
      stored_item const* found = l.t->get(l.keys[ki]);
      double const u = read_units(found ? found->size : 0, r.consistent_read);
      charge_read(*l.t, u);
      units += u;
      if (!found) continue;
      if (l.p.projection) write_item(out, project(found->attributes, *l.p.projection, r.ph));
      else write_item(out, found->attributes);
    }
    out.end_array();
    consumed.emplace_back(l.t->name, units);
  }
  out.end_object();
  if (!unprocessed.empty() && unprocessed.size() == total) {
    out.buffer().clear();
    return throughput_exceeded();
  }
  out.key("UnprocessedKeys").begin_object();
  for (std::size_t i = 0; i < unprocessed.size();) {
    std::size_t const li = unprocessed[i].first;
    out.key(lookups[li].t->name).begin_object().key("Keys").begin_array();
    for (; i < unprocessed.size() && unprocessed[i].first == li; ++i)
      write_item(out, tables[li].second.keys[unprocessed[i].second]);
    out.end_array();
    if (tables[li].second.consistent_read) out.key("ConsistentRead").boolean(true);
    out.end_object();
  }
  out.end_object();
  write_capacity_list(out, capacity_mode, consumed);
  out.end_object();
  return {};
}

// --- TransactWriteItems -------------------------------------------------------------------------

outcome<void> dynamo_service::transact_write_items(json_in::object& req, json_out& out)
{
  struct action {
    write_kind kind;
    item_request r;
  };
  std::vector<action> actions;
  bool has_items = false;
  std::string_view capacity_mode = "NONE";
  for (auto field : req) {
    std::string_view key = field.unescaped_key();
    json_in::value v = field.value();
    if (json_in::is_null(v)) continue;
    if (key == "ReturnConsumedCapacity") {
      KINESYS_TRY(s, json_in::get_string(v, key));
      capacity_mode = s;
    } else if (key == "TransactItems") {
      has_items = true;
      KINESYS_TRY(list, json_in::get_array(v, key));
      for (auto element : list) {
        KINESYS_TRY(o, json_in::get_object(element.value(), "TransactWriteItem"));
        int kinds = 0;
        for (auto member : o) {
          std::string_view kind = member.unescaped_key();
          json_in::value mv = member.value();
          if (json_in::is_null(mv)) continue;
          write_kind k;
          if (kind == "Put") k = write_kind::put;
          else if (kind == "Update") k = write_kind::update;
          else if (kind == "Delete") k = write_kind::del;
          else if (kind == "ConditionCheck") k = write_kind::check;
          else continue;
          ++kinds;
          KINESYS_TRY(body, json_in::get_object(mv, kind));
          KINESYS_TRY(r, read_item_request(body));
          actions.push_back({k, std::move(r)});
        }
        if (kinds != 1)
          return api_error{errc::validation, "TransactItems can only contain one of Check, Put, Update or Delete"};
      }
    }
  }
  auto const max = limits().max_transact_items;
  if (!has_items)
    return api_error{errc::validation, "1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null"};
  if (actions.empty() || actions.size() > max)
    return api_error{errc::validation, "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: "
                                       "Member must have length " +
                                           std::string(actions.empty() ? "greater than or equal to 1" : "less than or equal to " + std::to_string(max))};

  struct planned {
    table* t;
    write_plan plan;
  };
  std::vector<planned> plans;
  plans.reserve(actions.size());
  for (std::size_t i = 0; i < actions.size(); ++i) {
    auto& a = actions[i];
    validation_errors errors;
    validate_table_name(a.r.table_name, a.r.has_table, "transactItems." + std::to_string(i + 1) + ".member.tableName", errors);
    if (a.kind == write_kind::put && !a.r.item_value) errors.add_null("transactItems." + std::to_string(i + 1) + ".member.put.item");
    if (a.kind != write_kind::put && !a.r.key) errors.add_null("transactItems." + std::to_string(i + 1) + ".member.key");
    if (a.kind == write_kind::check && !a.r.condition)
      errors.add_null("transactItems." + std::to_string(i + 1) + ".member.conditionCheck.conditionExpression");
    if (a.kind == write_kind::update && !a.r.update)
      errors.add_null("transactItems." + std::to_string(i + 1) + ".member.update.updateExpression");
    if (!errors.empty()) return errors.error();
    KINESYS_TRY(p, prepare(a.r));
    KINESYS_TRY(t, require_table(a.r.table_name));
    KINESYS_TRY(plan, plan_write(*this, *t, a.r, p, a.kind));
    for (auto const& other : plans)
      if (other.t == t && other.plan.key == plan.key)
        return api_error{errc::validation, "Transaction request cannot include multiple operations on one item"};
    plans.push_back({t, std::move(plan)});
  }

  // A transaction costs two write units per item written or checked.
  std::vector<std::pair<std::string, double>> consumed;
  for (auto const& p : plans) {
    auto c = std::find_if(consumed.begin(), consumed.end(), [&](auto const& e) { return e.first == p.t->name; });
    if (c == consumed.end()) consumed.emplace_back(p.t->name, 2 * p.plan.units);
    else c->second += 2 * p.plan.units;
  }
  bool throttled = false;
  for (auto const& [name, units] : consumed) {
    table* t = find_table(name);
    if (!take_write(*t, units)) throttled = true;
  }
  bool const failed = throttled || std::any_of(plans.begin(), plans.end(), [](auto const& p) { return p.plan.condition_failed; });
  if (failed) {
    api_error e{errc::transaction_canceled, "Transaction cancelled, please refer cancellation reasons for specific reasons ["};
    std::string reasons = ",\"CancellationReasons\":";
    json_out r(reasons);
    r.begin_array();
    for (std::size_t i = 0; i < plans.size(); ++i) {
      auto const& p = plans[i];
      std::string_view code = "None";
      if (p.plan.condition_failed) code = "ConditionalCheckFailed";
      else if (throttled) code = "ThrottlingError";
      e.message += (i ? ", " : "") + std::string(code);
      r.begin_object().key("Code").string(code);
      if (p.plan.condition_failed) {
        r.key("Message").string("The conditional request failed");
        if (p.plan.current && actions[i].r.return_on_condition_failure == "ALL_OLD") {
          r.key("Item");
          write_item(r, p.plan.current->attributes);
        }
      } else if (code == "ThrottlingError") {
        r.key("Message").string("Throughput exceeds the current capacity of your table or index. DynamoDB is automatically "
                                "scaling your table or index so please try again shortly.");
      }
      r.end_object();
    }
    r.end_array();
    e.message += "]";
    e.extra_members = std::move(reasons);
    return e;
  }
  for (auto& p : plans)
    if (!p.plan.condition_failed) commit_write(*this, *p.t, p.plan);
  out.begin_object();
  write_capacity_list(out, capacity_mode, consumed);
  out.end_object();
  return {};
}

}  // namespace kinesys::local::dynamo
