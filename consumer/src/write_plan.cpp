#include <kinesys/detail/consumer/write_plan.hpp>

#include <kinesys/detail/consumer/decimal.hpp>

#include <charconv>
#include <map>

namespace kinesys::consumer {

using codecs::attribute_value;

std::optional<producer_stamp> parse_stamp(std::string_view text)
{
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return std::nullopt;
  producer_stamp s;
  s.producer_id = text.substr(0, colon);
  auto digits = text.substr(colon + 1);
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), s.sequence);
  if (ec != std::errc{} || p != digits.data() + digits.size()) return std::nullopt;
  return s;
}

std::string stamp_identity(std::string_view producer_id, std::string_view partition_key)
{
  std::string out = std::to_string(producer_id.size());
  out.push_back(':');
  out.append(producer_id);
  out.append(partition_key);
  return out;
}

codecs::item key_of(table_config const& table, codecs::item const& item)
{
  codecs::item key;
  if (auto f = item.find(table.hash_key); f != item.end()) key.emplace(f->first, f->second);
  if (!table.range_key.empty())
    if (auto f = item.find(table.range_key); f != item.end()) key.emplace(f->first, f->second);
  return key;
}

namespace {

void add_stamp(codecs::item& values_or_item, write_attributes const& attrs, planned_record const& r)
{
  if (!r.stamp) return;
  values_or_item.insert_or_assign(attrs.stamp, stamp_identity(r.stamp->producer_id, r.partition_key));
  values_or_item.insert_or_assign(attrs.stamp_sequence, attribute_value::number(std::to_string(r.stamp->sequence)));
}

}  // namespace

void add_put_marks(codecs::item& item, write_attributes const& attrs, planned_record const& last)
{
  item.insert_or_assign(attrs.position, last.position.encode());
  add_stamp(item, attrs, last);
}

dynamo_write plan_put(table_config const& table, write_attributes const& attrs, planned_record const& last,
                      bool conditional)
{
  dynamo_write w;
  w.op = dynamo_write::verb::put_item;
  w.table = table.name;
  w.item = *last.item;
  add_put_marks(w.item, attrs, last);
  if (conditional) {
    w.condition_expression = "attribute_not_exists(#pos) OR #pos < :pos";
    w.names = {{"#pos", attrs.position}};
    w.values.emplace(":pos", last.position.encode());
  }
  return w;
}

namespace {

std::optional<std::uint64_t> sequence_of(codecs::item const& item, std::string const& name)
{
  auto f = item.find(name);
  if (f == item.end()) return std::nullopt;
  auto const* n = f->second.get_if<codecs::number_value>();
  if (!n) return std::nullopt;
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(n->text.data(), n->text.data() + n->text.size(), v);
  if (ec != std::errc{} || p != n->text.data() + n->text.size()) return std::nullopt;
  return v;
}

}  // namespace

stored_marks marks_of(write_attributes const& attrs, codecs::item const* item)
{
  stored_marks m;
  if (!item || item->empty()) return m;
  m.exists = true;
  if (auto f = item->find(attrs.position); f != item->end())
    if (auto const* s = f->second.get_if<std::string>()) m.position = *s;
  if (auto f = item->find(attrs.stamp); f != item->end())
    if (auto const* s = f->second.get_if<std::string>()) m.stamp = *s;
  m.stamp_sequence = sequence_of(*item, attrs.stamp_sequence);
  for (auto const& parent : attrs.parent_stamps) {
    auto f = item->find(parent.stamp);
    auto const* identity = f != item->end() ? f->second.get_if<std::string>() : nullptr;
    auto sequence = sequence_of(*item, parent.stamp_sequence);
    if (identity && sequence) m.parent_stamps.push_back({*identity, *sequence});
  }
  return m;
}

