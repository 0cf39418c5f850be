#pragma once
// The backlog a consume run drains, put before the consumer starts.
#include "scenario.hpp"

namespace kinesys::bench {

/// Puts `count` records of the pool into `stream` with `config`'s producer
/// settings and waits for every acknowledgement. Returns the failures.
std::uint64_t fill_backlog(run_context& ctx, run_config const& config, std::string const& stream, std::size_t count);
/// --backlog, or a size that keeps a fast consumer busy through the window.
std::size_t backlog_size(run_context const& ctx);

}  // namespace kinesys::bench
