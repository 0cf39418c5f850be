#include "config_reader.hpp"

#include <charconv>
#include <cmath>

namespace kinesys::consumer::detail {

std::string_view type_name(toml::node const& node) noexcept
{
  switch (node.type()) {
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::table: return "table";
    case toml::node_type::array: return "array";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
    default: return "nothing";
  }
}

toml::node const* section::find(std::string_view name)
{
  seen_.insert(std::string(name));
  return table_->get(name);
}

void section::wrong_type(std::string_view name, toml::node const& node, std::string_view expected)
{
  problem(name, "must be " + std::string(expected) + " (got " + std::string(type_name(node)) + ")");
}

std::optional<section> section::child(std::string_view name)
{
  auto const* node = find(name);
  if (!node) return std::nullopt;
  if (auto const* t = node->as_table()) return section(*t, key(name), *problems_);
  wrong_type(name, *node, "a table");
  return std::nullopt;
}

std::vector<std::string> section::keys() const
{
  std::vector<std::string> out;
  for (auto const& [k, v] : *table_) out.emplace_back(k.str());
  return out;
}

bool section::string(std::string_view name, std::string& out)
{
  auto const* node = find(name);
  if (!node) return false;
  if (auto const* s = node->as_string()) {
    out = s->get();
    return true;
  }
  wrong_type(name, *node, "a string");
  return false;
}

bool section::attribute_name(std::string_view name, std::string& out)
{
  std::string v;
  if (!string(name, v)) return false;
  if (v.empty() || v.size() > 255) {
    problem(name, "must be an attribute name of 1-255 bytes");
    return false;
  }
  out = std::move(v);
  return true;
}

bool section::boolean(std::string_view name, bool& out)
{
  auto const* node = find(name);
  if (!node) return false;
  if (auto const* b = node->as_boolean()) {
    out = b->get();
    return true;
  }
  wrong_type(name, *node, "true or false");
  return false;
}

bool section::integer_value(std::string_view name, std::int64_t& out, std::int64_t min, std::int64_t max,
                            std::string_view why)
{
  auto const* node = find(name);
  if (!node) return false;
  auto const* i = node->as_integer();
  if (!i) {
    wrong_type(name, *node, "an integer");
    return false;
  }
  auto v = i->get();
  if (v < min || v > max) {
    std::string reason = "must be between " + std::to_string(min) + " and " + std::to_string(max);
    if (!why.empty()) reason += ": " + std::string(why);
    problem(name, reason + " (got " + std::to_string(v) + ")");
    return false;
  }
  out = v;
  return true;
}

bool section::number(std::string_view name, double& out, double min, double max)
{
  auto const* node = find(name);
  if (!node) return false;
  double v;
  if (auto const* i = node->as_integer())
    v = static_cast<double>(i->get());
  else if (auto const* f = node->as_floating_point())
    v = f->get();
  else {
    wrong_type(name, *node, "a number");
    return false;
  }
  if (!std::isfinite(v) || v < min || v > max) {
    problem(name, "must be a number between " + std::to_string(static_cast<long long>(min)) + " and " +
                      std::to_string(static_cast<long long>(max)));
    return false;
  }
  out = v;
  return true;
}

bool section::millis(std::string_view name, std::chrono::milliseconds& out, std::int64_t min, std::int64_t max,
                     std::string_view why)
{
  std::int64_t v = 0;
  if (!integer_value(name, v, min, max, why)) return false;
  out = std::chrono::milliseconds(v);
  return true;
}

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's method).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d)
{
  y -= m <= 2;
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  auto yoe = static_cast<unsigned>(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::chrono::system_clock::time_point to_time_point(toml::date_time const& dt)
{
  using namespace std::chrono;
  auto days = days_from_civil(dt.date.year, dt.date.month, dt.date.day);
  auto t = sys_seconds(seconds(days * 86400 + dt.time.hour * 3600 + dt.time.minute * 60 + dt.time.second)) +
           nanoseconds(dt.time.nanosecond);
  if (dt.offset) t -= minutes(dt.offset->minutes);
  return time_point_cast<system_clock::duration>(t);
}

}  // namespace

bool section::timestamp(std::string_view name, std::optional<std::chrono::system_clock::time_point>& out)
{
  auto const* node = find(name);
  if (!node) return false;
  std::string const reason = "must be an RFC 3339 date-time with offset (2024-05-01T12:00:00Z) or Unix seconds";
  if (auto const* i = node->as_integer()) {
    out = std::chrono::system_clock::time_point(std::chrono::seconds(i->get()));
    return true;
  }
  if (auto const* f = node->as_floating_point()) {
    out = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::duration<double>(f->get())));
    return true;
  }
  toml::date_time dt;
  if (auto const* d = node->as_date_time()) {
    dt = d->get();
  } else if (auto const* s = node->as_string()) {
    if (s->get().empty()) return false;  // explicit "unset"
    // Reuse the TOML date-time grammar for strings too.
    try {
      auto parsed = toml::parse("t = " + s->get());
      auto const* d = parsed.get("t") ? parsed.get("t")->as_date_time() : nullptr;
      if (!d) throw std::invalid_argument("not a date-time");
      dt = d->get();
    } catch (std::exception const&) {
      problem(name, reason + " (got \"" + s->get() + "\")");
      return false;
    }
  } else {
    wrong_type(name, *node, "a date-time");
    return false;
  }
  if (!dt.offset) {
    problem(name, reason + ": a local date-time has no offset; add Z or +hh:mm");
    return false;
  }
  out = to_time_point(dt);
  return true;
}

