// kinesys-consumer: reads a Kinesis stream and writes DynamoDB tables.
#include <kinesys/consumer.hpp>

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv)
{
  CLI::App app{"kinesys-consumer: Kinesis stream -> DynamoDB tables"};
  std::string config_path;
  bool check_only = false;
  std::vector<std::string> sets;
  app.add_option("--config", config_path, "TOML configuration file");
  app.add_flag("--check-config", check_only, "validate the configuration, print it and exit");
  app.add_option("--set", sets, "override a key: --set read.batch_size=500");
  app.set_version_flag("--version", "kinesys-consumer 0.1.0");
  CLI11_PARSE(app, argc, argv);
  std::vector<kinesys::consumer::config_override> overrides;
  for (auto const& s : sets) {
    auto o = kinesys::consumer::parse_override(s);
    if (!o) {
      std::cerr << "--set " << s << ": expected key=value\n";
      return 2;
    }
    overrides.push_back(*o);
  }
  auto config = config_path.empty() ? kinesys::consumer::parse_config("", "flags", overrides)
                                    : kinesys::consumer::load_config(config_path, overrides);
  if (!config) {
    std::cerr << config.error().message() << '\n';
    return 2;
  }
  if (check_only) {
    std::cout << kinesys::consumer::to_toml(*config);
    return 0;
  }
  return 0;
}
