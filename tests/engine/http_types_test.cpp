// Test that header file is self-contained.
#include "kinesys/detail/engine/http_types.hpp"

#include "kinesys/detail/engine/error.hpp"

#include <gtest/gtest.h>

using namespace kinesys::engine;

TEST(endpoint, parses_scheme_host_and_default_ports) {
  auto a = endpoint::parse("https://kinesis.eu-west-1.amazonaws.com");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->scheme, "https");
  EXPECT_EQ(a->host, "kinesis.eu-west-1.amazonaws.com");
  EXPECT_EQ(a->port, 443);
  EXPECT_TRUE(a->tls());
  EXPECT_EQ(a->authority(), "kinesis.eu-west-1.amazonaws.com");

  auto b = endpoint::parse("HTTP://127.0.0.1:4567/");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->scheme, "http");
  EXPECT_EQ(b->port, 4567);
  EXPECT_FALSE(b->tls());
  EXPECT_EQ(b->authority(), "127.0.0.1:4567");
  EXPECT_EQ(b->url(), "http://127.0.0.1:4567");
}

TEST(endpoint, parses_ipv6_literals_and_brackets_them_in_the_authority) {
  auto ep = endpoint::parse("http://[::1]:8000");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->host, "::1");
  EXPECT_EQ(ep->port, 8000);
  EXPECT_EQ(ep->authority(), "[::1]:8000");
}

TEST(endpoint, rejects_malformed_urls_with_bad_url) {
  for (auto url : {"", "localhost:80", "ftp://x", "http://", "http://:80", "http://h:", "http://h:0",
                   "http://h:70000", "http://h:80x", "http://h/path", "http://[::1", "http://u@h"}) {
    auto ep = endpoint::parse(url);
    ASSERT_FALSE(ep) << url;
    EXPECT_EQ(ep.error(), errc::bad_url) << url;
  }
}

TEST(http_response, finds_headers_case_insensitively) {
  http_response r{200, {{"Content-Type", "a"}, {"x-amzn-RequestId", "b"}}, {}};
  EXPECT_EQ(r.header("content-type"), "a");
  EXPECT_EQ(r.header("X-Amzn-RequestID"), "b");
  EXPECT_EQ(r.header("missing"), "");
}

TEST(error, messages_name_the_option_behind_a_limit) {
  EXPECT_NE(make_error_code(errc::response_too_large).message().find("max_response_bytes"), std::string::npos);
  EXPECT_NE(make_error_code(errc::connect_timeout).message().find("connect_timeout"), std::string::npos);
  EXPECT_STREQ(engine_category().name(), "kinesys.engine");
  auto ep = endpoint::parse("https://example.test:8443").value();
  EXPECT_EQ(describe(make_error_code(errc::dns_failure), ep), "host name did not resolve (https://example.test:8443)");
}
