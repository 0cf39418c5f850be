#include "routes.hpp"

namespace kinesys::ingest {
namespace {

route match_path(std::string_view path) noexcept {
  if (path == "/stream") return {route_kind::put_one, {}};
  if (path == "/health") return {route_kind::health, {}};
  if (path == "/metrics") return {route_kind::metrics, {}};
  constexpr std::string_view head = "/streams/";
  constexpr std::string_view tail = "/records";
  if (path.size() > head.size() + tail.size() && path.starts_with(head) && path.ends_with(tail)) {
    std::string_view name = path.substr(head.size(), path.size() - head.size() - tail.size());
    if (name.find('/') == std::string_view::npos) return {route_kind::put_batch, name};
  }
  return {};
}

}  // namespace

route match_route(std::string_view target, std::string_view prefix) noexcept {
  std::string_view path = target.substr(0, target.find('?'));
  if (auto r = match_path(path); r.kind != route_kind::unknown) return r;
  if (!prefix.empty() && path.size() > prefix.size() && path.starts_with(prefix) && path[prefix.size()] == '/')
    return match_path(path.substr(prefix.size()));
  return {};
}

std::string_view allowed_method(route_kind kind) noexcept {
  switch (kind) {
  case route_kind::put_one:
  case route_kind::put_batch: return "PUT";
  case route_kind::health:
  case route_kind::metrics: return "GET";
  case route_kind::unknown: break;
  }
  return "";
}

std::string normalize_prefix(std::string_view raw) {
  while (!raw.empty() && raw.back() == '/') raw.remove_suffix(1);
  while (!raw.empty() && raw.front() == '/') raw.remove_prefix(1);
  if (raw.empty()) return {};
  std::string prefix;
  prefix.reserve(raw.size() + 1);
  prefix += '/';
  prefix += raw;
  return prefix;
}

}  // namespace kinesys::ingest