boost::system::result<dynamo_write> plan_merge(table_config const& table, write_attributes const& attrs,
                                               std::span<planned_record const> group, merge_guard const& guard)
{
  if (group.empty()) return make_error_code(errc::bad_counter_field);
  auto const& first = group.front();
  auto const& last = group.back();

  // Fields: the last value of each wins; counters are summed exactly.
  std::map<std::string_view, attribute_value const*> fields;
  std::map<std::string_view, decimal> sums;
  for (auto const& c : table.counters) sums.emplace(c, decimal{});
  for (auto const& r : group) {
    for (auto const& [name, value] : *r.item) {
      if (name == table.hash_key || name == table.range_key) continue;
      if (name == attrs.position || name == attrs.stamp || name == attrs.stamp_sequence) continue;
      if (name == table.count_attribute) continue;
      if (auto s = sums.find(name); s != sums.end()) {
        auto const* n = value.get_if<codecs::number_value>();
        if (!n) return make_error_code(errc::bad_counter_field);
        auto d = decimal::parse(n->text);
        if (!d || !s->second.add(*d)) return make_error_code(errc::bad_counter_field);
        continue;
      }
      fields[name] = &value;
    }
  }

  dynamo_write w;
  w.op = dynamo_write::verb::update_item;
  w.table = table.name;
  w.key = key_of(table, *last.item);
  w.names.emplace_back("#pos", attrs.position);
  w.values.emplace(":pos", last.position.encode());
  std::string set = "#pos = :pos";
  std::string add;
  std::size_t n = 0;
  for (auto const& [name, value] : fields) {
    auto nn = "#f" + std::to_string(n), vn = ":f" + std::to_string(n);
    ++n;
    w.names.emplace_back(nn, std::string(name));
    w.values.emplace(vn, *value);
    set += ", " + nn + " = " + vn;
  }
  for (auto const& [name, sum] : sums) {
    auto nn = "#a" + std::to_string(n), vn = ":a" + std::to_string(n);
    ++n;
    w.names.emplace_back(nn, std::string(name));
    w.values.emplace(vn, attribute_value::number(sum.to_string()));
    add += (add.empty() ? "" : ", ") + nn + " " + vn;
  }
  if (!table.count_attribute.empty()) {
    w.names.emplace_back("#cnt", table.count_attribute);
    w.values.emplace(":cnt", attribute_value::number(static_cast<std::int64_t>(group.size())));
    add += (add.empty() ? "" : ", ") + std::string("#cnt :cnt");
  }
  bool stamp_names = false;
  auto use_stamp_names = [&] {
    if (stamp_names) return;
    stamp_names = true;
    w.names.emplace_back("#src", attrs.stamp);
    w.names.emplace_back("#srcseq", attrs.stamp_sequence);
  };
  if (last.stamp) {
    use_stamp_names();
    set += ", #src = :src, #srcseq = :srcseq";
    w.values.emplace(":src", stamp_identity(last.stamp->producer_id, last.partition_key));
    w.values.emplace(":srcseq", attribute_value::number(std::to_string(last.stamp->sequence)));
  }
  w.update_expression = "SET " + set;
  if (!add.empty()) w.update_expression += " ADD " + add;

  if (guard.type == merge_guard::kind::newer_than_first) {
    w.values.emplace(":first", first.position.encode());
    w.condition_expression = "(attribute_not_exists(#pos) OR #pos < :first)";
    if (first.stamp) {
      use_stamp_names();
      w.values.emplace(":fsrc", stamp_identity(first.stamp->producer_id, first.partition_key));
      w.values.emplace(":fseq", attribute_value::number(std::to_string(first.stamp->sequence)));
      w.condition_expression += " AND (attribute_not_exists(#src) OR #src <> :fsrc OR #srcseq < :fseq)";
      for (std::size_t i = 0; i < attrs.parent_stamps.size(); ++i) {
        auto src = "#psrc" + std::to_string(i), seq = "#pseq" + std::to_string(i);
        w.names.emplace_back(src, attrs.parent_stamps[i].stamp);
        w.names.emplace_back(seq, attrs.parent_stamps[i].stamp_sequence);
        w.condition_expression +=
            " AND (attribute_not_exists(" + src + ") OR " + src + " <> :fsrc OR " + seq + " < :fseq)";
      }
    }
  } else if (guard.type == merge_guard::kind::none) {
    // No condition: at-least-once by configuration.
  } else if (guard.expected.position) {
    w.values.emplace(":stored", *guard.expected.position);
    w.condition_expression = "#pos = :stored";
  } else {
    // The item has no position of ours (absent, or written by someone else):
    // it must still have none when the update lands.
    w.condition_expression = "attribute_not_exists(#pos)";
  }
  return w;
}

