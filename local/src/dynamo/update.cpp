// UpdateExpression semantics: every right-hand side is computed from the
// item as it was before the update, then the actions are applied in order.
#include "dynamo/evaluate.hpp"
#include "dynamo/number.hpp"

#include <algorithm>

namespace kinesys::local::dynamo {

using expr::node;
using expr::node_kind;
using expr::path_part;

namespace {

api_error invalid(std::string what) { return {errc::validation, "Invalid UpdateExpression: " + std::move(what)}; }
api_error missing_attribute()
{
  return invalid("The provided expression refers to an attribute that does not exist in the item");
}
api_error wrong_type() { return invalid("An operand in the update expression has an incorrect data type"); }
api_error bad_path() { return {errc::validation, "The document path provided in the update expression is invalid for update"}; }

std::string_view type_word(av_type t)
{
  switch (t) {
    case av_type::s: return "STRING";
    case av_type::n: return "NUMBER";
    case av_type::b: return "BINARY";
    case av_type::boolean: return "BOOLEAN";
    case av_type::null: return "NULL";
    case av_type::m: return "MAP";
    case av_type::l: return "LIST";
    default: return "SET";
  }
}

class update_evaluator {
public:
  update_evaluator(expr::update const& u, item const* original, placeholder_values const& ph)
      : u_(u), original_(original), ph_(ph)
  {
  }

  outcome<attribute_value> value(std::uint32_t index)
  {
    node const& n = u_.nodes[index];
    switch (n.kind) {
      case node_kind::value: {
        auto const* v = ph_.value(n.placeholder);
        if (!v)
          return invalid("An expression attribute value used in expression is not defined; attribute value: " + n.placeholder);
        return *v;
      }
      case node_kind::path: {
        auto const* v = original_ ? resolve(*original_, u_.paths[n.path], ph_) : nullptr;
        if (!v) return missing_attribute();
        return *v;
      }
      case node_kind::if_not_exists: {
        auto const& p = u_.paths[u_.nodes[n.children[0]].path];
        if (auto const* v = original_ ? resolve(*original_, p, ph_) : nullptr) return *v;
        return value(n.children[1]);
      }
      case node_kind::list_append: {
        KINESYS_TRY(a, value(n.children[0]));
        KINESYS_TRY(b, value(n.children[1]));
        for (auto const* x : {&a, &b})
          if (x->type != av_type::l)
            return invalid("Incorrect operand type for operator or function; operator or function: list_append, operand type: " +
                           std::string(type_name(x->type)));
        a.list.insert(a.list.end(), std::make_move_iterator(b.list.begin()), std::make_move_iterator(b.list.end()));
        return a;
      }
      case node_kind::plus:
      case node_kind::minus: {
        KINESYS_TRY(a, value(n.children[0]));
        KINESYS_TRY(b, value(n.children[1]));
        if (a.type != av_type::n || b.type != av_type::n)
          return invalid("Incorrect operand type for operator or function; operator: " +
                         std::string(n.kind == node_kind::plus ? "+" : "-") + ", operand type: " +
                         std::string(type_name(a.type != av_type::n ? a.type : b.type)));
        KINESYS_TRY(x, number::parse(a.scalar));
        KINESYS_TRY(y, number::parse(b.scalar));
        auto r = n.kind == node_kind::plus ? number::add(x, y) : number::subtract(x, y);
        if (!r) return r.error();
        return attribute_value::number(r->to_string());
      }
      default: return invalid("Syntax error; unexpected operand");
    }
  }

private:
  expr::update const& u_;
  item const* original_;
  placeholder_values const& ph_;
};

// Resolves a path's names through the placeholders.
outcome<std::vector<path_part>> resolved_parts(expr::path const& p, placeholder_values const& ph)
{
  std::vector<path_part> parts = p.parts;
  for (auto& part : parts)
    if (part.k == path_part::kind::placeholder) {
      auto const* n = ph.name(part.text);
      if (!n)
        return invalid("An expression attribute name used in the document path is not defined; attribute name: " + part.text);
      part.text = *n;
      part.k = path_part::kind::name;
    }
  return parts;
}

// The container that holds the last element of `parts`; nullptr when a
// parent is missing or of the wrong type (DynamoDB refuses such a path).
attribute_value* parent_of(attribute_value& root, std::vector<path_part> const& parts)
{
  attribute_value* cur = &root;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    auto const& part = parts[i];
    if (part.k == path_part::kind::index) {
      if (cur->type != av_type::l || part.index >= cur->list.size()) return nullptr;
      cur = &cur->list[part.index];
    } else {
      if (cur->type != av_type::m) return nullptr;
      cur = find(cur->map, part.text);
      if (!cur) return nullptr;
    }
  }
  return cur;
}

attribute_value* child_of(attribute_value& parent, path_part const& last)
{
  if (last.k == path_part::kind::index)
    return parent.type == av_type::l && last.index < parent.list.size() ? &parent.list[last.index] : nullptr;
  return parent.type == av_type::m ? find(parent.map, last.text) : nullptr;
}

outcome<void> set_at(attribute_value& root, std::vector<path_part> const& parts, attribute_value v)
{
  attribute_value* parent = parent_of(root, parts);
  if (!parent) return bad_path();
  auto const& last = parts.back();
  if (last.k == path_part::kind::index) {
    if (parent->type != av_type::l) return bad_path();
    // Past the end appends, as DynamoDB does.
    if (last.index < parent->list.size()) parent->list[last.index] = std::move(v);
    else parent->list.push_back(std::move(v));
    return {};
  }
  if (parent->type != av_type::m) return bad_path();
  put(parent->map, last.text, std::move(v));
  return {};
}

void remove_at(attribute_value& root, std::vector<path_part> const& parts)
{
  attribute_value* parent = parent_of(root, parts);
  if (!parent) return;
  auto const& last = parts.back();
  if (last.k == path_part::kind::index) {
    if (parent->type == av_type::l && last.index < parent->list.size())
      parent->list.erase(parent->list.begin() + last.index);
    return;
  }
  if (parent->type == av_type::m) remove_attribute(parent->map, last.text);
}

}  // namespace

