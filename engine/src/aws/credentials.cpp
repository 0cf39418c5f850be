#include <kinesys/detail/engine/aws/credentials.hpp>

#include <ostream>

namespace kinesys::engine::aws {

std::string describe(credentials const& c) {
  std::string out = "credentials{access_key_id=";
  out += c.access_key_id.empty() ? "<none>" : c.access_key_id;
  out += ", secret_access_key=";
  out += c.secret_access_key.empty() ? "<none>" : "<redacted>";
  out += ", session_token=";
  out += c.session_token.empty() ? "<none>" : "<redacted>";
  out += ", source=";
  out += c.source.empty() ? "<unknown>" : c.source;
  out += "}";
  return out;
}

std::ostream& operator<<(std::ostream& os, credentials const& c) { return os << describe(c); }

}  // namespace kinesys::engine::aws