namespace {

// A key's sequences only grow, and a child is read only after its parents
// are finished: a stamp at or below a parent's last applied one for the same
// (producer, partition key) is a retry the parent already applied.
bool repeats_a_parent(planned_record const& r, stored_marks const& marks)
{
  if (marks.parent_stamps.empty()) return false;
  auto identity = stamp_identity(r.stamp->producer_id, r.partition_key);
  for (auto const& p : marks.parent_stamps)
    if (r.stamp->sequence <= p.sequence && identity == p.identity) return true;
  return false;
}

}  // namespace

std::vector<std::size_t> not_yet_applied(std::span<planned_record const> group, stored_marks const& marks)
{
  std::optional<stream_position> stored;
  if (marks.position)
    if (auto p = stream_position::decode(*marks.position)) stored = *p;
  std::vector<std::size_t> keep;
  for (std::size_t i = 0; i < group.size(); ++i) {
    auto const& r = group[i];
    if (stored && !(*stored < r.position)) continue;
    if (r.stamp && marks.stamp && marks.stamp_sequence && r.stamp->sequence <= *marks.stamp_sequence &&
        stamp_identity(r.stamp->producer_id, r.partition_key) == *marks.stamp)
      continue;  // a producer retry of what the item already reflects
    if (r.stamp && repeats_a_parent(r, marks)) continue;  // ... re-routed by a split or merge
    keep.push_back(i);
  }
  return keep;
}

namespace {

std::size_t value_size(attribute_value const& v) noexcept
{
  struct visitor {
    std::size_t operator()(std::string const& s) const noexcept { return s.size(); }
    std::size_t operator()(codecs::number_value const& n) const noexcept { return n.text.size() / 2 + 1; }
    std::size_t operator()(codecs::binary_value const& b) const noexcept { return b.bytes.size(); }
    std::size_t operator()(bool) const noexcept { return 1; }
    std::size_t operator()(codecs::null_value) const noexcept { return 1; }
    std::size_t operator()(codecs::attribute_map const& m) const noexcept
    {
      std::size_t n = 3;
      for (auto const& [k, e] : m) n += k.size() + value_size(e) + 1;
      return n;
    }
    std::size_t operator()(codecs::attribute_list const& l) const noexcept
    {
      std::size_t n = 3;
      for (auto const& e : l) n += value_size(e) + 1;
      return n;
    }
    std::size_t operator()(codecs::string_set const& s) const noexcept
    {
      std::size_t n = 0;
      for (auto const& e : s.members) n += e.size();
      return n;
    }
    std::size_t operator()(codecs::number_set const& s) const noexcept
    {
      std::size_t n = 0;
      for (auto const& e : s.members) n += e.size() / 2 + 1;
      return n;
    }
    std::size_t operator()(codecs::binary_set const& s) const noexcept
    {
      std::size_t n = 0;
      for (auto const& e : s.members) n += e.size();
      return n;
    }
  };
  return std::visit(visitor{}, v.value);
}

}  // namespace

std::size_t estimate_wcu(codecs::item const& item) noexcept
{
  std::size_t bytes = 0;
  for (auto const& [k, v] : item) bytes += k.size() + value_size(v);
  return bytes / 1024 + 1;
}

}  // namespace kinesys::consumer
