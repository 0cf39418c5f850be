// Test that header file is self-contained.
#include <kinesys/detail/engine/aws/sigv4.hpp>

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace aws = kinesys::engine::aws;
namespace fs = std::filesystem;

namespace {

// The request shape the signer's template expects, so the suite runs
// without the HTTP layer.
struct header {
  std::string name, value;
};
struct request {
  std::string method;
  std::string target;
  std::vector<header> headers;
  std::string body;
};

fs::path suite_dir() { return fs::path(KINESYS_TEST_DATA_DIR) / "aws-signing-test-suite" / "v4"; }

std::string read_file(fs::path const& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string without_final_newline(std::string s) {
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

// request.txt: "METHOD target HTTP/1.1", header lines (a line starting with
// whitespace continues the previous header), a blank line, the body.
request parse_request(std::string const& text) {
  request r;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  std::size_t const first_space = line.find(' ');
  std::size_t const version = line.rfind(" HTTP/");
  r.method = line.substr(0, first_space);
  r.target = line.substr(first_space + 1, version - first_space - 1);
  while (std::getline(in, line)) {
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') {
      r.headers.back().value += "\n" + line;
      continue;
    }
    std::size_t const colon = line.find(':');
    r.headers.push_back({line.substr(0, colon), line.substr(colon + 1)});
  }
  std::ostringstream body;
  body << in.rdbuf();
  r.body = body.str();
  return r;
}

struct suite_case {
  std::string name;
  aws::credentials creds;
  std::string region, service;
  aws::sigv4_options options;
  std::chrono::system_clock::time_point time;
  std::chrono::seconds expires{0};
};

std::chrono::system_clock::time_point parse_iso_time(std::string_view t) {
  // "2015-08-30T12:36:00Z"
  using namespace std::chrono;
  auto num = [&](std::size_t pos, std::size_t len) { return std::stoi(std::string(t.substr(pos, len))); };
  year_month_day const ymd{year{num(0, 4)}, month{static_cast<unsigned>(num(5, 2))}, day{static_cast<unsigned>(num(8, 2))}};
  return sys_days{ymd} + hours{num(11, 2)} + minutes{num(14, 2)} + seconds{num(17, 2)};
}

suite_case load_case(std::string const& name) {
  simdjson::dom::parser parser;
  simdjson::padded_string json(read_file(suite_dir() / name / "context.json"));
  simdjson::dom::element ctx = parser.parse(json);
  suite_case c;
  c.name = name;
  c.creds.access_key_id = std::string(ctx["credentials"]["access_key_id"].get_string().value());
  c.creds.secret_access_key = std::string(ctx["credentials"]["secret_access_key"].get_string().value());
  std::string_view token;
  if (ctx["credentials"]["token"].get(token) == simdjson::SUCCESS) c.creds.session_token = std::string(token);
  c.region = std::string(ctx["region"].get_string().value());
  c.service = std::string(ctx["service"].get_string().value());
  c.options.normalize_path = ctx["normalize"].get_bool().value();
  c.options.content_sha256_header = ctx["sign_body"].get_bool().value();
  bool omit = false;
  if (ctx["omit_session_token"].get(omit) == simdjson::SUCCESS) c.options.sign_session_token = !omit;
  c.time = parse_iso_time(ctx["timestamp"].get_string().value());
  c.expires = std::chrono::seconds(ctx["expiration_in_seconds"].get_int64().value());
  return c;
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (auto const& entry : fs::directory_iterator(suite_dir()))
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::pair<std::string, std::string>> header_set(request const& r) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto const& h : r.headers) out.emplace_back(lower(h.name), h.value);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> query_params(std::string const& target) {
  std::vector<std::string> out;
  std::size_t const q = target.find('?');
  if (q == std::string::npos) return out;
  std::istringstream in(target.substr(q + 1));
  std::string part;
  while (std::getline(in, part, '&')) out.push_back(part);
  std::sort(out.begin(), out.end());
  return out;
}

class aws_signing_suite : public testing::TestWithParam<std::string> {};

TEST_P(aws_signing_suite, header_signature_matches_canonical_request_string_to_sign_and_signed_request) {
  suite_case const c = load_case(GetParam());
  fs::path const dir = suite_dir() / c.name;
  request r = parse_request(read_file(dir / "request.txt"));
  aws::sigv4_signer signer(c.region, c.service, c.options);

  aws::sigv4_trace const trace = signer.sign(r, c.creds, c.time);

  EXPECT_EQ(trace.canonical_request, without_final_newline(read_file(dir / "header-canonical-request.txt")));
  EXPECT_EQ(trace.string_to_sign, without_final_newline(read_file(dir / "header-string-to-sign.txt")));
  EXPECT_EQ(trace.signature, without_final_newline(read_file(dir / "header-signature.txt")));
  request const expected = parse_request(read_file(dir / "header-signed-request.txt"));
  EXPECT_EQ(header_set(r), header_set(expected));
  EXPECT_EQ(r.target, expected.target);
  EXPECT_EQ(r.body, expected.body);
}

TEST_P(aws_signing_suite, query_signature_matches_canonical_request_string_to_sign_and_presigned_url) {
  suite_case const c = load_case(GetParam());
  fs::path const dir = suite_dir() / c.name;
  request r = parse_request(read_file(dir / "request.txt"));
  aws::sigv4_signer signer(c.region, c.service, c.options);

  aws::sigv4_trace const trace = signer.presign(r, c.creds, c.time, c.expires);

  EXPECT_EQ(trace.canonical_request, without_final_newline(read_file(dir / "query-canonical-request.txt")));
  EXPECT_EQ(trace.string_to_sign, without_final_newline(read_file(dir / "query-string-to-sign.txt")));
  EXPECT_EQ(trace.signature, without_final_newline(read_file(dir / "query-signature.txt")));
  request const expected = parse_request(read_file(dir / "query-signed-request.txt"));
  EXPECT_EQ(query_params(r.target), query_params(expected.target));
  EXPECT_EQ(r.target.substr(0, r.target.find('?')), expected.target.substr(0, expected.target.find('?')));
}

INSTANTIATE_TEST_SUITE_P(v4, aws_signing_suite, testing::ValuesIn(case_names()),
                         [](testing::TestParamInfo<std::string> const& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(aws_signing_suite_inventory, the_suite_directory_holds_every_case) {
  // A missing data directory must not pass as "zero cases, zero failures".
  EXPECT_GE(case_names().size(), 38u);
}

// --- behaviour beyond the suite ------------------------------------------------

request kinesis_request() {
  request r;
  r.method = "POST";
  r.target = "/";
  r.headers = {{"Host", "kinesis.eu-west-1.amazonaws.com"},
               {"Content-Type", "application/x-amz-json-1.1"},
               {"X-Amz-Target", "Kinesis_20131202.PutRecords"},
               {"User-Agent", "kinesys/0.1"}};
  r.body = R"({"StreamName":"s","Records":[]})";
  return r;
}

aws::credentials example_credentials() {
  return {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", "test"};
}

std::size_t count_headers(request const& r, std::string const& name) {
  return static_cast<std::size_t>(
      std::count_if(r.headers.begin(), r.headers.end(), [&](header const& h) { return lower(h.name) == lower(name); }));
}

TEST(sigv4_signer, signing_again_replaces_the_date_and_authorization_instead_of_adding_more) {
  aws::sigv4_signer signer("eu-west-1", "kinesis");
  request r = kinesis_request();
  auto const t0 = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1};
  signer.sign(r, example_credentials(), t0);
  signer.sign(r, example_credentials(), t0 + std::chrono::seconds(90));
  EXPECT_EQ(count_headers(r, "authorization"), 1u);
  EXPECT_EQ(count_headers(r, "x-amz-date"), 1u);
  auto date = std::find_if(r.headers.begin(), r.headers.end(), [](header const& h) { return h.name == "X-Amz-Date"; });
  ASSERT_NE(date, r.headers.end());
  EXPECT_EQ(date->value, "20240501T000130Z");
}

TEST(sigv4_signer, user_agent_is_sent_but_not_signed) {
  aws::sigv4_signer signer("eu-west-1", "kinesis");
  request r = kinesis_request();
  auto const trace = signer.sign(r, example_credentials(), std::chrono::sys_days{std::chrono::year{2024} / 5 / 1});
  EXPECT_EQ(trace.canonical_request.find("user-agent"), std::string_view::npos);
  EXPECT_NE(trace.canonical_request.find("x-amz-target:Kinesis_20131202.PutRecords\n"), std::string_view::npos);
  EXPECT_EQ(count_headers(r, "user-agent"), 1u);
}

TEST(sigv4_signer, session_token_is_sent_and_signed) {
  aws::sigv4_signer signer("eu-west-1", "dynamodb");
  request r = kinesis_request();
  aws::credentials creds = example_credentials();
  creds.session_token = "token-value";
  auto const trace = signer.sign(r, creds, std::chrono::sys_days{std::chrono::year{2024} / 5 / 1});
  EXPECT_NE(trace.canonical_request.find("x-amz-security-token:token-value\n"), std::string_view::npos);
  EXPECT_EQ(count_headers(r, "x-amz-security-token"), 1u);
}

TEST(sigv4_signer, the_scope_follows_the_date_across_midnight) {
  // The derived key is cached per date; a new day must produce a new scope
  // and a signature that differs from the cached day's.
  aws::sigv4_signer signer("eu-west-1", "kinesis");
  request a = kinesis_request();
  request b = kinesis_request();
  auto const midnight = std::chrono::sys_days{std::chrono::year{2024} / 5 / 2};
  std::string const sig_a(signer.sign(a, example_credentials(), midnight - std::chrono::seconds(1)).signature);
  auto const trace_b = signer.sign(b, example_credentials(), midnight);
  EXPECT_NE(sig_a, trace_b.signature);
  EXPECT_NE(trace_b.string_to_sign.find("20240502/eu-west-1/kinesis/aws4_request"), std::string_view::npos);

  // And a fresh signer (no cache) agrees with the cached one.
  aws::sigv4_signer fresh("eu-west-1", "kinesis");
  request c = kinesis_request();
  EXPECT_EQ(fresh.sign(c, example_credentials(), midnight).signature, std::string(trace_b.signature));
}

TEST(sigv4_signer, a_request_without_host_is_a_programming_error) {
  aws::sigv4_signer signer("eu-west-1", "kinesis");
  request r = kinesis_request();
  r.headers.erase(r.headers.begin());
  EXPECT_THROW(signer.sign(r, example_credentials(), std::chrono::system_clock::now()), std::invalid_argument);
}

TEST(sigv4_signer, secrets_never_appear_in_the_signed_request_or_the_trace) {
  aws::sigv4_signer signer("eu-west-1", "kinesis");
  request r = kinesis_request();
  auto const creds = example_credentials();
  auto const trace = signer.sign(r, creds, std::chrono::system_clock::now());
  for (auto const& h : r.headers) EXPECT_EQ(h.value.find(creds.secret_access_key), std::string::npos) << h.name;
  EXPECT_EQ(trace.canonical_request.find(creds.secret_access_key), std::string_view::npos);
  EXPECT_EQ(trace.string_to_sign.find(creds.secret_access_key), std::string_view::npos);
}

}  // namespace