bool section::string_list(std::string_view name, std::vector<std::string>& out)
{
  auto const* node = find(name);
  if (!node) return false;
  auto const* a = node->as_array();
  if (!a) {
    wrong_type(name, *node, "an array of strings");
    return false;
  }
  std::vector<std::string> values;
  for (auto const& e : *a) {
    auto const* s = e.as_string();
    if (!s || s->get().empty()) {
      problem(name, "must be an array of non-empty strings");
      return false;
    }
    values.push_back(s->get());
  }
  out = std::move(values);
  return true;
}

bool section::string_map(std::string_view name, std::map<std::string, std::string, std::less<>>& out)
{
  auto const* node = find(name);
  if (!node) return false;
  auto const* t = node->as_table();
  if (!t) {
    wrong_type(name, *node, "a table of strings");
    return false;
  }
  bool ok = true;
  for (auto const& [k, v] : *t) {
    if (auto const* s = v.as_string())
      out[std::string(k.str())] = s->get();
    else {
      problems_->push_back({key(name) + "." + std::string(k.str()),
                            "must be a string naming a table (got " + std::string(type_name(v)) + ")"});
      ok = false;
    }
  }
  return ok;
}

void section::finish()
{
  for (auto const& [k, v] : *table_)
    if (!seen_.contains(k.str())) problems_->push_back({key(k.str()), "unknown key"});
}

void apply_override(toml::table& root, config_override const& o, std::vector<config_problem>& problems)
{
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    auto dot = o.key.find('.', start);
    parts.push_back(o.key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  for (auto const& p : parts)
    if (p.empty()) {
      problems.push_back({o.key, "not a valid key to override"});
      return;
    }
  toml::table* t = &root;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    auto* node = t->get(parts[i]);
    if (!node) {
      t->insert(parts[i], toml::table{});
      node = t->get(parts[i]);
    }
    t = node->as_table();
    if (!t) {
      problems.push_back({o.key, "cannot be set: " + parts[i] + " is not a table"});
      return;
    }
  }
  // A value that parses as TOML keeps its type; anything else is a string.
  try {
    auto parsed = toml::parse("v = " + o.value);
    if (auto* v = parsed.get("v")) {
      v->visit([&](auto&& node) { t->insert_or_assign(parts.back(), std::move(node)); });
      return;
    }
  } catch (toml::parse_error const&) {
  }
  t->insert_or_assign(parts.back(), o.value);
}

}  // namespace kinesys::consumer::detail
