// Test that header file is self-contained.
#include "tenant_keys.hpp"

#include <gtest/gtest.h>

using namespace kinesys::ingest;

namespace {

constexpr char const* three_tenants = R"(
[[tenant]]
name = "demo"
api_key = "d41d8cd98f00b204e9800998ecf8427e"
streams = ["events"]
rate_limit = 20000

[[tenant]]
name = "billing"
api_key = "billing-secret-key"
streams = ["invoices", "payments"]

[[tenant]]
name = "ops"
api_key = "ops-secret-key"
streams = ["*"]
rate_limit = 0.5
)";

std::string refusal(std::string_view toml) {
  tenant_registry r;
  auto added = r.add_toml(toml, "keys.toml");
  EXPECT_FALSE(added);
  return added ? std::string() : added.error().message;
}

}  // namespace

TEST(tenant_keys, reads_every_field_of_the_keys_file_format) {
  tenant_registry r;
  ASSERT_TRUE(r.add_toml(three_tenants, "keys.toml"));
  ASSERT_EQ(r.tenants().size(), 3u);
  auto const& demo = r.tenants()[0];
  EXPECT_EQ(demo.name, "demo");
  EXPECT_EQ(demo.rate_limit, 20000);
  EXPECT_TRUE(demo.allows("events"));
  EXPECT_FALSE(demo.allows("orders"));
  EXPECT_EQ(r.tenants()[1].rate_limit, 0);
  EXPECT_TRUE(r.tenants()[1].allows("payments"));
  EXPECT_TRUE(r.tenants()[2].all_streams);
  EXPECT_TRUE(r.tenants()[2].allows("anything"));
  EXPECT_DOUBLE_EQ(r.tenants()[2].rate_limit, 0.5);
}

TEST(tenant_keys, finds_the_tenant_of_a_key_and_nobody_for_a_near_miss) {
  tenant_registry r;
  ASSERT_TRUE(r.add_toml(three_tenants, "keys.toml"));
  EXPECT_EQ(r.find("d41d8cd98f00b204e9800998ecf8427e"), 0u);
  EXPECT_EQ(r.find("ops-secret-key"), 2u);
  EXPECT_FALSE(r.find("d41d8cd98f00b204e9800998ecf8427f"));
  EXPECT_FALSE(r.find("d41d8cd98f00b204e9800998ecf8427"));
  EXPECT_FALSE(r.find(""));
}

TEST(tenant_keys, keeps_only_a_digest_of_each_key) {
  tenant_registry r;
  ASSERT_TRUE(r.add_toml(three_tenants, "keys.toml"));
  EXPECT_EQ(r.tenants()[1].key, digest_of("billing-secret-key"));
  EXPECT_NE(r.tenants()[1].key, digest_of("billing-secret-kez"));
}

TEST(tenant_keys, reads_the_environment_form) {
  tenant_registry r;
  ASSERT_TRUE(r.add_env("web:key-one:events,clicks:100; batch:key-two:*:0 ;legacy:key-three:audit"));
  ASSERT_EQ(r.tenants().size(), 3u);
  EXPECT_TRUE(r.tenants()[0].allows("clicks"));
  EXPECT_FALSE(r.tenants()[0].allows("audit"));
  EXPECT_EQ(r.tenants()[0].rate_limit, 100);
  EXPECT_TRUE(r.tenants()[1].all_streams);
  EXPECT_EQ(r.tenants()[2].rate_limit, 0);
  EXPECT_EQ(r.find("key-two"), 1u);
}

TEST(tenant_keys, file_and_environment_tenants_add_up_but_may_not_clash) {
  tenant_registry r;
  ASSERT_TRUE(r.add_toml(three_tenants, "keys.toml"));
  ASSERT_TRUE(r.add_env("extra:extra-key:*:0"));
  EXPECT_EQ(r.find("extra-key"), 3u);
  auto same_name = r.add_env("demo:another-key:*:0");
  ASSERT_FALSE(same_name);
  EXPECT_NE(same_name.error().message.find("\"demo\" is defined twice"), std::string::npos);
}

TEST(tenant_keys, a_key_shared_by_two_tenants_is_refused_without_printing_it) {
  tenant_registry r;
  auto added = r.add_env("a:shared-secret-123:*:0;b:shared-secret-123:*:0");
  ASSERT_FALSE(added);
  EXPECT_NE(added.error().message.find("same key as tenant \"a\""), std::string::npos) << added.error().message;
  EXPECT_EQ(added.error().message.find("shared-secret-123"), std::string::npos);
}

TEST(tenant_keys, errors_name_the_file_the_entry_and_the_field) {
  auto missing_key = refusal("[[tenant]]\nname = \"x\"\nstreams = [\"s\"]\n");
  EXPECT_NE(missing_key.find("keys.toml: tenant 1"), std::string::npos) << missing_key;
  EXPECT_NE(missing_key.find("api_key: missing"), std::string::npos) << missing_key;

  auto typo = refusal("[[tenant]]\nname = \"x\"\napi_key = \"k\"\nstreams = [\"s\"]\nratelimit = 5\n");
  EXPECT_NE(typo.find("unknown key \"ratelimit\""), std::string::npos) << typo;

  auto bad_stream = refusal("[[tenant]]\nname = \"x\"\napi_key = \"k\"\nstreams = [\"no spaces\"]\n");
  EXPECT_NE(bad_stream.find("streams: \"no spaces\""), std::string::npos) << bad_stream;

  auto negative = refusal("[[tenant]]\nname = \"x\"\napi_key = \"k\"\nstreams = [\"s\"]\nrate_limit = -1\n");
  EXPECT_NE(negative.find("rate_limit"), std::string::npos) << negative;

  auto bad_name = refusal("[[tenant]]\nname = \"has space\"\napi_key = \"k\"\nstreams = [\"s\"]\n");
  EXPECT_NE(bad_name.find("name:"), std::string::npos) << bad_name;

  auto syntax = refusal("[[tenant]\nname = ");
  EXPECT_NE(syntax.find("TOML syntax error at line 1"), std::string::npos) << syntax;

  auto no_streams = refusal("[[tenant]]\nname = \"x\"\napi_key = \"k\"\nstreams = []\n");
  EXPECT_NE(no_streams.find("streams: empty list"), std::string::npos) << no_streams;

  auto second = refusal(std::string(three_tenants) + "\n[[tenant]]\nname = \"late\"\napi_key = \"late-key\"\n");
  EXPECT_NE(second.find("tenant 4"), std::string::npos) << second;
}

TEST(tenant_keys, environment_errors_name_the_entry_and_never_the_key) {
  tenant_registry r;
  auto fields = r.add_env("ok:key-ok:*:0;broken:secret-value-9");
  ASSERT_FALSE(fields);
  EXPECT_NE(fields.error().message.find("entry 2"), std::string::npos) << fields.error().message;
  EXPECT_EQ(fields.error().message.find("secret-value-9"), std::string::npos);

  tenant_registry r2;
  auto rate = r2.add_env("t:secret-value-9:*:fast");
  ASSERT_FALSE(rate);
  EXPECT_NE(rate.error().message.find("rate: \"fast\""), std::string::npos) << rate.error().message;
  EXPECT_EQ(rate.error().message.find("secret-value-9"), std::string::npos);
}
