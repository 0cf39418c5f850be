#pragma once
// The results of an invocation as files: results.csv (one row per run),
// summary.csv (one row per configuration: median and spread), results.json
// (machine, versions, options, every run with its series and latencies) and
// summary.md (the tables and the ratios a reader wants, kinesys / peer and
// kinesys / raw wire limit).
#include "runner.hpp"

#include <string>

namespace kinesys::bench {

/// "Intel(R) Xeon(R) ... , 2 cores, 24 GiB, Linux 6.1, Debian GNU/Linux 12".
std::string machine_description();
/// kinesys, compiler, Boost, and the peers' versions when they ran.
std::string versions_description(invocation const& inv);

/// Writes every file into inv.options.out_dir; returns an error message or "".
std::string write_reports(invocation const& inv);

/// The markdown summary (also written as summary.md).
std::string markdown_summary(invocation const& inv);

}  // namespace kinesys::bench
