// KPL aggregated records exchanged with aws-kinesis-agg, an implementation
// independent of kinesys, in both directions. Two known bugs of that library
// (PEERS.md) shape what is compared: its deaggregator reports the first
// explicit-hash-key table entry for a record that has none, and its build()
// keeps the outer explicit hash key only when user record 0 has one.
#include <kinesys/codecs.hpp>

#include <peers.hpp>

#include <gtest/gtest.h>

#include <filesystem>

namespace codecs = kinesys::codecs;

namespace {

struct owned_record {
  std::string partition_key;
  std::string explicit_hash_key;
  std::string data;
};

std::vector<owned_record> sample_records(std::size_t n)
{
  std::vector<owned_record> v;
  for (std::size_t i = 0; i < n; ++i) {
    owned_record r;
    r.partition_key = i % 7 == 0 ? "ключ-😀-" + std::to_string(i % 5) : "device-" + std::to_string(i % 40);
    if (i % 4 == 1) r.explicit_hash_key = codecs::to_decimal(codecs::hash_key_of(r.partition_key) / 3 + i);
    if (i % 11 == 3)
      r.data = "";
    else if (i % 13 == 5)
      r.data = std::string(1, static_cast<char>(i));
    else
      r.data = R"({"device_id":)" + std::to_string(i) + R"(,"measurement":"temperature","value":76.)" +
               std::to_string(i % 10) + "}";
    v.push_back(std::move(r));
  }
  return v;
}

std::string records_json(std::vector<owned_record> const& records)
{
  std::string out;
  codecs::json_writer w(out);
  w.begin_array();
  for (auto const& r : records) {
    w.begin_object().member("partitionKey", r.partition_key);
    if (!r.explicit_hash_key.empty()) w.member("explicitHashKey", r.explicit_hash_key);
    w.key("data").base64_string(r.data).end_object();
  }
  w.end_array();
  return out;
}

// [{"partitionKey", "explicitHashKey" | "explicitPartitionKey"?, "data"}]
std::vector<owned_record> parse_records(simdjson::ondemand::array a)
{
  std::vector<owned_record> v;
  for (auto element : a) {
    simdjson::ondemand::object o = element.get_object();
    owned_record r;
    for (auto member : o) {
      simdjson::ondemand::field f;
      EXPECT_EQ(std::move(member).get(f), simdjson::SUCCESS);
      std::string_view key = f.unescaped_key();
      std::string_view value = f.value().get_string();
      if (key == "partitionKey")
        r.partition_key = value;
      else if (key == "explicitHashKey" || key == "explicitPartitionKey")
        r.explicit_hash_key = value;
      else if (key == "data")
        r.data = codecs::base64_decode(value).value();
    }
    v.push_back(std::move(r));
  }
  return v;
}

}  // namespace


class kpl_interop : public ::testing::Test {
protected:
  void SetUp() override
  {
    KINESYS_REQUIRE_PEERS();
    if (!std::filesystem::exists(std::string(KINESYS_PEERS_DIR) + "/node_modules/aws-kinesis-agg"))
      GTEST_SKIP() << "aws-kinesis-agg is not installed in tests/peers (run npm ci there)";
  }
};

