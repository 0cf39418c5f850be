#pragma once
// kinesys-ingest logs through the engine's logger. Startup, shutdown,
// refused configuration and upstream failures are logged; each request only
// at debug. Lines name tenants, never API keys.
#include <kinesys/detail/engine/log.hpp>

namespace kinesys::ingest {
using engine::log_at;
using engine::log_debug;
using engine::log_enabled;
using engine::log_error;
using engine::log_info;
using engine::log_level;
using engine::log_warn;
using engine::parse_log_level;
using engine::set_log_level;
}  // namespace kinesys::ingest
