// The same SDK scripts run against the independent servers (kinesalite,
// dynalite) and against kinesys-local; every call both support must give
// the same fields and error codes. boto3 checks signing and answer shapes
// from a second SDK.
#include "child_process.hpp"
#include "peers.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdio>
#include <set>
#include <string>

namespace kinesys::local::test {
namespace {

struct local_process {
  kinesys::test::child_process process;
  std::uint16_t port = 0;
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port); }
};

local_process start_local()
{
  local_process p{kinesys::test::child_process({KINESYS_LOCAL_BINARY, "--port", "0", "--in-memory"}), 0};
  auto port = p.process.wait_for_port();
  if (port) p.port = *port;
  return p;
}

// Compares two transcripts step by step; `known` lists steps where the peer
// is known to differ from AWS (and kinesys-local follows AWS).
void compare(std::string const& peer_name, std::string const& peer_out, std::string const& local_out,
             std::set<std::string> const& known)
{
  simdjson::dom::parser pa, pb;
  simdjson::dom::array a, b;
  ASSERT_FALSE(pa.parse(peer_out).get(a)) << peer_name << " transcript is not JSON: " << peer_out;
  ASSERT_FALSE(pb.parse(local_out).get(b)) << "kinesys-local transcript is not JSON: " << local_out;
  ASSERT_EQ(a.size(), b.size());
  std::size_t compared = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::string_view step;
    ASSERT_FALSE(a.at(i)["step"].get(step));
    if (known.contains(std::string(step))) continue;
    ++compared;
    EXPECT_EQ(simdjson::minify(a.at(i).value()), simdjson::minify(b.at(i).value()))
        << "step '" << step << "' differs between " << peer_name << " and kinesys-local";
  }
  EXPECT_GT(compared, 20u);
}

TEST(conformance, kinesis_calls_answer_like_kinesalite)
{
  KINESYS_REQUIRE_PEERS();
  auto peer = kinesys::test::start_kinesalite();
  ASSERT_TRUE(peer.has_value()) << "kinesalite did not start";
  auto local = start_local();
  ASSERT_NE(local.port, 0) << "kinesys-local did not start";
  auto expected = kinesys::test::run_node_script("conformance/kinesis.js", {peer->endpoint()});
  ASSERT_EQ(expected.exit_status, 0) << expected.out;
  auto actual = kinesys::test::run_node_script("conformance/kinesis.js", {local.endpoint()});
  ASSERT_EQ(actual.exit_status, 0) << actual.out;
  // kinesalite splits an already closed shard; AWS (and kinesys-local) refuse.
  compare("kinesalite", expected.out, actual.out, {"split a closed shard"});
}

TEST(conformance, dynamodb_calls_answer_like_dynalite)
{
  KINESYS_REQUIRE_PEERS();
  auto peer = kinesys::test::start_dynalite();
  ASSERT_TRUE(peer.has_value()) << "dynalite did not start";
  auto local = start_local();
  ASSERT_NE(local.port, 0);
  auto expected = kinesys::test::run_node_script("conformance/dynamodb.js", {peer->endpoint()});
  ASSERT_EQ(expected.exit_status, 0) << expected.out;
  auto actual = kinesys::test::run_node_script("conformance/dynamodb.js", {local.endpoint()});
  ASSERT_EQ(actual.exit_status, 0) << actual.out;
  compare("dynalite", expected.out, actual.out, {});
}

TEST(conformance, transactions_from_the_js_sdk_commit_or_cancel_as_a_whole)
{
  // dynalite has no transactions: these steps are checked against what AWS
  // documents rather than against a peer.
  KINESYS_REQUIRE_PEERS();
  auto local = start_local();
  ASSERT_NE(local.port, 0);
  auto out = kinesys::test::run_node_script("conformance/dynamodb.js", {local.endpoint(), "--transactions"});
  ASSERT_EQ(out.exit_status, 0) << out.out;
  EXPECT_NE(out.out.find(R"({"step":"transaction","ok":true,"value":null})"), std::string::npos) << out.out;
  EXPECT_NE(out.out.find(R"({"step":"cancelled transaction","ok":false,"error":"TransactionCanceledException"})"), std::string::npos);
  EXPECT_NE(out.out.find(R"({"step":"after the cancelled transaction","ok":true,"value":true})"), std::string::npos);
}

TEST(conformance, boto3_requests_are_accepted_and_parsed)
{
  if (std::system("python3 -c 'import boto3' >/dev/null 2>&1") != 0) GTEST_SKIP() << "python3-boto3 is not installed";
  auto local = start_local();
  ASSERT_NE(local.port, 0);
  std::string cmd = "python3 '" + std::string(KINESYS_PEERS_DIR) + "/conformance/boto3_smoke.py' " + local.endpoint() + " 2>&1";
  std::string out;
  int status = -1;
  if (FILE* f = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    status = ::pclose(f);
  }
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("done"), std::string::npos) << out;
}

}  // namespace
}  // namespace kinesys::local::test
