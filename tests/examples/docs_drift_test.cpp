// The user documentation names every setting the code has. A key added to
// the producer's key table, the consumer's configuration or a binary's
// command line without a line in docs/ fails here, naming what is missing.
#include <kinesys/consumer.hpp>
#include <kinesys/producer.hpp>

#include <gtest/gtest.h>

#include <toml++/toml.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::filesystem::path const source_dir = KINESYS_SOURCE_DIR;
std::filesystem::path const bin_dir = KINESYS_BIN_DIR;

std::string read_doc(std::string const& name) {
  std::ifstream in(source_dir / "docs" / name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool mentions(std::string const& doc, std::string const& quoted_name) {
  return doc.find("`" + quoted_name + "`") != std::string::npos;
}

/// The text of `command` on stdout (empty if it could not run).
std::string output_of(std::string const& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return out;
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe.get())) out.append(buf.data(), n);
  return out;
}

/// Every `--flag` a binary's --help prints.
std::set<std::string> flags_in_help(std::string const& help) {
  std::set<std::string> flags;
  std::regex flag(R"(--[a-z][a-z0-9-]*)");
  for (std::sregex_iterator it(help.begin(), help.end(), flag), end; it != end; ++it) flags.insert(it->str());
  return flags;
}

bool names_flag(std::string const& doc, std::string const& flag) {
  return std::regex_search(doc, std::regex(flag + "(?![a-z0-9-])"));
}

/// The consumer's keys, dotted, as --check-config prints them: to_toml spells
/// out every key of a parsed configuration. Map-valued keys (routing.shards)
/// are keys themselves; table names become "<name>".
void collect_keys(toml::table const& t, std::string const& prefix, std::set<std::string>& out) {
  for (auto const& [k, node] : t) {
    std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (prefix == "tables") key = "tables.<name>";
    if (auto const* sub = node.as_table(); sub && key != "routing.shards" && key != "routing.values")
      collect_keys(*sub, key, out);
    else
      out.insert(key);
  }
}

std::set<std::string> consumer_keys() {
  // Two configurations between them use every optional key: AT_TIMESTAMP
  // prints start_timestamp, shard routing prints its map, field routing its
  // field and values map.
  char const* const configs[] = {
      "stream = \"s\"\nstart_position = \"AT_TIMESTAMP\"\nstart_timestamp = 1700000000\n"
      "[routing]\nmode = \"shard\"\nshards = { \"shardId-000000000000\" = \"readings\" }\n"
      "[tables.readings]\nhash_key = \"id\"\n",
      "stream = \"s\"\n[routing]\nmode = \"field\"\nfield = \"kind\"\nvalues = { a = \"readings\" }\n"
      "[tables.readings]\nhash_key = \"id\"\nrange_key = \"ts\"\n",
  };
  std::set<std::string> keys;
  for (char const* text : configs) {
    auto config = kinesys::consumer::parse_config(text);
    EXPECT_TRUE(config) << (config ? "" : config.error().message());
    if (!config) continue;
    collect_keys(toml::parse(kinesys::consumer::to_toml(*config)), "", keys);
  }
  return keys;
}

/// docs/consumer.md documents `key` if it names the dotted key, or names
/// its last part in the section about its table ("### `[read]`" for
/// read.batch_size; "### Top level" for undotted keys).
bool consumer_doc_names(std::string const& doc, std::string const& key) {
  if (mentions(doc, key)) return true;
  auto dot = key.find('.');
  std::string section_marker = dot == std::string::npos ? "Top level" : "`[" + key.substr(0, dot);
  std::string leaf = key.substr(key.rfind('.') == std::string::npos ? 0 : key.rfind('.') + 1);
  std::size_t at = 0;
  while ((at = doc.find("\n### ", at)) != std::string::npos) {
    std::size_t heading_end = doc.find('\n', at + 1);
    std::size_t section_end = doc.find("\n#", heading_end);
    std::string heading = doc.substr(at, heading_end - at);
    std::string body = doc.substr(heading_end, section_end == std::string::npos ? std::string::npos
                                                                                : section_end - heading_end);
    if (heading.find(section_marker) != std::string::npos && mentions(body, leaf)) return true;
    at = heading_end;
  }
  return false;
}

}  // namespace

TEST(docs, every_producer_key_is_in_the_producer_reference) {
  std::string const docs = read_doc("producer.md") + read_doc("configuration.md");
  ASSERT_FALSE(docs.empty()) << "docs/producer.md and docs/configuration.md are missing";
  auto names = kinesys::producer::producer_config::key_names();
  ASSERT_GT(names.size(), 20u);
  for (auto name : names)
    EXPECT_TRUE(mentions(docs, std::string(name))) << "`" << name << "` is not in docs/producer.md";
}

TEST(docs, every_consumer_key_is_in_the_consumer_reference) {
  std::string const doc = read_doc("consumer.md");
  ASSERT_FALSE(doc.empty()) << "docs/consumer.md is missing";
  auto keys = consumer_keys();
  ASSERT_GT(keys.size(), 40u);
  for (auto const& key : keys) EXPECT_TRUE(consumer_doc_names(doc, key)) << key << " is not in docs/consumer.md";
}

TEST(docs, every_kinesys_local_flag_is_in_the_configuration_reference) {
  auto binary = bin_dir / "kinesys-local";
  if (!std::filesystem::exists(binary)) GTEST_SKIP() << binary << " is not built";
  std::string const doc = read_doc("configuration.md");
  auto flags = flags_in_help(output_of(binary.string() + " --help"));
  ASSERT_GT(flags.size(), 20u) << "kinesys-local --help printed too few flags";
  for (auto const& flag : flags) EXPECT_TRUE(names_flag(doc, flag)) << flag << " is not in docs/configuration.md";
}

TEST(docs, every_kinesys_consumer_flag_is_documented) {
  auto binary = bin_dir / "kinesys-consumer";
  if (!std::filesystem::exists(binary)) GTEST_SKIP() << binary << " is not built";
  std::string const doc = read_doc("consumer.md") + read_doc("configuration.md");
  auto flags = flags_in_help(output_of(binary.string() + " --help") + output_of(binary.string() + " dlq replay --help"));
  ASSERT_GT(flags.size(), 15u) << "kinesys-consumer --help printed too few flags";
  for (auto const& flag : flags)
    EXPECT_TRUE(names_flag(doc, flag)) << flag << " is not in docs/consumer.md nor docs/configuration.md";
}

TEST(docs, every_kinesys_ingest_flag_is_documented) {
  auto binary = bin_dir / "kinesys-ingest";
  if (!std::filesystem::exists(binary)) GTEST_SKIP() << binary << " is not built yet";
  std::string const doc = read_doc("ingest.md") + read_doc("configuration.md");
  auto flags = flags_in_help(output_of(binary.string() + " --help"));
  ASSERT_GT(flags.size(), 3u) << "kinesys-ingest --help printed too few flags";
  for (auto const& flag : flags)
    EXPECT_TRUE(names_flag(doc, flag)) << flag << " is not in docs/ingest.md nor docs/configuration.md";
}
