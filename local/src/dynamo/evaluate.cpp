#include "dynamo/evaluate.hpp"

#include "common/u128.hpp"
#include "dynamo/number.hpp"

#include <algorithm>

namespace kinesys::local::dynamo {

using expr::node;
using expr::node_kind;
using expr::path_part;

std::string_view top_name(expr::path const& p, placeholder_values const& ph) noexcept
{
  auto const& first = p.parts.front();
  if (first.k == path_part::kind::placeholder) {
    auto const* n = ph.name(first.text);
    return n ? std::string_view(*n) : std::string_view(first.text);
  }
  return first.text;
}

attribute_value const* resolve(item const& it, expr::path const& p, placeholder_values const& ph) noexcept
{
  attribute_value const* cur = find(it, top_name(p, ph));
  for (std::size_t i = 1; cur && i < p.parts.size(); ++i) {
    auto const& part = p.parts[i];
    if (part.k == path_part::kind::index) {
      if (cur->type != av_type::l || part.index >= cur->list.size()) return nullptr;
      cur = &cur->list[part.index];
    } else {
      if (cur->type != av_type::m) return nullptr;
      std::string_view name = part.text;
      if (part.k == path_part::kind::placeholder) {
        auto const* n = ph.name(part.text);
        if (!n) return nullptr;
        name = *n;
      }
      cur = find(cur->map, name);
    }
  }
  return cur;
}

// --- conditions ------------------------------------------------------------------

namespace {

// An operand's value: a pointer into the item or the request, or a value
// computed here (size()). `ptr == nullptr` means "does not exist".
struct operand {
  attribute_value const* ptr = nullptr;
  attribute_value computed;
  bool is_computed = false;
  // Operands travel by value, so a computed one is addressed only here.
  attribute_value const* get() const noexcept { return is_computed ? &computed : ptr; }
};

// <0, 0, >0, or nullopt when the two cannot be ordered (different or
// unorderable types).
std::optional<int> order(attribute_value const& a, attribute_value const& b)
{
  if (a.type != b.type) return std::nullopt;
  if (a.type == av_type::n) {
    auto x = number::parse(a.scalar), y = number::parse(b.scalar);
    if (!x || !y) return std::nullopt;
    return compare(*x, *y);
  }
  if (a.type == av_type::s || a.type == av_type::b) {
    int c = a.scalar.compare(b.scalar);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  return std::nullopt;
}

class evaluator {
public:
  evaluator(expr::condition const& c, item const* it, placeholder_values const& ph, std::string_view kind)
      : c_(c), item_(it), ph_(ph), kind_(kind)
  {
  }

  outcome<bool> run() { return cond(c_.root); }

private:
  api_error invalid(std::string what) const
  {
    return {errc::validation, "Invalid " + std::string(kind_) + ": " + std::move(what)};
  }

  outcome<operand> eval(std::uint32_t index)
  {
    node const& n = c_.nodes[index];
    operand o;
    switch (n.kind) {
      case node_kind::path:
        o.ptr = item_ ? resolve(*item_, c_.paths[n.path], ph_) : nullptr;
        return o;
      case node_kind::value:
        o.ptr = ph_.value(n.placeholder);
        if (!o.ptr)
          return invalid("An expression attribute value used in expression is not defined; attribute value: " + n.placeholder);
        return o;
      case node_kind::size: {
        KINESYS_TRY(arg, eval(n.children[0]));
        if (!arg.ptr) return o;
        attribute_value const& v = *arg.ptr;
        std::size_t size = 0;
        switch (v.type) {
          case av_type::s: size = utf16_length(v.scalar); break;
          case av_type::b: size = v.scalar.size(); break;
          case av_type::ss:
          case av_type::ns:
          case av_type::bs: size = v.set.size(); break;
          case av_type::l: size = v.list.size(); break;
          case av_type::m: size = v.map.size(); break;
          default: return o;  // size of a number, bool or null does not exist
        }
        o.computed = attribute_value::number(std::to_string(size));
        o.is_computed = true;
        return o;
      }
      default: return invalid("Syntax error; unexpected operand");
    }
  }

  outcome<bool> cond(std::uint32_t index)
  {
    node const& n = c_.nodes[index];
    switch (n.kind) {
      case node_kind::and_: {
        KINESYS_TRY(a, cond(n.children[0]));
        if (!a) {
          // Still validate the right side's placeholders and literals: AWS
          // refuses a bad expression whatever the item holds.
          KINESYS_TRY(b, cond(n.children[1]));
          (void)b;
          return false;
        }
        return cond(n.children[1]);
      }
      case node_kind::or_: {
        KINESYS_TRY(a, cond(n.children[0]));
        KINESYS_TRY(b, cond(n.children[1]));
        return a || b;
      }
      case node_kind::not_: {
        KINESYS_TRY(a, cond(n.children[0]));
        return !a;
      }
      case node_kind::eq:
      case node_kind::ne:
      case node_kind::lt:
      case node_kind::le:
      case node_kind::gt:
      case node_kind::ge: {
        KINESYS_TRY(a, eval(n.children[0]));
        KINESYS_TRY(b, eval(n.children[1]));
        auto const* x = a.get();
        auto const* y = b.get();
        if (n.kind == node_kind::eq) return x && y && equal(*x, *y);
        if (n.kind == node_kind::ne) return !(x && y && equal(*x, *y));
        if (!x || !y) return false;
        auto o = order(*x, *y);
        if (!o) return false;
        switch (n.kind) {
          case node_kind::lt: return *o < 0;
          case node_kind::le: return *o <= 0;
          case node_kind::gt: return *o > 0;
          default: return *o >= 0;
        }
      }
      case node_kind::between: {
        KINESYS_TRY(a, eval(n.children[0]));
        KINESYS_TRY(lo, eval(n.children[1]));
        KINESYS_TRY(hi, eval(n.children[2]));
        auto const *x = a.get(), *l = lo.get(), *h = hi.get();
        if (l && h && c_.nodes[n.children[1]].kind == node_kind::value &&
            c_.nodes[n.children[2]].kind == node_kind::value) {
          if (l->type != h->type)
            return invalid("The BETWEEN operator requires same data type for lower and upper bounds; lower operand: "
                           "AttributeValue: " + describe(*l) + ", upper operand: AttributeValue: " + describe(*h));
          auto o = order(*l, *h);
          if (o && *o > 0)
            return invalid("The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
                           "lower operand: AttributeValue: " + describe(*l) + ", upper operand: AttributeValue: " +
                           describe(*h));
        }
        if (!x || !l || !h) return false;
        auto ol = order(*x, *l), oh = order(*x, *h);
        return ol && oh && *ol >= 0 && *oh <= 0;
      }
      case node_kind::in: {
        KINESYS_TRY(a, eval(n.children[0]));
        auto const* x = a.get();
        bool found = false;
        for (std::size_t i = 1; i < n.children.size(); ++i) {
          KINESYS_TRY(b, eval(n.children[i]));
          auto const* y = b.get();
          if (x && y && equal(*x, *y)) found = true;
        }
        return found;
      }
      case node_kind::attribute_exists:
      case node_kind::attribute_not_exists: {
        KINESYS_TRY(a, eval(n.children[0]));
        bool const exists = a.get() != nullptr;
        return n.kind == node_kind::attribute_exists ? exists : !exists;
      }
      case node_kind::attribute_type: {
        KINESYS_TRY(a, eval(n.children[0]));
        KINESYS_TRY(t, eval(n.children[1]));
        auto const* type = t.get();
        static constexpr std::string_view valid[] = {"B", "NULL", "SS", "BOOL", "L", "BS", "N", "NS", "S", "M"};
        if (!type || type->type != av_type::s ||
            std::find(std::begin(valid), std::end(valid), type->scalar) == std::end(valid))
          return invalid("Invalid attribute type name found; type: " + (type ? type->scalar : std::string()) +
                         ", valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }");
        auto const* x = a.get();
        return x && type_name(x->type) == type->scalar;
      }
      case node_kind::begins_with: {
        KINESYS_TRY(a, eval(n.children[0]));
        KINESYS_TRY(p, eval(n.children[1]));
        auto const *x = a.get(), *prefix = p.get();
        if (prefix && prefix->type != av_type::s && prefix->type != av_type::b)
          return invalid("Incorrect operand type for operator or function; operator or function: begins_with, operand type: " +
                         std::string(type_name(prefix->type)));
        if (!x || !prefix || x->type != prefix->type) return false;
        return x->scalar.compare(0, prefix->scalar.size(), prefix->scalar) == 0 && x->scalar.size() >= prefix->scalar.size();
      }
      case node_kind::contains: {
        KINESYS_TRY(a, eval(n.children[0]));
        KINESYS_TRY(b, eval(n.children[1]));
        auto const *x = a.get(), *y = b.get();
        if (!x || !y) return false;
        switch (x->type) {
          case av_type::s:
          case av_type::b: return y->type == x->type && x->scalar.find(y->scalar) != std::string::npos;
          case av_type::ss: return y->type == av_type::s && std::find(x->set.begin(), x->set.end(), y->scalar) != x->set.end();
          case av_type::ns: return y->type == av_type::n && std::find(x->set.begin(), x->set.end(), y->scalar) != x->set.end();
          case av_type::bs: return y->type == av_type::b && std::find(x->set.begin(), x->set.end(), y->scalar) != x->set.end();
          case av_type::l:
            return std::any_of(x->list.begin(), x->list.end(), [&](attribute_value const& e) { return equal(e, *y); });
          default: return false;
        }
      }
      default: return invalid("Syntax error; a condition was expected");
    }
  }

  expr::condition const& c_;
  item const* item_;
  placeholder_values const& ph_;
  std::string_view kind_;
};

}  // namespace

outcome<bool> evaluate(expr::condition const& c, item const* it, placeholder_values const& ph, std::string_view kind)
{
  return evaluator(c, it, ph, kind).run();
}

// --- projections -------------------------------------------------------------------

namespace {

// Copies the value at p.parts[i..] of `src` into `dst` (same shape), so
// that several projected paths into one map or list merge.
void project_into(attribute_value& dst, attribute_value const& src, expr::path const& p, std::size_t i,
                  placeholder_values const& ph)
{
  if (i == p.parts.size()) {
    dst = src;
    return;
  }
  auto const& part = p.parts[i];
  if (part.k == path_part::kind::index) {
    if (src.type != av_type::l || part.index >= src.list.size()) return;
    // Selected list elements keep their relative order, compacted.
    if (dst.type != av_type::l) {
      dst = attribute_value{};
      dst.type = av_type::l;
    }
    dst.list.emplace_back();
    project_into(dst.list.back(), src.list[part.index], p, i + 1, ph);
    return;
  }
  if (src.type != av_type::m) return;
  std::string_view name = part.text;
  if (part.k == path_part::kind::placeholder) {
    auto const* n = ph.name(part.text);
    if (!n) return;
    name = *n;
  }
  auto const* child = find(src.map, name);
  if (!child) return;
  if (dst.type != av_type::m) {
    dst = attribute_value{};
    dst.type = av_type::m;
  }
  attribute_value* slot = find(dst.map, name);
  if (!slot) {
    dst.map.emplace_back(std::string(name), attribute_value{});
    slot = &dst.map.back().second;
  }
  project_into(*slot, *child, p, i + 1, ph);
}

}  // namespace

item project(item const& it, expr::projection const& p, placeholder_values const& ph)
{
  attribute_value root;
  root.type = av_type::m;
  attribute_value src;
  src.type = av_type::m;
  src.map = it;  // one copy; projections are off the hot path
  for (auto const& path : p.paths) project_into(root, src, path, 0, ph);
  return std::move(root.map);
}

// --- placeholders ---------------------------------------------------------------------

outcome<void> check_placeholders(placeholder_values const& ph, std::vector<used_placeholders> const& expressions)
{
  for (auto const& e : expressions) {
    for (auto const& n : e.used->names)
      if (!ph.name(n))
        return api_error{errc::validation, "Invalid " + std::string(e.kind) +
                                               ": An expression attribute name used in the document path is not "
                                               "defined; attribute name: " + n};
    for (auto const& v : e.used->values)
      if (!ph.value(v))
        return api_error{errc::validation, "Invalid " + std::string(e.kind) +
                                               ": An expression attribute value used in expression is not defined; "
                                               "attribute value: " + v};
  }
  auto used_name = [&](std::string const& n) {
    return std::any_of(expressions.begin(), expressions.end(), [&](auto const& e) {
      return std::find(e.used->names.begin(), e.used->names.end(), n) != e.used->names.end();
    });
  };
  auto used_value = [&](std::string const& v) {
    return std::any_of(expressions.begin(), expressions.end(), [&](auto const& e) {
      return std::find(e.used->values.begin(), e.used->values.end(), v) != e.used->values.end();
    });
  };
  std::string unused;
  for (auto const& [k, v] : ph.names)
    if (!used_name(k)) unused += (unused.empty() ? "" : ", ") + k;
  if (!unused.empty())
    return api_error{errc::validation, "Value provided in ExpressionAttributeNames unused in expressions: keys: {" + unused + "}"};
  for (auto const& [k, v] : ph.values)
    if (!used_value(k)) unused += (unused.empty() ? "" : ", ") + k;
  if (!unused.empty())
    return api_error{errc::validation, "Value provided in ExpressionAttributeValues unused in expressions: keys: {" + unused + "}"};
  return {};
}

}  // namespace kinesys::local::dynamo
