#include "aws/ini_file.hpp"

#include <fstream>
#include <sstream>

namespace kinesys::engine::aws::detail {
namespace {

constexpr bool is_blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string collapse_spaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (is_blank(c)) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

ini_sections parse_ini(std::string_view text) {
  ini_sections sections;
  ini_section* current = nullptr;
  std::string parent;  // a "key =" with an empty value opens nested keys
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t const eol = text.find('\n', pos);
    std::string_view const raw = text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    pos = eol == std::string_view::npos ? text.size() : eol + 1;

    bool const indented = !raw.empty() && is_blank(raw.front());
    std::string_view const line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      std::size_t const close = line.find(']');
      if (close == std::string_view::npos) {
        current = nullptr;
        continue;
      }
      current = &sections[collapse_spaces(line.substr(1, close - 1))];
      parent.clear();
      continue;
    }
    if (current == nullptr) continue;
    std::size_t const eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string key = lower(trim(line.substr(0, eq)));
    std::string_view const value = trim(line.substr(eq + 1));
    if (key.empty()) continue;
    if (indented && !parent.empty()) {
      (*current)[parent + "." + key] = std::string(value);
      continue;
    }
    parent = value.empty() ? key : std::string();
    (*current)[std::move(key)] = std::string(value);
  }
  return sections;
}

std::optional<ini_sections> read_ini_file(std::string const& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::ostringstream content;
  content << file.rdbuf();
  if (file.bad()) return std::nullopt;
  return parse_ini(content.str());
}

}  // namespace kinesys::engine::aws::detail
