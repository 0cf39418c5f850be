// PutItem, GetItem, DeleteItem, UpdateItem, and the write planning they
// share with TransactWriteItems.
#include "dynamo/dynamo_service.hpp"

#include <algorithm>

namespace kinesys::local::dynamo {
namespace {

api_error condition_failed(item const* current, std::string_view return_on_failure)
{
  api_error e{errc::conditional_check_failed, "The conditional request failed"};
  if (current && return_on_failure == "ALL_OLD") {
    // Written as a member of the error object: ',"Item":{...}'.
    e.extra_members = ",\"Item\":";
    json_out item_out(e.extra_members);
    write_item(item_out, *current);
  }
  return e;
}

outcome<void> check_return_values(std::string_view value, std::initializer_list<std::string_view> allowed,
                                  std::string_view message)
{
  static constexpr std::string_view all[] = {"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"};
  if (std::find(std::begin(all), std::end(all), value) == std::end(all)) {
    validation_errors errors;
    errors.add_string(value, "returnValues", "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]");
    return errors.error();
  }
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) return api_error{errc::validation, std::string(message)};
  return {};
}

outcome<void> check_capacity_value(std::string_view value)
{
  if (value == "NONE" || value == "TOTAL" || value == "INDEXES") return {};
  validation_errors errors;
  errors.add_string(value, "returnConsumedCapacity", "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]");
  return errors.error();
}

}  // namespace

outcome<write_plan> plan_write(dynamo_service& svc, table& t, item_request& r, prepared const& p, write_kind kind)
{
  write_plan plan;
  if (kind == write_kind::put) {
    KINESYS_TRY(k, t.key_of(*r.item_value, false));
    plan.key = std::move(k);
  } else {
    KINESYS_TRY(k, t.key_of(*r.key, true));
    plan.key = std::move(k);
  }
  plan.current = t.get(plan.key);
  item const* current = plan.current ? &plan.current->attributes : nullptr;
  if (p.condition) {
    KINESYS_TRY(ok, evaluate(*p.condition, current, r.ph, "ConditionExpression"));
    plan.condition_failed = !ok;
  }
  std::size_t before_size = plan.current ? plan.current->size : 0;
  std::size_t after_size = 0;
  switch (kind) {
    case write_kind::put:
      plan.after = std::move(*r.item_value);
      after_size = item_size(*plan.after);
      if (after_size > svc.limits().max_item_bytes)
        return api_error{errc::validation, "Item size has exceeded the maximum allowed size"};
      break;
    case write_kind::update: {
      item next = current ? *current : *r.key;
      if (p.update) {
        key_names keys{t.hash_key.name, t.range_key ? t.range_key->name : std::string()};
        if (auto u = apply_update(next, current, *p.update, r.ph, keys, &plan.touched); !u) return u.error();
      }
      after_size = item_size(next);
      if (after_size > svc.limits().max_item_bytes)
        return api_error{errc::validation, "Item size to update has exceeded the maximum allowed size"};
      plan.after = std::move(next);
      break;
    }
    case write_kind::del: plan.is_delete = true; break;
    case write_kind::check: break;
  }
  plan.units = write_units(std::max(before_size, after_size));
  return plan;
}

void commit_write(dynamo_service& svc, table& t, write_plan& plan)
{
  if (plan.is_delete) {
    if (t.erase(plan.key) && svc.obs()) svc.obs()->item_deleted(t, plan.key);
    return;
  }
  if (!plan.after) return;
  if (svc.obs()) svc.obs()->item_put(t, plan.key, *plan.after);
  t.put(plan.key, std::move(*plan.after));
}

// --- PutItem ---------------------------------------------------------------------------

outcome<void> dynamo_service::put_item(json_in::object& req, json_out& out)
{
  KINESYS_TRY(r, read_item_request(req));
  validation_errors errors;
  if (!r.item_value) errors.add_null("item");
  validate_table_name(r.table_name, r.has_table, "tableName", errors);
  if (!errors.empty()) return errors.error();
  if (auto c = check_return_values(r.return_values, {"NONE", "ALL_OLD"}, "ReturnValues can only be ALL_OLD or NONE"); !c)
    return c.error();
  if (auto c = check_capacity_value(r.return_capacity); !c) return c.error();
  KINESYS_TRY(p, prepare(r));
  KINESYS_TRY(t, require_table(r.table_name));
  KINESYS_TRY(plan, plan_write(*this, *t, r, p, write_kind::put));
  if (!take_write(*t, plan.units)) return throughput_exceeded();
  if (plan.condition_failed)
    return condition_failed(plan.current ? &plan.current->attributes : nullptr, r.return_on_condition_failure);
  std::optional<item> old;
  if (r.return_values == "ALL_OLD" && plan.current) old = plan.current->attributes;
  commit_write(*this, *t, plan);
  out.begin_object();
  if (old) {
    out.key("Attributes");
    write_item(out, *old);
  }
  write_capacity(out, r.return_capacity, *t, plan.units);
  out.end_object();
  return {};
}

