// kinesys-ingest with --tls-cert/--tls-key: an authenticated PUT over HTTPS
// reaches the stream, plain HTTP does not, and the flags come in pairs.
#include "ingest_fixture.hpp"
#include "test_certificate.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include <simdjson.h>

using namespace kinesys::ingest::test;
using kinesys::test::test_certificate;
namespace engine = kinesys::engine;

namespace {

constexpr char const* keys_env = "KINESYS_INGEST_API_KEYS=tls:sk-tls-2b3c4d5e6f708192:*:0";
constexpr std::string_view tls_key = "sk-tls-2b3c4d5e6f708192";

std::string field(std::string const& body, char const* name) {
  simdjson::dom::parser parser;
  std::string_view v;
  if (parser.parse(body)[name].get(v)) return {};
  return std::string(v);
}

/// The engine's HTTPS client, trusting only the test certificate.
boost::system::result<engine::http_response> put_over_tls(std::uint16_t port, std::string const& ca_file,
                                                          std::string body) {
  boost::asio::io_context io{1};
  engine::http_client client(io.get_executor(), engine::http_client_options{.ca_file = ca_file});
  engine::http_request req{.method = "PUT",
                           .target = "/stream",
                           .headers = {{"Content-Type", "application/json"}, {"x-api-key", std::string(tls_key)}},
                           .body = std::move(body)};
  engine::endpoint const where{"https", "127.0.0.1", port};  // request() keeps a reference until it completes
  auto f = boost::asio::co_spawn(io, client.request(where, std::move(req)), boost::asio::use_future);
  io.run();
  return f.get();
}

}  // namespace

TEST(ingest_tls, an_authenticated_put_over_https_answers_shard_and_sequence) {
  test_certificate cert;
  local_kinesis kinesis;
  kinesis.create_stream("secure", 1);
  temp_dir dir;
  auto p = start_ingest(kinesis, dir.path,
                        {"--tls-cert", cert.certificate_file(), "--tls-key", cert.private_key_file(), "--set",
                         "RecordMaxBufferedTime=10ms"},
                        {keys_env});
  ASSERT_NE(p.port, 0);
  EXPECT_EQ(p.listening_line, "listening https://127.0.0.1:" + std::to_string(p.port));

  std::string const payload = R"({"device_id": "tls-1", "note": "over https"})";
  auto r = put_over_tls(p.port, cert.certificate_file(), R"({"stream": "secure", "payload": )" + payload + "}");
  ASSERT_TRUE(r) << r.error().message() << "\n" << p.log();
  ASSERT_EQ(r->status, 200u) << r->body;
  EXPECT_EQ(field(r->body, "shard_id").rfind("shardId-", 0), 0u) << r->body;
  EXPECT_FALSE(field(r->body, "sequence_number").empty()) << r->body;
  auto const records = kinesis.records("secure");
  EXPECT_NE(std::find(records.begin(), records.end(), payload), records.end());

  // Plain HTTP on the TLS port gets no answer, and the process serves on.
  EXPECT_EQ(get(p.port, "/health").status, 0);
  auto again = put_over_tls(p.port, cert.certificate_file(), R"({"stream": "secure", "payload": {"device_id": "x"}})");
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(again->status, 200u) << again->body;
}

TEST(ingest_tls, one_tls_flag_without_the_other_exits_2_naming_the_missing_flag) {
  test_certificate cert;
  auto [cert_only_code, cert_only_log] = run_ingest({"--tls-cert", cert.certificate_file()}, {keys_env});
  EXPECT_EQ(cert_only_code, 2) << cert_only_log;
  EXPECT_NE(cert_only_log.find("needs --tls-key"), std::string::npos) << cert_only_log;

  auto [key_only_code, key_only_log] = run_ingest({"--tls-key", cert.private_key_file()}, {keys_env});
  EXPECT_EQ(key_only_code, 2) << key_only_log;
  EXPECT_NE(key_only_log.find("needs --tls-cert"), std::string::npos) << key_only_log;

  auto const missing = (cert.directory() / "missing.pem").string();
  auto [missing_code, missing_log] =
      run_ingest({"--tls-cert", missing, "--tls-key", cert.private_key_file()}, {keys_env});
  EXPECT_EQ(missing_code, 2) << missing_log;
  EXPECT_NE(missing_log.find(missing), std::string::npos) << missing_log;
}

TEST(ingest_tls, a_key_that_does_not_match_the_certificate_exits_2_naming_the_key_file) {
  test_certificate cert, other;
  local_kinesis kinesis;
  auto [code, log] = run_ingest({"--port", "0", "--kinesis-endpoint", kinesis.endpoint(), "--region", "us-east-1",
                                 "--tls-cert", cert.certificate_file(), "--tls-key", other.private_key_file()},
                                {keys_env});
  EXPECT_EQ(code, 2) << log;
  EXPECT_NE(log.find(other.private_key_file()), std::string::npos) << log;
  EXPECT_NE(log.find("does not match"), std::string::npos) << log;
}
