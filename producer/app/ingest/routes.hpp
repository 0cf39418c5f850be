#pragma once
// Which endpoint a request target names. The ingestion paths are served
// both at the root and under the configured prefix (--path-prefix /prod
// serves /prod/stream as API Gateway stages did, and /stream too).
#include <string>
#include <string_view>

namespace kinesys::ingest {

enum class route_kind {
  put_one,    ///< PUT [prefix]/stream
  put_batch,  ///< PUT [prefix]/streams/<name>/records
  health,     ///< GET [prefix]/health
  metrics,    ///< GET [prefix]/metrics
  unknown,
};

struct route {
  route_kind kind = route_kind::unknown;
  std::string_view stream;  ///< put_batch: the <name> segment, not yet validated
};

/// Classifies `target` (a query string is ignored). `prefix` is "" or
/// "/something" without a trailing slash.
route match_route(std::string_view target, std::string_view prefix) noexcept;

/// The one method each route answers, for 405's Allow header.
std::string_view allowed_method(route_kind kind) noexcept;

/// "/prod", "prod/", "/" → "/prod", "/prod", "". Empty when `raw` is only
/// slashes.
std::string normalize_prefix(std::string_view raw);

}  // namespace kinesys::ingest
