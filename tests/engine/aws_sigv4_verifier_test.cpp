// Test that header file is self-contained.
#include <kinesys/detail/engine/aws/sigv4_verifier.hpp>

#include <kinesys/detail/engine/http_types.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace aws = kinesys::engine::aws;
using kinesys::engine::http_request;
using namespace std::chrono_literals;

namespace {

constexpr char secret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
auto const signing_time = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1} + 12h;

aws::credentials creds(std::string token = {}) { return {"AKIDEXAMPLE", secret, std::move(token), "test"}; }

http_request signed_request(aws::credentials const& c = creds(), std::chrono::system_clock::time_point at = signing_time) {
  http_request r;
  r.headers = {{"Host", "127.0.0.1:4567"},
               {"Content-Type", "application/x-amz-json-1.1"},
               {"X-Amz-Target", "Kinesis_20131202.PutRecords"}};
  r.body = R"({"StreamName":"s","Records":[{"Data":"AAEC","PartitionKey":"k"}]})";
  aws::sigv4_signer signer("us-east-1", "kinesis");
  signer.sign(r, c, at);
  return r;
}

aws::sigv4_verifier verifier(aws::sigv4_verifier::options opts = {}) {
  return aws::sigv4_verifier(
      [](std::string_view key) -> std::optional<std::string> {
        if (key == "AKIDEXAMPLE") return std::string(secret);
        return std::nullopt;
      },
      std::move(opts));
}

void set_header(http_request& r, std::string_view name, std::string value) {
  auto it = std::find_if(r.headers.begin(), r.headers.end(),
                         [&](auto const& h) { return kinesys::engine::iequals(h.name, name); });
  ASSERT_NE(it, r.headers.end()) << name;
  it->value = std::move(value);
}

TEST(sigv4_verifier, accepts_what_the_signer_signed_and_names_the_signer) {
  auto v = verifier();
  auto result = v.verify(signed_request(), signing_time + 30s);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(result->region, "us-east-1");
  EXPECT_EQ(result->service, "kinesis");
  EXPECT_EQ(result->signed_at, aws::unix_seconds(signing_time));
  EXPECT_FALSE(result->has_session_token);
}

TEST(sigv4_verifier, accepts_temporary_credentials_and_reports_the_session_token) {
  auto v = verifier();
  auto result = v.verify(signed_request(creds("session-token")), signing_time);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_TRUE(result->has_session_token);
}

TEST(sigv4_verifier, a_request_without_authorization_is_missing_authentication_token_403) {
  auto v = verifier();
  http_request r = signed_request();
  std::erase_if(r.headers, [](auto const& h) { return h.name == "Authorization"; });
  auto result = v.verify(r, signing_time);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().reason, aws::auth_failure::missing_authentication_token);
  EXPECT_EQ(result.error().aws_code(), "MissingAuthenticationTokenException");
  EXPECT_EQ(result.error().http_status(), 403u);
}

struct malformed_case {
  char const* authorization;
  char const* message_part;
};

class malformed_authorization : public testing::TestWithParam<malformed_case> {};

TEST_P(malformed_authorization, is_an_incomplete_signature_that_says_what_is_wrong) {
  auto v = verifier();
  http_request r = signed_request();
  set_header(r, "Authorization", GetParam().authorization);
  auto result = v.verify(r, signing_time);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().aws_code(), "IncompleteSignatureException");
  EXPECT_EQ(result.error().http_status(), 400u);
  EXPECT_NE(result.error().message.find(GetParam().message_part), std::string::npos) << result.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    cases, malformed_authorization,
    testing::Values(
        malformed_case{"Basic dXNlcjpwYXNz", "algorithm"},
        malformed_case{"AWS4-HMAC-SHA256", "Credential"},
        malformed_case{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240501/us-east-1/kinesis/aws4_request, "
                       "SignedHeaders=host;x-amz-date",
                       "'Signature'"},
        malformed_case{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240501/us-east-1/aws4_request, "
                       "SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000",
                       "5 '/'-separated parts"},
        malformed_case{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240501/us-east-1/kinesis/aws5_request, "
                       "SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000",
                       "terminator"},
        malformed_case{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2024-05-1/us-east-1/kinesis/aws4_request, "
                       "SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000",
                       "YYYYMMDD"},
        malformed_case{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240501/us-east-1/kinesis/aws4_request, "
                       "SignedHeaders=host;x-amz-date, Signature=XYZ",
                       "64 lowercase hexadecimal"},
        malformed_case{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240501/us-east-1/kinesis/aws4_request, "
                       "SignedHeaders=x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000",
                       "'Host'"},
        malformed_case{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240501/us-east-1/kinesis/aws4_request, Oops, "
                       "SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000",
                       "key=value"}));

