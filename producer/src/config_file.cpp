// Reading a ProducerConfig from a file. Two formats: TOML (flat, one key per
// line, native booleans and integers) and Java properties, which is what a
// KPL user already has (default_config.properties). Both reject unknown keys:
// a misspelt setting that silently keeps its default is worse than an error.
#include "kinesys/detail/producer/config.hpp"

#include <toml++/toml.h>

#include <fstream>
#include <sstream>

namespace kinesys::producer {
namespace {

using config_result = boost::system::result<producer_config, config_error>;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\f'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\f'))
    s.remove_suffix(1);
  return s;
}

config_result finish(producer_config c) {
  if (auto r = c.validate(); !r) return r.error();
  return c;
}

}  // namespace

config_result producer_config::from_toml(std::string_view text) {
  // Debian's toml++ is built with exceptions: a syntax error throws.
  toml::table parsed;
  try {
    parsed = toml::parse(text);
  } catch (toml::parse_error const& err) {
    return config_error{"", "TOML syntax error at line " + std::to_string(err.source().begin.line) + ": " +
                                std::string(err.description())};
  }
  producer_config c;
  for (auto const& [key, node] : parsed) {
    std::string_view name = key.str();
    std::string text_value;
    if (auto b = node.as_boolean()) text_value = b->get() ? "true" : "false";
    else if (auto i = node.as_integer()) {
      if (i->get() < 0) return config_error{std::string(name), "must not be negative, got " + std::to_string(i->get())};
      text_value = std::to_string(i->get());
    } else if (auto s = node.as_string()) text_value = s->get();
    else if (node.is_table()) return config_error{std::string(name), "unknown key (tables are not used; keys are flat)"};
    else return config_error{std::string(name), "expected a boolean, an integer or a string"};
    if (auto r = c.set(name, text_value); !r) return r.error();
  }
  return finish(std::move(c));
}

config_result producer_config::from_properties(std::string_view text) {
  producer_config c;
  std::size_t line_no = 0;
  while (!text.empty()) {
    std::size_t eol = text.find('\n');
    std::string_view line = trim(text.substr(0, eol));
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    ++line_no;
    if (line.empty() || line.front() == '#' || line.front() == '!') continue;
    // key = value, key: value or key value, as java.util.Properties reads them.
    std::size_t sep = line.find_first_of("=: \t");
    std::string_view key = trim(line.substr(0, sep));
    std::string_view value;
    if (sep != std::string_view::npos) {
      value = trim(line.substr(sep + 1));
      if (!value.empty() && (value.front() == '=' || value.front() == ':') && (line[sep] == ' ' || line[sep] == '\t'))
        value = trim(value.substr(1));
    }
    if (auto r = c.set(key, value); !r) {
      config_error e = r.error();
      e.reason += " (line " + std::to_string(line_no) + ")";
      return e;
    }
  }
  return finish(std::move(c));
}

config_result producer_config::from_file(std::filesystem::path const& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return config_error{"", "cannot read " + path.string()};
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (path.extension() == ".toml") return from_toml(text);
  return from_properties(text);
}

}  // namespace kinesys::producer
