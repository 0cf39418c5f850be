// Test that header file is self-contained.
#include <kinesys/detail/engine/aws/config.hpp>

#include <kinesys/detail/engine/aws/error.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace aws = kinesys::engine::aws;
namespace fs = std::filesystem;

namespace {

class endpoint_resolution : public testing::Test {
protected:
  void SetUp() override {
    home_ = fs::temp_directory_path() /
            ("kinesys-endpoints-" + std::to_string(::getpid()) + "-" +
             testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(home_);
    fs::create_directories(home_ / ".aws");
    vars_["HOME"] = home_.string();
  }
  void TearDown() override { fs::remove_all(home_); }

  void write_config(std::string const& text) { std::ofstream(home_ / ".aws/config") << text; }

  kinesys::engine::endpoint resolve(aws::aws_service service, std::string const& region = "eu-west-1") {
    auto env = aws::environment::from_map(vars_);
    auto profile = aws::load_shared_profile(env);
    EXPECT_TRUE(profile.has_value());
    auto ep = aws::resolve_endpoint(service, region, env, *profile);
    EXPECT_TRUE(ep.has_value()) << ep.error().message;
    return ep.has_value() ? *ep : kinesys::engine::endpoint{};
  }

  aws::config_error resolve_error(aws::aws_service service) {
    auto env = aws::environment::from_map(vars_);
    auto profile = aws::load_shared_profile(env);
    auto ep = aws::resolve_endpoint(service, "eu-west-1", env, *profile);
    EXPECT_FALSE(ep.has_value());
    return ep.has_value() ? aws::config_error{} : ep.error();
  }

  fs::path home_;
  std::map<std::string, std::string, std::less<>> vars_;
};

TEST_F(endpoint_resolution, without_configuration_the_regional_aws_endpoints_are_used) {
  auto const kinesis = resolve(aws::aws_service::kinesis);
  EXPECT_EQ(kinesis.scheme, "https");
  EXPECT_EQ(kinesis.host, "kinesis.eu-west-1.amazonaws.com");
  EXPECT_EQ(kinesis.port, 443);
  EXPECT_EQ(resolve(aws::aws_service::dynamodb).host, "dynamodb.eu-west-1.amazonaws.com");
}

TEST_F(endpoint_resolution, china_regions_use_the_amazonaws_com_cn_domain) {
  EXPECT_EQ(resolve(aws::aws_service::kinesis, "cn-north-1").host, "kinesis.cn-north-1.amazonaws.com.cn");
}

TEST_F(endpoint_resolution, aws_endpoint_url_points_every_service_at_one_place) {
  vars_["AWS_ENDPOINT_URL"] = "http://127.0.0.1:4566";
  for (auto service : {aws::aws_service::kinesis, aws::aws_service::dynamodb}) {
    auto const ep = resolve(service);
    EXPECT_EQ(ep.scheme, "http");
    EXPECT_EQ(ep.host, "127.0.0.1");
    EXPECT_EQ(ep.port, 4566);
  }
}

TEST_F(endpoint_resolution, service_specific_variables_win_over_aws_endpoint_url) {
  vars_["AWS_ENDPOINT_URL"] = "http://127.0.0.1:4566";
  vars_["AWS_ENDPOINT_URL_KINESIS"] = "http://localhost:4567/";
  vars_["AWS_ENDPOINT_URL_DYNAMODB"] = "https://ddb.example.test:8443";
  auto const kinesis = resolve(aws::aws_service::kinesis);
  EXPECT_EQ(kinesis.host, "localhost");
  EXPECT_EQ(kinesis.port, 4567);
  auto const dynamodb = resolve(aws::aws_service::dynamodb);
  EXPECT_EQ(dynamodb.host, "ddb.example.test");
  EXPECT_EQ(dynamodb.port, 8443);
  EXPECT_TRUE(dynamodb.tls());
}

TEST_F(endpoint_resolution, the_config_file_services_section_and_profile_endpoint_url_are_read) {
  write_config(
      "[default]\n"
      "endpoint_url = http://127.0.0.1:9000\n"
      "services = local\n"
      "[services local]\n"
      "kinesis =\n"
      "  endpoint_url = http://127.0.0.1:9001\n");
  EXPECT_EQ(resolve(aws::aws_service::kinesis).port, 9001);   // services section
  EXPECT_EQ(resolve(aws::aws_service::dynamodb).port, 9000);  // profile-wide endpoint_url
  vars_["AWS_ENDPOINT_URL_DYNAMODB"] = "http://127.0.0.1:9002";
  EXPECT_EQ(resolve(aws::aws_service::dynamodb).port, 9002);  // the environment still wins
}

TEST_F(endpoint_resolution, ignore_configured_endpoint_urls_restores_the_aws_endpoints) {
  vars_["AWS_ENDPOINT_URL"] = "http://127.0.0.1:4566";
  vars_["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true";
  EXPECT_EQ(resolve(aws::aws_service::kinesis).host, "kinesis.eu-west-1.amazonaws.com");
}

TEST_F(endpoint_resolution, a_malformed_url_is_refused_naming_the_variable) {
  vars_["AWS_ENDPOINT_URL_KINESIS"] = "htp:/nowhere";
  auto const error = resolve_error(aws::aws_service::kinesis);
  EXPECT_EQ(error.code, aws::errc::invalid_endpoint_url);
  EXPECT_NE(error.message.find("AWS_ENDPOINT_URL_KINESIS"), std::string::npos);
}

TEST_F(endpoint_resolution, a_url_with_a_path_is_refused_since_the_json_protocols_post_to_slash) {
  vars_["AWS_ENDPOINT_URL_DYNAMODB"] = "http://127.0.0.1:8000/prefix";
  EXPECT_EQ(resolve_error(aws::aws_service::dynamodb).code, aws::errc::invalid_endpoint_url);
}

TEST_F(endpoint_resolution, the_whole_configuration_resolves_in_one_call) {
  vars_["AWS_ACCESS_KEY_ID"] = "AKID";
  vars_["AWS_SECRET_ACCESS_KEY"] = "secret";
  vars_["AWS_REGION"] = "us-west-2";
  vars_["AWS_ENDPOINT_URL_KINESIS"] = "http://127.0.0.1:4567";
  auto config = aws::resolve_aws_config(aws::environment::from_map(vars_));
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->region, "us-west-2");
  EXPECT_EQ(config->profile, "default");
  EXPECT_EQ(config->kinesis.port, 4567);
  EXPECT_EQ(config->dynamodb.host, "dynamodb.us-west-2.amazonaws.com");
  EXPECT_EQ(config->creds.access_key_id, "AKID");
}

TEST_F(endpoint_resolution, value_on_a_failed_resolution_throws_with_the_message) {
  auto config = aws::resolve_aws_config(aws::environment::from_map(vars_));
  ASSERT_FALSE(config.has_value());
  try {
    (void)config.value();
    FAIL() << "value() did not throw";
  } catch (boost::system::system_error const& e) {
    EXPECT_NE(std::string(e.what()).find("AWS_ACCESS_KEY_ID"), std::string::npos);
  }
}

}  // namespace
