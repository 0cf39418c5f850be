#include <kinesys/detail/consumer/lease.hpp>

#include <algorithm>
#include <charconv>

namespace kinesys::consumer {

namespace a = lease_attribute;
using codecs::attribute_value;

std::optional<stream_position> lease::checkpoint_position() const
{
  if (checkpoint.empty() || checkpoint[0] < '0' || checkpoint[0] > '9') return std::nullopt;
  auto p = stream_position::make(checkpoint, checkpoint_sub);
  if (!p) return std::nullopt;
  return *p;
}

lease apply_change(lease l, lease_change const& change)
{
  ++l.counter;
  bool switched = change.take_for && l.owner != *change.take_for;
  if (change.take_for) l.owner = *change.take_for;
  if (switched) ++l.owner_switches;
  if (change.release) l.owner.clear();
  if (change.checkpoint) {
    l.checkpoint = *change.checkpoint;
    l.checkpoint_sub = change.checkpoint_sub;
    if (!switched) l.owner_switches = 0;
  }
  if (change.high_water) l.high_water = *change.high_water;
  if (change.children) l.children = *change.children;
  return l;
}

namespace {

attribute_value number(std::int64_t v) { return attribute_value::number(v); }
attribute_value number(std::uint64_t v) { return attribute_value::number(std::to_string(v)); }

attribute_value string_set(std::vector<std::string> const& v) { return codecs::string_set{v}; }

template <class T>
bool read_integer(attribute_value const& v, T& out)
{
  auto const* n = v.get_if<codecs::number_value>();
  if (!n) return false;
  auto const* end = n->text.data() + n->text.size();
  auto [p, ec] = std::from_chars(n->text.data(), end, out);
  return ec == std::errc{} && p == end;
}

}  // namespace

codecs::item to_item(lease const& l)
{
  codecs::item it;
  it.emplace(a::key, l.key);
  if (!l.owner.empty()) it.emplace(a::owner, l.owner);
  it.emplace(a::counter, number(l.counter));
  if (!l.checkpoint.empty()) it.emplace(a::checkpoint, l.checkpoint);
  it.emplace(a::checkpoint_sub, number(l.checkpoint_sub));
  it.emplace(a::owner_switches, number(l.owner_switches));
  // DynamoDB refuses empty sets: an absent attribute means "none".
  if (!l.parents.empty()) it.emplace(a::parents, string_set(l.parents));
  if (!l.children.empty()) it.emplace(a::children, string_set(l.children));
  if (!l.starting_hash_key.empty()) it.emplace(a::starting_hash_key, l.starting_hash_key);
  if (!l.ending_hash_key.empty()) it.emplace(a::ending_hash_key, l.ending_hash_key);
  if (!l.high_water.empty()) it.emplace(a::high_water, l.high_water);
  return it;
}

boost::system::result<lease> lease_from_item(codecs::item const& it, std::string* problem)
{
  auto fail = [&](std::string_view attr, std::string_view what) -> boost::system::result<lease> {
    if (problem) *problem = std::string(attr) + ": " + std::string(what);
    return make_error_code(errc::bad_lease_item);
  };
  lease l;
  auto str = [&](std::string_view attr, std::string& out) -> bool {
    auto found = it.find(attr);
    if (found == it.end()) return true;
    auto const* s = found->second.get_if<std::string>();
    if (!s) return false;
    out = *s;
    return true;
  };
  auto num = [&](std::string_view attr, auto& out) -> bool {
    auto found = it.find(attr);
    return found == it.end() || read_integer(found->second, out);
  };
  auto set = [&](std::string_view attr, std::vector<std::string>& out) -> bool {
    auto found = it.find(attr);
    if (found == it.end()) return true;
    if (auto const* ss = found->second.get_if<codecs::string_set>()) {
      out = ss->members;
      return true;
    }
    // Some tools write these as lists of strings.
    if (auto const* list = found->second.get_if<codecs::attribute_list>()) {
      for (auto const& v : *list) {
        auto const* s = v.get_if<std::string>();
        if (!s) return false;
        out.push_back(*s);
      }
      return true;
    }
    return false;
  };
  if (!it.contains(a::key)) return fail(a::key, "missing");
  if (!str(a::key, l.key)) return fail(a::key, "not a string");
  if (!str(a::owner, l.owner)) return fail(a::owner, "not a string");
  if (!num(a::counter, l.counter)) return fail(a::counter, "not an integer");
  if (!str(a::checkpoint, l.checkpoint)) return fail(a::checkpoint, "not a string");
  if (!num(a::checkpoint_sub, l.checkpoint_sub)) return fail(a::checkpoint_sub, "not an integer");
  if (!num(a::owner_switches, l.owner_switches)) return fail(a::owner_switches, "not an integer");
  if (!set(a::parents, l.parents)) return fail(a::parents, "not a string set");
  if (!set(a::children, l.children)) return fail(a::children, "not a string set");
  if (!str(a::starting_hash_key, l.starting_hash_key)) return fail(a::starting_hash_key, "not a string");
  if (!str(a::ending_hash_key, l.ending_hash_key)) return fail(a::ending_hash_key, "not a string");
  if (!str(a::high_water, l.high_water)) return fail(a::high_water, "not a string");
  return l;
}

dynamo_write render_create(std::string const& table, lease const& l)
{
  dynamo_write w;
  w.op = dynamo_write::verb::put_item;
  w.table = table;
  w.item = to_item(l);
  w.condition_expression = "attribute_not_exists(#k)";
  w.names = {{"#k", std::string(a::key)}};
  return w;
}

dynamo_write render_change(std::string const& table, lease const& seen, lease_change const& change)
{
  dynamo_write w;
  w.op = dynamo_write::verb::update_item;
  w.table = table;
  w.key.emplace(a::key, seen.key);
  w.names = {{"#c", std::string(a::counter)}};
  w.values.emplace(":expected", number(seen.counter));
  w.values.emplace(":next", number(seen.counter + 1));

  std::string set = "#c = :next";
  std::string remove;
  auto name = [&](std::string n, std::string_view attr) {
    w.names.emplace_back(n, std::string(attr));
    return n;
  };
  if (change.take_for) {
    set += ", " + name("#o", a::owner) + " = :owner";
    w.values.emplace(":owner", *change.take_for);
    if (seen.owner != *change.take_for) {
      // if_not_exists: leases written by tools that omit the attribute.
      set += ", " + name("#s", a::owner_switches) + " = if_not_exists(#s, :zero) + :one";
      w.values.emplace(":zero", number(std::int64_t{0}));
      w.values.emplace(":one", number(std::int64_t{1}));
    }
  }
  if (change.checkpoint) {
    set += ", " + name("#cp", a::checkpoint) + " = :cp, " + name("#cps", a::checkpoint_sub) + " = :cps";
    w.values.emplace(":cp", *change.checkpoint);
    w.values.emplace(":cps", number(change.checkpoint_sub));
    if (!change.take_for || seen.owner == *change.take_for) {
      set += ", " + name("#s", a::owner_switches) + " = :zero";
      w.values.emplace(":zero", number(std::int64_t{0}));
    }
  }
  if (change.high_water) {
    set += ", " + name("#hw", a::high_water) + " = :hw";
    w.values.emplace(":hw", *change.high_water);
  }
  if (change.children) {
    if (change.children->empty()) {
      remove = name("#ch", a::children);
    } else {
      set += ", " + name("#ch", a::children) + " = :ch";
      w.values.emplace(":ch", string_set(*change.children));
    }
  }
  if (change.release) {
    if (!remove.empty()) remove += ", ";
    remove += w.names.end() != std::find_if(w.names.begin(), w.names.end(), [](auto const& n) { return n.first == "#o"; })
                  ? "#o"
                  : name("#o", a::owner);
  }
  w.update_expression = "SET " + set;
  if (!remove.empty()) w.update_expression += " REMOVE " + remove;

  // The counter is the fence. Taking conditions on it alone (the lease may
  // be expired or stolen from anyone); everything else also requires that we
  // are still the owner.
  w.condition_expression = "#c = :expected";
  if (!change.take_for) {
    auto owner_name = w.names.end() != std::find_if(w.names.begin(), w.names.end(), [](auto const& n) { return n.first == "#o"; })
                          ? std::string("#o")
                          : name("#o", a::owner);
    w.condition_expression += " AND " + owner_name + " = :me";
    w.values.emplace(":me", seen.owner);
  }
  return w;
}

}  // namespace kinesys::consumer