TEST(sigv4_verifier, an_unknown_access_key_is_an_unrecognized_client) {
  auto v = verifier();
  aws::credentials other = creds();
  other.access_key_id = "AKIDUNKNOWN";
  auto result = v.verify(signed_request(other), signing_time);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().aws_code(), "UnrecognizedClientException");
}

TEST(sigv4_verifier, a_wrong_secret_is_an_invalid_signature_that_does_not_echo_any_secret) {
  auto v = verifier();
  aws::credentials wrong = creds();
  wrong.secret_access_key = "not-the-secret";
  auto result = v.verify(signed_request(wrong), signing_time);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().reason, aws::auth_failure::signature_mismatch);
  EXPECT_EQ(result.error().aws_code(), "InvalidSignatureException");
  EXPECT_EQ(result.error().message.find(secret), std::string::npos);
  EXPECT_EQ(result.error().message.find("not-the-secret"), std::string::npos);
}

TEST(sigv4_verifier, a_body_changed_after_signing_is_rejected) {
  auto v = verifier();
  http_request r = signed_request();
  r.body.back() = ' ';
  auto result = v.verify(r, signing_time);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().reason, aws::auth_failure::signature_mismatch);
}

TEST(sigv4_verifier, a_signed_header_changed_after_signing_is_rejected) {
  auto v = verifier();
  http_request r = signed_request();
  set_header(r, "X-Amz-Target", "Kinesis_20131202.DeleteStream");
  auto result = v.verify(r, signing_time);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().reason, aws::auth_failure::signature_mismatch);
}

TEST(sigv4_verifier, an_unsigned_header_may_change_without_breaking_the_signature) {
  auto v = verifier();
  http_request r = signed_request();
  r.headers.push_back({"User-Agent", "added-by-a-proxy"});
  EXPECT_TRUE(v.verify(r, signing_time).has_value());
}

TEST(sigv4_verifier, a_signature_older_than_five_minutes_has_expired) {
  auto v = verifier();
  auto ok = v.verify(signed_request(), signing_time + 4min + 59s);
  EXPECT_TRUE(ok.has_value());
  auto result = v.verify(signed_request(), signing_time + 5min + 1s);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().reason, aws::auth_failure::signature_expired);
  EXPECT_EQ(result.error().aws_code(), "InvalidSignatureException");
  EXPECT_NE(result.error().message.find("Signature expired: 20240501T120000Z is now earlier than 20240501T120001Z"),
            std::string::npos)
      << result.error().message;
}

TEST(sigv4_verifier, a_signature_from_more_than_five_minutes_in_the_future_is_not_yet_current) {
  auto v = verifier();
  auto result = v.verify(signed_request(), signing_time - 6min);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().reason, aws::auth_failure::signature_expired);
  EXPECT_NE(result.error().message.find("not yet current"), std::string::npos);
}

TEST(sigv4_verifier, the_allowed_skew_is_configurable) {
  aws::sigv4_verifier::options opts;
  opts.max_skew = 60s;
  auto v = verifier(opts);
  EXPECT_FALSE(v.verify(signed_request(), signing_time + 61s).has_value());
}

TEST(sigv4_verifier, a_missing_or_malformed_x_amz_date_is_an_incomplete_signature) {
  auto v = verifier();
  http_request r = signed_request();
  set_header(r, "X-Amz-Date", "2024-05-01T12:00:00Z");
  auto malformed = v.verify(r, signing_time);
  ASSERT_FALSE(malformed.has_value());
  EXPECT_EQ(malformed.error().reason, aws::auth_failure::incomplete_signature);
  std::erase_if(r.headers, [](auto const& h) { return h.name == "X-Amz-Date"; });
  auto missing = v.verify(r, signing_time);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().reason, aws::auth_failure::incomplete_signature);
  EXPECT_NE(missing.error().message.find("X-Amz-Date"), std::string::npos);
}

TEST(sigv4_verifier, a_scope_date_that_disagrees_with_x_amz_date_is_rejected) {
  auto v = verifier();
  http_request r = signed_request();
  set_header(r, "X-Amz-Date", "20240502T120000Z");
  auto result = v.verify(r, signing_time + 24h);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().reason, aws::auth_failure::signature_mismatch);
  EXPECT_NE(result.error().message.find("Credential scope"), std::string::npos);
}

TEST(sigv4_verifier, a_required_region_rejects_other_scopes) {
  aws::sigv4_verifier::options opts;
  opts.region = "eu-west-1";
  auto v = verifier(opts);
  auto result = v.verify(signed_request(), signing_time);
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("eu-west-1"), std::string::npos);
}

TEST(parse_authorization, splits_the_components_of_a_well_formed_header) {
  auto parsed = aws::parse_authorization(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
      "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(parsed->date, "20150830");
  EXPECT_EQ(parsed->region, "us-east-1");
  EXPECT_EQ(parsed->service, "service");
  EXPECT_EQ(parsed->signed_headers, "host;x-amz-date");
  EXPECT_EQ(parsed->signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

}  // namespace
