#pragma once
// The independent peer servers (../shared/PEERS.md) started in memory on free
// loopback ports. When tests/peers/node_modules is missing (npm ci not run),
// start_* returns nullopt with the reason, and tests GTEST_SKIP with it.
#include "child_process.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace kinesys::test {

struct peer_server {
  child_process process;
  std::uint16_t port = 0;
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port); }
};

/// Why peers cannot run here, or empty if they can.
std::string peers_unavailable_reason();
std::optional<peer_server> start_kinesalite();
std::optional<peer_server> start_dynalite();
/// Runs `node <script> args...` from tests/peers (scripts resolve their
/// modules there) and returns its stdout and exit status.
struct node_result { int exit_status; std::string out; };
node_result run_node_script(std::string const& script, std::vector<std::string> const& args, std::string const& stdin_text = {});

}  // namespace kinesys::test

/// Skips the current test, printing why, when the npm peers are not installed.
#define KINESYS_REQUIRE_PEERS()                                                       \
  do {                                                                                \
    if (auto why = ::kinesys::test::peers_unavailable_reason(); !why.empty())         \
      GTEST_SKIP() << why;                                                            \
  } while (0)