TEST_F(kpl_interop, records_aggregated_by_kinesys_deaggregate_in_aws_kinesis_agg_to_the_same_user_records)
{
  auto users = sample_records(10000);
  users.push_back({"one-byte", "", "x"});
  users.push_back({"big", "", std::string(900 * 1024, 'B')});
  users.push_back({"after-big", "7", "tail"});
  codecs::tag tags[] = {{"source", "test"}, {"flag", std::nullopt}};

  // Aggregate with kinesys, starting a new record whenever one is full.
  std::vector<owned_record> outer;
  codecs::aggregator agg;
  std::string first_pk;
  auto flush = [&] {
    outer.push_back({first_pk, "", std::string(agg.finish())});
    agg.reset();
  };
  for (std::size_t i = 0; i < users.size(); ++i) {
    codecs::user_record r{users[i].partition_key, users[i].explicit_hash_key, users[i].data,
                          i % 9 == 0 ? std::span<codecs::tag const>(tags) : std::span<codecs::tag const>()};
    if (!agg.try_add(r)) {
      flush();
      ASSERT_TRUE(agg.try_add(r)) << i;
    }
    if (agg.count() == 1) first_pk = users[i].partition_key;
  }
  flush();
  ASSERT_GE(outer.size(), 2u);

  auto result = kinesys::test::run_node_script("agg-deaggregate.js", {}, records_json(outer));
  ASSERT_EQ(result.exit_status, 0) << result.out;
  auto& parser = codecs::thread_json_parser();
  auto doc = parser.iterate(codecs::padded(result.out));
  std::vector<owned_record> got;
  for (auto per_record : doc.get_array()) {
    auto part = parse_records(per_record.get_array());
    got.insert(got.end(), part.begin(), part.end());
  }
  ASSERT_EQ(got.size(), users.size());
  for (std::size_t i = 0; i < users.size(); ++i) {
    ASSERT_EQ(got[i].partition_key, users[i].partition_key) << i;
    ASSERT_TRUE(got[i].data == users[i].data) << i;
    // Without an explicit hash key, aws-kinesis-agg reports a table entry.
    if (!users[i].explicit_hash_key.empty()) {
      ASSERT_EQ(got[i].explicit_hash_key, users[i].explicit_hash_key) << i;
    }
  }
}

TEST_F(kpl_interop, records_aggregated_by_aws_kinesis_agg_decode_in_kinesys_to_the_same_user_records)
{
  auto users = sample_records(5000);
  users.insert(users.begin(), {"starts-with-ehk", "12345", "first"});
  users.push_back({"big", "", std::string(800 * 1024, 'B')});
  users.push_back({"one-byte", "99", "y"});

  auto result = kinesys::test::run_node_script("agg-aggregate.js", {}, records_json(users));
  ASSERT_EQ(result.exit_status, 0) << result.out;
  auto doc = codecs::thread_json_parser().iterate(codecs::padded(result.out));
  auto outer = parse_records(doc.get_array());
  ASSERT_GE(outer.size(), 2u);

  codecs::deaggregator d;
  std::vector<owned_record> got;
  for (auto const& o : outer) {
    auto r = d.decode(o.data);
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_TRUE(*r) << "not recognised as aggregated";
    for (auto const& u : d.records())
      got.push_back({std::string(u.partition_key), std::string(u.explicit_hash_key), std::string(u.data)});
  }
  // aws-kinesis-agg keeps the outer explicit hash key only when record 0 has one.
  EXPECT_EQ(outer[0].explicit_hash_key, "12345");
  EXPECT_EQ(outer[0].partition_key, "starts-with-ehk");
  ASSERT_EQ(got.size(), users.size());
  for (std::size_t i = 0; i < users.size(); ++i) {
    ASSERT_EQ(got[i].partition_key, users[i].partition_key) << i;
    ASSERT_EQ(got[i].explicit_hash_key, users[i].explicit_hash_key) << i;
    ASSERT_TRUE(got[i].data == users[i].data) << i;
  }
}

TEST_F(kpl_interop, aws_kinesis_agg_fills_records_that_kinesys_would_also_accept_within_1_mib)
{
  std::vector<owned_record> users;
  for (int i = 0; i < 30000; ++i) users.push_back({"k" + std::to_string(i % 300), "", std::string(100, 'd')});
  auto result = kinesys::test::run_node_script("agg-aggregate.js", {}, records_json(users));
  ASSERT_EQ(result.exit_status, 0) << result.out;
  auto doc = codecs::thread_json_parser().iterate(codecs::padded(result.out));
  auto outer = parse_records(doc.get_array());
  codecs::deaggregator d;
  std::size_t total = 0;
  for (auto const& o : outer) {
    EXPECT_LE(o.data.size() + o.partition_key.size(), 1024u * 1024u);
    ASSERT_TRUE(*d.decode(o.data));
    total += d.records().size();
  }
  EXPECT_EQ(total, users.size());
}
