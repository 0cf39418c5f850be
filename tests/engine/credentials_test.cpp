// Test that header file is self-contained.
#include <kinesys/detail/engine/aws/config.hpp>

#include <kinesys/detail/engine/aws/credentials.hpp>
#include <kinesys/detail/engine/aws/error.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace aws = kinesys::engine::aws;
namespace fs = std::filesystem;

namespace {

constexpr char secret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

// A throwaway HOME with an .aws folder; variables are passed as a map, so
// nothing leaks into (or from) the test process's environment.
class credential_chain : public testing::Test {
protected:
  void SetUp() override {
    home_ = fs::temp_directory_path() /
            ("kinesys-creds-" + std::to_string(::getpid()) + "-" +
             testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(home_);
    fs::create_directories(home_ / ".aws");
    vars_["HOME"] = home_.string();
  }
  void TearDown() override { fs::remove_all(home_); }

  void write(fs::path const& relative, std::string const& text) {
    fs::create_directories((home_ / relative).parent_path());
    std::ofstream(home_ / relative, std::ios::binary) << text;
  }
  aws::environment env() const { return aws::environment::from_map(vars_); }

  fs::path home_;
  std::map<std::string, std::string, std::less<>> vars_;
};

TEST_F(credential_chain, environment_variables_come_first) {
  write(".aws/credentials", "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = filesecret\n");
  vars_["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  vars_["AWS_SECRET_ACCESS_KEY"] = secret;
  vars_["AWS_SESSION_TOKEN"] = "envtoken";
  auto creds = aws::resolve_credentials(env());
  ASSERT_TRUE(creds.has_value()) << creds.error().message;
  EXPECT_EQ(creds->access_key_id, "ENVKEY");
  EXPECT_EQ(creds->secret_access_key, secret);
  EXPECT_EQ(creds->session_token, "envtoken");
  EXPECT_EQ(creds->source, "environment");
}

TEST_F(credential_chain, an_access_key_without_its_secret_is_an_error_not_a_fallback) {
  write(".aws/credentials", "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = filesecret\n");
  vars_["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  auto creds = aws::resolve_credentials(env());
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().code, aws::errc::incomplete_credentials);
  EXPECT_NE(creds.error().message.find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
}

TEST_F(credential_chain, empty_variables_count_as_unset) {
  write(".aws/credentials", "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = filesecret\n");
  vars_["AWS_ACCESS_KEY_ID"] = "";
  vars_["AWS_SECRET_ACCESS_KEY"] = "";
  auto creds = aws::resolve_credentials(env());
  ASSERT_TRUE(creds.has_value()) << creds.error().message;
  EXPECT_EQ(creds->access_key_id, "FILEKEY");
}

TEST_F(credential_chain, the_default_profile_of_the_shared_credentials_file_is_read) {
  write(".aws/credentials",
        "# a comment\r\n[default]\r\naws_access_key_id=FILEKEY\r\n  aws_secret_access_key =  " + std::string(secret) +
            "  \r\n; another comment\r\naws_session_token = filetoken\r\n");
  auto creds = aws::resolve_credentials(env());
  ASSERT_TRUE(creds.has_value()) << creds.error().message;
  EXPECT_EQ(creds->access_key_id, "FILEKEY");
  EXPECT_EQ(creds->secret_access_key, secret);
  EXPECT_EQ(creds->session_token, "filetoken");
  EXPECT_NE(creds->source.find((home_ / ".aws/credentials").string()), std::string::npos);
  EXPECT_NE(creds->source.find("default"), std::string::npos);
}

TEST_F(credential_chain, aws_profile_selects_a_named_profile_in_both_files) {
  write(".aws/credentials",
        "[default]\naws_access_key_id = DEFKEY\naws_secret_access_key = d\n"
        "[dev]\naws_access_key_id = DEVKEY\naws_secret_access_key = devsecret\n");
  write(".aws/config", "[default]\nregion = us-east-1\n[profile dev]\nregion = eu-central-1\n");
  vars_["AWS_PROFILE"] = "dev";
  auto creds = aws::resolve_credentials(env());
  ASSERT_TRUE(creds.has_value()) << creds.error().message;
  EXPECT_EQ(creds->access_key_id, "DEVKEY");
  auto region = aws::resolve_region(env());
  ASSERT_TRUE(region.has_value()) << region.error().message;
  EXPECT_EQ(*region, "eu-central-1");
}

TEST_F(credential_chain, keys_in_the_config_file_are_used_when_the_credentials_file_has_none) {
  write(".aws/config", "[profile ci]\naws_access_key_id = CFGKEY\naws_secret_access_key = cfgsecret\n");
  vars_["AWS_PROFILE"] = "ci";
  auto creds = aws::resolve_credentials(env());
  ASSERT_TRUE(creds.has_value()) << creds.error().message;
  EXPECT_EQ(creds->access_key_id, "CFGKEY");
}

TEST_F(credential_chain, the_credentials_file_wins_over_the_config_file) {
  write(".aws/config", "[default]\naws_access_key_id = CFGKEY\naws_secret_access_key = cfgsecret\n");
  write(".aws/credentials", "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = filesecret\n");
  auto creds = aws::resolve_credentials(env());
  ASSERT_TRUE(creds.has_value()) << creds.error().message;
  EXPECT_EQ(creds->access_key_id, "FILEKEY");
}

TEST_F(credential_chain, file_locations_follow_the_variables_with_tilde_expansion) {
  write("elsewhere/creds", "[default]\naws_access_key_id = MOVEDKEY\naws_secret_access_key = s\n");
  write("elsewhere/conf", "[default]\nregion = ap-south-1\n");
  write(".aws/credentials", "[default]\naws_access_key_id = HOMEKEY\naws_secret_access_key = s\n");
  vars_["AWS_SHARED_CREDENTIALS_FILE"] = "~/elsewhere/creds";
  vars_["AWS_CONFIG_FILE"] = (home_ / "elsewhere/conf").string();
  auto creds = aws::resolve_credentials(env());
  ASSERT_TRUE(creds.has_value()) << creds.error().message;
  EXPECT_EQ(creds->access_key_id, "MOVEDKEY");
  auto region = aws::resolve_region(env());
  ASSERT_TRUE(region.has_value());
  EXPECT_EQ(*region, "ap-south-1");
}

TEST_F(credential_chain, a_named_profile_that_no_file_defines_is_an_error_naming_it) {
  write(".aws/credentials", "[default]\naws_access_key_id = K\naws_secret_access_key = s\n");
  vars_["AWS_PROFILE"] = "missing";
  auto creds = aws::resolve_credentials(env());
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().code, aws::errc::profile_not_found);
  EXPECT_NE(creds.error().message.find("'missing'"), std::string::npos);
}

TEST_F(credential_chain, role_assumption_profiles_are_refused_with_the_reason) {
  write(".aws/config", "[profile admin]\nrole_arn = arn:aws:iam::123:role/x\nsource_profile = default\n");
  vars_["AWS_PROFILE"] = "admin";
  auto creds = aws::resolve_credentials(env());
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().code, aws::errc::unsupported_profile);
  EXPECT_NE(creds.error().message.find("role_arn"), std::string::npos);
}

TEST_F(credential_chain, no_source_at_all_is_no_credentials) {
  auto creds = aws::resolve_credentials(env());
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().code, aws::errc::no_credentials);
  EXPECT_NE(creds.error().message.find("AWS_ACCESS_KEY_ID"), std::string::npos);
}

TEST_F(credential_chain, a_profile_with_half_a_key_pair_is_an_error_that_keeps_the_secret_out) {
  write(".aws/credentials", std::string("[default]\naws_secret_access_key = ") + secret + "\n");
  auto creds = aws::resolve_credentials(env());
  ASSERT_FALSE(creds.has_value());
  EXPECT_EQ(creds.error().code, aws::errc::incomplete_credentials);
  EXPECT_EQ(creds.error().message.find(secret), std::string::npos);
}

TEST_F(credential_chain, region_prefers_aws_region_then_aws_default_region_then_the_profile) {
  write(".aws/config", "[default]\nregion = from-file\n");
  vars_["AWS_DEFAULT_REGION"] = "from-default";
  vars_["AWS_REGION"] = "from-region";
  EXPECT_EQ(aws::resolve_region(env()).value(), "from-region");
  vars_.erase("AWS_REGION");
  EXPECT_EQ(aws::resolve_region(env()).value(), "from-default");
  vars_.erase("AWS_DEFAULT_REGION");
  EXPECT_EQ(aws::resolve_region(env()).value(), "from-file");
}

TEST_F(credential_chain, no_region_anywhere_is_an_error_that_says_what_to_set) {
  auto region = aws::resolve_region(env());
  ASSERT_FALSE(region.has_value());
  EXPECT_EQ(region.error().code, aws::errc::no_region);
  EXPECT_NE(region.error().message.find("AWS_REGION"), std::string::npos);
}

TEST(credentials_redaction, printing_credentials_shows_the_key_id_but_never_the_secret_or_token) {
  aws::credentials const c{"AKIDEXAMPLE", secret, "SESSIONTOKENVALUE", "environment"};
  std::ostringstream os;
  os << c;
  EXPECT_NE(os.str().find("AKIDEXAMPLE"), std::string::npos);
  EXPECT_EQ(os.str().find(secret), std::string::npos);
  EXPECT_EQ(os.str().find("SESSIONTOKENVALUE"), std::string::npos);
  EXPECT_NE(os.str().find("<redacted>"), std::string::npos);
  EXPECT_EQ(aws::describe(c), os.str());
}

TEST(credentials_redaction, a_resolved_configuration_prints_without_secrets) {
  auto env = aws::environment::from_map({{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                                         {"AWS_SECRET_ACCESS_KEY", secret},
                                         {"AWS_SESSION_TOKEN", "SESSIONTOKENVALUE"},
                                         {"AWS_REGION", "eu-west-1"}});
  auto config = aws::resolve_aws_config(env);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  std::ostringstream os;
  os << *config;
  EXPECT_EQ(os.str().find(secret), std::string::npos);
  EXPECT_EQ(os.str().find("SESSIONTOKENVALUE"), std::string::npos);
  EXPECT_NE(os.str().find("eu-west-1"), std::string::npos);
}

TEST(process_environment, reads_the_variables_of_the_running_process) {
  ::setenv("KINESYS_CREDENTIALS_TEST_VARIABLE", "present", 1);
  auto const env = aws::environment::process();
  EXPECT_EQ(env.get("KINESYS_CREDENTIALS_TEST_VARIABLE"), std::optional<std::string>("present"));
  ::unsetenv("KINESYS_CREDENTIALS_TEST_VARIABLE");
  EXPECT_EQ(env.get("KINESYS_CREDENTIALS_TEST_VARIABLE"), std::nullopt);
}

}  // namespace