outcome<void> apply_update(item& target, item const* original, expr::update const& u, placeholder_values const& ph,
                           key_names const& keys, std::vector<std::string>* touched)
{
  update_evaluator ev(u, original, ph);
  // Right-hand sides first, all against the original item.
  std::vector<attribute_value> values(u.actions.size());
  for (std::size_t i = 0; i < u.actions.size(); ++i) {
    auto const& a = u.actions[i];
    if (a.k == expr::update_action::kind::remove) continue;
    KINESYS_TRY(v, ev.value(a.value));
    if (a.k == expr::update_action::kind::add && v.type != av_type::n && !v.is_set())
      return invalid("Incorrect operand type for operator or function; operator: ADD, operand type: " +
                     std::string(type_word(v.type)));
    if (a.k == expr::update_action::kind::del && !v.is_set())
      return invalid("Incorrect operand type for operator or function; operator: DELETE, operand type: " +
                     std::string(type_word(v.type)));
    values[i] = std::move(v);
  }

  attribute_value root;
  root.type = av_type::m;
  root.map = std::move(target);
  // Removals of list elements run last and from the highest index down, so
  // earlier removals do not shift the elements later ones name.
  std::vector<std::vector<path_part>> list_removals;
  for (std::size_t i = 0; i < u.actions.size(); ++i) {
    auto const& a = u.actions[i];
    auto parts_result = resolved_parts(a.target, ph);
    if (!parts_result) {
      target = std::move(root.map);
      return parts_result.error();
    }
    auto parts = std::move(*parts_result);
    std::string const& top = parts.front().text;
    if (top == keys.hash || (!keys.range.empty() && top == keys.range)) {
      target = std::move(root.map);
      return api_error{errc::validation, "One or more parameter values were invalid: Cannot update attribute " + top +
                                             ". This attribute is part of the key"};
    }
    if (touched && std::find(touched->begin(), touched->end(), top) == touched->end()) touched->push_back(top);
    outcome<void> r;
    switch (a.k) {
      case expr::update_action::kind::set: r = set_at(root, parts, std::move(values[i])); break;
      case expr::update_action::kind::remove:
        if (parts.back().k == path_part::kind::index) list_removals.push_back(std::move(parts));
        else remove_at(root, parts);
        break;
      case expr::update_action::kind::add: {
        attribute_value* parent = parent_of(root, parts);
        attribute_value* existing = parent ? child_of(*parent, parts.back()) : nullptr;
        attribute_value& v = values[i];
        if (!existing) {
          r = set_at(root, parts, std::move(v));
        } else if (existing->type == av_type::n && v.type == av_type::n) {
          auto x = number::parse(existing->scalar), y = number::parse(v.scalar);
          if (!x || !y) { r = wrong_type(); break; }
          auto sum = number::add(*x, *y);
          if (!sum) { r = sum.error(); break; }
          existing->scalar = sum->to_string();
        } else if (existing->is_set() && existing->type == v.type) {
          for (auto& m : v.set)
            if (std::find(existing->set.begin(), existing->set.end(), m) == existing->set.end())
              existing->set.push_back(std::move(m));
        } else {
          r = wrong_type();
        }
        break;
      }
      case expr::update_action::kind::del: {
        attribute_value* parent = parent_of(root, parts);
        attribute_value* existing = parent ? child_of(*parent, parts.back()) : nullptr;
        if (!existing) break;
        attribute_value const& v = values[i];
        if (existing->type != v.type) {
          r = wrong_type();
          break;
        }
        std::erase_if(existing->set, [&](std::string const& m) {
          return std::find(v.set.begin(), v.set.end(), m) != v.set.end();
        });
        // An empty set cannot exist in DynamoDB: the attribute goes away.
        if (existing->set.empty()) remove_at(root, parts);
        break;
      }
    }
    if (!r) {
      target = std::move(root.map);
      return r.error();
    }
  }
  std::sort(list_removals.begin(), list_removals.end(), [](auto const& a, auto const& b) {
    return a.back().index > b.back().index;
  });
  for (auto const& parts : list_removals) remove_at(root, parts);
  target = std::move(root.map);
  return {};
}

}  // namespace kinesys::local::dynamo
