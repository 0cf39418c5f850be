#pragma once
// The peers a user would otherwise pick, run in the same invocation against
// the same endpoint with the same records: boto3's put_records loop and the
// AWS SDK for JavaScript v3's PutRecordsCommand loop (produce), and seed
// 000's boto3 consumer (consume). Each is a script in bench/peers/ run as a
// child process; it prints one JSON line that becomes a run_result.
#include "scenario.hpp"

#include <optional>
#include <string>

namespace kinesys::bench {

/// Why a peer cannot run here (python3-boto3 or node modules missing), or
/// nullopt when it can.
std::optional<std::string> peer_unavailable(std::string const& peer);

/// produce: `peer` is "boto3" or "js".
run_result run_peer_producer(run_context& ctx, std::string const& peer);
/// consume: seed 000's boto3 consumer on a plain (not aggregated) backlog.
run_result run_peer_consumer(run_context& ctx);

/// Where the peer scripts are (KINESYS_BENCH_PEERS overrides the built-in path).
std::string peers_dir();

}  // namespace kinesys::bench
