#pragma once
// Typed, checked reads from a TOML table, each problem named by its dotted
// key. Keys that nobody read are reported as unknown, which turns a typo
// ("batchsize") into an error instead of a silently ignored setting.
#include <kinesys/detail/consumer/config.hpp>

#include <toml++/toml.h>

#include <chrono>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace kinesys::consumer::detail {

class section {
public:
  section(toml::table const& table, std::string prefix, std::vector<config_problem>& problems)
      : table_(&table), prefix_(std::move(prefix)), problems_(&problems)
  {
  }

  std::string key(std::string_view name) const { return prefix_.empty() ? std::string(name) : prefix_ + "." + std::string(name); }
  void problem(std::string_view name, std::string reason) { problems_->push_back({key(name), std::move(reason)}); }

  /// The sub-table `name`, if present (a problem if present but not a table).
  std::optional<section> child(std::string_view name);
  std::vector<std::string> keys() const;

  bool string(std::string_view name, std::string& out);
  bool attribute_name(std::string_view name, std::string& out);
  bool boolean(std::string_view name, bool& out);
  bool number(std::string_view name, double& out, double min, double max);
  bool millis(std::string_view name, std::chrono::milliseconds& out, std::int64_t min, std::int64_t max,
              std::string_view why = {});
  bool timestamp(std::string_view name, std::optional<std::chrono::system_clock::time_point>& out);
  bool string_list(std::string_view name, std::vector<std::string>& out);
  bool string_map(std::string_view name, std::map<std::string, std::string, std::less<>>& out);

  template <class T>
  bool integer(std::string_view name, T& out, std::int64_t min, std::int64_t max, std::string_view why = {})
  {
    std::int64_t v = 0;
    if (!integer_value(name, v, min, max, why)) return false;
    out = static_cast<T>(v);
    return true;
  }

  template <class T>
  bool choice(std::string_view name, T& out, std::initializer_list<std::pair<std::string_view, T>> options)
  {
    std::string text;
    if (!string(name, text)) return false;
    for (auto const& [label, value] : options)
      if (label == text) {
        out = value;
        return true;
      }
    std::string allowed;
    for (auto const& [label, value] : options) allowed += (allowed.empty() ? "" : ", ") + std::string(label);
    problem(name, "must be one of " + allowed + " (got \"" + text + "\")");
    return false;
  }

  /// Reports every key of this table that no read asked for.
  void finish();

private:
  toml::node const* find(std::string_view name);
  bool integer_value(std::string_view name, std::int64_t& out, std::int64_t min, std::int64_t max, std::string_view why);
  void wrong_type(std::string_view name, toml::node const& node, std::string_view expected);

  toml::table const* table_;
  std::string prefix_;
  std::vector<config_problem>* problems_;
  std::set<std::string, std::less<>> seen_;
};

/// Sets `o.key` (dotted) in `root`, creating tables on the way.
void apply_override(toml::table& root, config_override const& o, std::vector<config_problem>& problems);

/// TOML type name for messages ("integer", "string", ...).
std::string_view type_name(toml::node const& node) noexcept;

}  // namespace kinesys::consumer::detail
