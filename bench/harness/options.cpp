#include "options.hpp"

#include <charconv>
#include <cmath>

namespace kinesys::bench {

std::string_view to_string(scenario s) noexcept
{
  switch (s) {
    case scenario::produce: return "produce";
    case scenario::consume: return "consume";
    case scenario::pipeline: return "pipeline";
    case scenario::raw: return "raw";
  }
  return "?";
}

namespace {

/// Splits "1.5KiB" into 1.5 and "KiB".
bool split_number(std::string_view text, double& number, std::string_view& unit)
{
  std::size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  if (i == 0) return false;
  auto [p, ec] = std::from_chars(text.data(), text.data() + i, number);
  if (ec != std::errc{} || p != text.data() + i || number < 0) return false;
  unit = text.substr(i);
  return true;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text)
{
  double n = 0;
  std::string_view unit;
  if (!split_number(text, n, unit)) return std::nullopt;
  double ms = 0;
  if (unit.empty() || unit == "s") ms = n * 1000;
  else if (unit == "ms") ms = n;
  else if (unit == "m" || unit == "min") ms = n * 60000;
  else return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(ms)));
}

std::optional<std::uint64_t> parse_size(std::string_view text)
{
  double n = 0;
  std::string_view unit;
  if (!split_number(text, n, unit)) return std::nullopt;
  double f = 0;
  if (unit.empty() || unit == "B") f = 1;
  else if (unit == "KiB" || unit == "k" || unit == "K") f = 1024;
  else if (unit == "MiB" || unit == "M") f = 1024.0 * 1024;
  else if (unit == "KB" || unit == "kB") f = 1000;
  else if (unit == "MB") f = 1e6;
  else return std::nullopt;
  return static_cast<std::uint64_t>(std::llround(n * f));
}

std::optional<setting> parse_setting(std::string_view text)
{
  auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) return std::nullopt;
  return setting{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

std::optional<sweep_axis> parse_sweep(std::string_view text)
{
  auto s = parse_setting(text);
  if (!s || s->value.empty()) return std::nullopt;
  sweep_axis axis{s->key, {}};
  std::string_view rest = s->value;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto v = rest.substr(0, comma);
    if (!v.empty()) axis.values.emplace_back(v);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (axis.values.empty()) return std::nullopt;
  return axis;
}

}  // namespace kinesys::bench