// --- GetItem -------------------------------------------------------------------------------

outcome<void> dynamo_service::get_item(json_in::object& req, json_out& out)
{
  KINESYS_TRY(r, read_item_request(req));
  validation_errors errors;
  if (!r.key) errors.add_null("key");
  validate_table_name(r.table_name, r.has_table, "tableName", errors);
  if (!errors.empty()) return errors.error();
  if (auto c = check_capacity_value(r.return_capacity); !c) return c.error();
  KINESYS_TRY(p, prepare(r));
  KINESYS_TRY(t, require_table(r.table_name));
  KINESYS_TRY(k, t->key_of(*r.key, true));
  if (!can_read(*t)) return throughput_exceeded();
  stored_item const* found = t->get(k);
  double const units = read_units(found ? found->size : 0, r.consistent_read);
  charge_read(*t, units);
  out.begin_object();
  if (found) {
    out.key("Item");
    if (p.projection) write_item(out, project(found->attributes, *p.projection, r.ph));
    else write_item(out, found->attributes);
  }
  write_capacity(out, r.return_capacity, *t, units);
  out.end_object();
  return {};
}

// --- DeleteItem ------------------------------------------------------------------------------

outcome<void> dynamo_service::delete_item(json_in::object& req, json_out& out)
{
  KINESYS_TRY(r, read_item_request(req));
  validation_errors errors;
  if (!r.key) errors.add_null("key");
  validate_table_name(r.table_name, r.has_table, "tableName", errors);
  if (!errors.empty()) return errors.error();
  if (auto c = check_return_values(r.return_values, {"NONE", "ALL_OLD"}, "ReturnValues can only be ALL_OLD or NONE"); !c)
    return c.error();
  if (auto c = check_capacity_value(r.return_capacity); !c) return c.error();
  KINESYS_TRY(p, prepare(r));
  KINESYS_TRY(t, require_table(r.table_name));
  KINESYS_TRY(plan, plan_write(*this, *t, r, p, write_kind::del));
  if (!take_write(*t, plan.units)) return throughput_exceeded();
  if (plan.condition_failed)
    return condition_failed(plan.current ? &plan.current->attributes : nullptr, r.return_on_condition_failure);
  std::optional<item> old;
  if (r.return_values == "ALL_OLD" && plan.current) old = plan.current->attributes;
  commit_write(*this, *t, plan);
  out.begin_object();
  if (old) {
    out.key("Attributes");
    write_item(out, *old);
  }
  write_capacity(out, r.return_capacity, *t, plan.units);
  out.end_object();
  return {};
}

// --- UpdateItem -----------------------------------------------------------------------------------

outcome<void> dynamo_service::update_item(json_in::object& req, json_out& out)
{
  KINESYS_TRY(r, read_item_request(req));
  validation_errors errors;
  if (!r.key) errors.add_null("key");
  validate_table_name(r.table_name, r.has_table, "tableName", errors);
  if (!errors.empty()) return errors.error();
  if (auto c = check_return_values(r.return_values, {"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"}, ""); !c)
    return c.error();
  if (auto c = check_capacity_value(r.return_capacity); !c) return c.error();
  KINESYS_TRY(p, prepare(r));
  KINESYS_TRY(t, require_table(r.table_name));
  KINESYS_TRY(plan, plan_write(*this, *t, r, p, write_kind::update));
  if (!take_write(*t, plan.units)) return throughput_exceeded();
  if (plan.condition_failed)
    return condition_failed(plan.current ? &plan.current->attributes : nullptr, r.return_on_condition_failure);

  std::optional<item> attributes;
  if (r.return_values == "ALL_OLD" && plan.current) {
    attributes = plan.current->attributes;
  } else if (r.return_values == "UPDATED_OLD" && plan.current) {
    item old;
    for (auto const& name : plan.touched)
      if (auto const* v = find(plan.current->attributes, name)) old.emplace_back(name, *v);
    if (!old.empty()) attributes = std::move(old);
  } else if (r.return_values == "ALL_NEW") {
    attributes = *plan.after;
  } else if (r.return_values == "UPDATED_NEW") {
    item changed;
    for (auto const& name : plan.touched)
      if (auto const* v = find(*plan.after, name)) changed.emplace_back(name, *v);
    if (!changed.empty()) attributes = std::move(changed);
  }
  commit_write(*this, *t, plan);
  out.begin_object();
  if (attributes) {
    out.key("Attributes");
    write_item(out, *attributes);
  }
  write_capacity(out, r.return_capacity, *t, plan.units);
  out.end_object();
  return {};
}

}  // namespace kinesys::local::dynamo
