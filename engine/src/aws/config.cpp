#include <kinesys/detail/engine/aws/config.hpp>

#include <kinesys/detail/engine/aws/error.hpp>

#include "aws/ini_file.hpp"

#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>

#include <cstdlib>
#include <ostream>
#include <sstream>

namespace kinesys::engine::aws {
namespace {

config_error fail(errc code, std::string message) { return {make_error_code(code), std::move(message)}; }

std::string expand_home(std::string path, environment const& env) {
  if (path == "~" || path.starts_with("~/")) {
    if (auto home = env.get("HOME")) return *home + path.substr(1);
  }
  return path;
}

std::string file_path(environment const& env, std::string_view variable, std::string_view default_leaf) {
  if (auto path = env.get(variable)) return expand_home(*path, env);
  if (auto home = env.get("HOME")) return *home + "/.aws/" + std::string(default_leaf);
  return {};
}

std::optional<std::string> profile_value(shared_profile const& profile, std::string_view key) {
  if (auto it = profile.values.find(key); it != profile.values.end() && !it->second.empty()) return it->second;
  return std::nullopt;
}

bool is_true(std::optional<std::string> const& value) {
  if (!value) return false;
  std::string v = *value;
  for (char& c : v)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return v == "true";
}

config_result<endpoint> checked_url(std::string_view url, std::string_view origin) {
  auto parsed = endpoint::parse(url);
  if (!parsed)
    return fail(errc::invalid_endpoint_url, std::string(origin) + " is not a usable endpoint URL ('" + std::string(url) +
                                                "'): " + parsed.error().message() +
                                                "; expected http(s)://host[:port] with no path");
  return *parsed;
}

}  // namespace

void throw_exception_from_error(config_error const& e, boost::source_location const& loc) {
  boost::throw_exception(boost::system::system_error(e.code, e.message), loc);
}

environment environment::process() {
  return environment([](std::string_view name) -> std::optional<std::string> {
    std::string const key(name);
    char const* value = std::getenv(key.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  });
}

environment environment::from_map(std::map<std::string, std::string, std::less<>> variables) {
  return environment([vars = std::move(variables)](std::string_view name) -> std::optional<std::string> {
    if (auto it = vars.find(name); it != vars.end()) return it->second;
    return std::nullopt;
  });
}

std::optional<std::string> environment::get(std::string_view name) const {
  auto value = lookup_(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

std::string_view service_name(aws_service service) noexcept {
  return service == aws_service::kinesis ? "kinesis" : "dynamodb";
}

config_result<shared_profile> load_shared_profile(environment const& env) {
  shared_profile profile;
  profile.name = env.get("AWS_PROFILE").value_or("default");
  bool const explicit_profile = env.get("AWS_PROFILE").has_value();

  std::string const credentials_path = file_path(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials");
  std::string const config_path = file_path(env, "AWS_CONFIG_FILE", "config");

  // The config file's settings come first so the credentials file, which
  // the SDKs give precedence for keys, overwrites them.
  if (auto config = config_path.empty() ? std::nullopt : detail::read_ini_file(config_path)) {
    profile.config_file = config_path;
    std::string const section = profile.name == "default" ? "default" : "profile " + profile.name;
    auto it = config->find(section);
    if (it == config->end() && profile.name == "default") it = config->find("profile default");
    if (it != config->end()) {
      profile.found = true;
      profile.values = it->second;
      // A `services = x` key points at a `[services x]` section holding
      // per-service settings such as kinesis.endpoint_url.
      if (auto services = profile_value(profile, "services")) {
        if (auto s = config->find("services " + *services); s != config->end())
          for (auto const& [key, value] : s->second) profile.values["services." + key] = value;
      }
    }
  }
  if (auto creds = credentials_path.empty() ? std::nullopt : detail::read_ini_file(credentials_path)) {
    profile.credentials_file = credentials_path;
    if (auto it = creds->find(profile.name); it != creds->end()) {
      profile.found = true;
      for (auto const& [key, value] : it->second) profile.values[key] = value;
    }
  }
  if (explicit_profile && !profile.found) {
    std::string where = profile.credentials_file.empty() ? std::string("no credentials file")
                                                          : "credentials file " + profile.credentials_file;
    where += profile.config_file.empty() ? ", no config file" : ", config file " + profile.config_file;
    return fail(errc::profile_not_found, "AWS_PROFILE '" + profile.name + "' is not defined (" + where + ")");
  }
  return profile;
}

config_result<credentials> resolve_credentials(environment const& env, shared_profile const& profile) {
  auto key = env.get("AWS_ACCESS_KEY_ID");
  auto secret = env.get("AWS_SECRET_ACCESS_KEY");
  if (key || secret) {
    if (!key || !secret)
      return fail(errc::incomplete_credentials, key ? "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
                                                    : "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
    return credentials{*key, *secret, env.get("AWS_SESSION_TOKEN").value_or(""), "environment"};
  }

  auto file_key = profile_value(profile, "aws_access_key_id");
  auto file_secret = profile_value(profile, "aws_secret_access_key");
  std::string const where = "profile '" + profile.name + "' (" +
                            (profile.credentials_file.empty() ? profile.config_file : profile.credentials_file) + ")";
  if (file_key || file_secret) {
    if (!file_key || !file_secret)
      return fail(errc::incomplete_credentials,
                  where + " has only one of aws_access_key_id and aws_secret_access_key");
    return credentials{*file_key, *file_secret, profile_value(profile, "aws_session_token").value_or(""), where};
  }
  for (std::string_view unsupported : {"role_arn", "sso_session", "sso_start_url", "credential_process",
                                       "web_identity_token_file"}) {
    if (profile_value(profile, unsupported))
      return fail(errc::unsupported_profile,
                  where + " uses " + std::string(unsupported) +
                      ", which kinesys does not support; export static or temporary keys instead "
                      "(e.g. `aws configure export-credentials --format env`)");
  }
  return fail(errc::no_credentials,
              "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add aws_access_key_id and "
              "aws_secret_access_key to profile '" + profile.name + "' in ~/.aws/credentials");
}

config_result<credentials> resolve_credentials(environment const& env) {
  auto profile = load_shared_profile(env);
  if (!profile) return profile.error();
  return resolve_credentials(env, *profile);
}

config_result<std::string> resolve_region(environment const& env, shared_profile const& profile) {
  if (auto region = env.get("AWS_REGION")) return *region;
  if (auto region = env.get("AWS_DEFAULT_REGION")) return *region;
  if (auto region = profile_value(profile, "region")) return *region;
  return fail(errc::no_region, "no AWS region: set AWS_REGION, or `region` in profile '" + profile.name +
                                   "' of ~/.aws/config");
}

config_result<std::string> resolve_region(environment const& env) {
  auto profile = load_shared_profile(env);
  if (!profile) return profile.error();
  return resolve_region(env, *profile);
}

config_result<endpoint> resolve_endpoint(aws_service service, std::string_view region, environment const& env,
                                         shared_profile const& profile) {
  std::string const name(service_name(service));
  if (!is_true(env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) &&
      !is_true(profile_value(profile, "ignore_configured_endpoint_urls"))) {
    std::string const variable = service == aws_service::kinesis ? "AWS_ENDPOINT_URL_KINESIS"
                                                                  : "AWS_ENDPOINT_URL_DYNAMODB";
    if (auto url = env.get(variable)) return checked_url(*url, variable);
    if (auto url = env.get("AWS_ENDPOINT_URL")) return checked_url(*url, "AWS_ENDPOINT_URL");
    if (auto url = profile_value(profile, "services." + name + ".endpoint_url"))
      return checked_url(*url, "endpoint_url for " + name + " in the services section of profile '" + profile.name + "'");
    if (auto url = profile_value(profile, "endpoint_url"))
      return checked_url(*url, "endpoint_url in profile '" + profile.name + "'");
  }
  if (region.empty()) return fail(errc::no_region, "no AWS region to build the " + name + " endpoint from: set AWS_REGION");
  std::string url = "https://" + name + "." + std::string(region) + ".amazonaws.com";
  if (region.starts_with("cn-")) url += ".cn";
  return checked_url(url, "the endpoint built from region '" + std::string(region) + "'");
}

config_result<aws_config> resolve_aws_config(environment const& env) {
  auto profile = load_shared_profile(env);
  if (!profile) return profile.error();
  auto creds = resolve_credentials(env, *profile);
  if (!creds) return creds.error();
  auto region = resolve_region(env, *profile);
  if (!region) return region.error();
  auto kinesis = resolve_endpoint(aws_service::kinesis, *region, env, *profile);
  if (!kinesis) return kinesis.error();
  auto dynamodb = resolve_endpoint(aws_service::dynamodb, *region, env, *profile);
  if (!dynamodb) return dynamodb.error();
  return aws_config{std::move(*creds), std::move(*region), profile->name, std::move(*kinesis), std::move(*dynamodb)};
}

std::ostream& operator<<(std::ostream& os, aws_config const& config) {
  return os << "aws_config{region=" << config.region << ", profile=" << config.profile
            << ", kinesis=" << config.kinesis.url() << ", dynamodb=" << config.dynamodb.url()
            << ", " << config.creds << "}";
}

}  // namespace kinesys::engine::aws
