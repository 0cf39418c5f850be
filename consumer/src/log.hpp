#pragma once
// kinesys-consumer logs through the engine's logger. Lease moves,
// resharding, dead letters and failures are logged; the record path is not.
#include <kinesys/detail/engine/log.hpp>

namespace kinesys::consumer {
using engine::log_debug;
using engine::log_error;
using engine::log_info;
using engine::log_level;
using engine::log_warn;
}  // namespace kinesys::consumer
