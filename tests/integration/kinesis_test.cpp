// Every typed Kinesis call, round-tripped against kinesalite.
#include <kinesys/detail/engine/aws/kinesis_client.hpp>

#include "aws_peer.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

namespace asio = boost::asio;
namespace aws = kinesys::engine::aws;
using kinesys::test::run_on;
using namespace std::chrono_literals;

namespace {

class kinesis_against_kinesalite : public testing::Test {
protected:
  static void SetUpTestSuite() {
    if (kinesys::test::peers_unavailable_reason().empty()) server_ = kinesys::test::start_kinesalite();
  }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    KINESYS_REQUIRE_PEERS();
    ASSERT_TRUE(server_.has_value()) << "kinesalite did not start";
    http_.emplace(context_.get_executor());
    kinesis_.emplace(*http_, kinesys::engine::endpoint::parse(server_->endpoint()).value(),
                     kinesys::test::peer_credentials(), "us-east-1");
  }

  template <class T>
  T run(asio::awaitable<T> coroutine) {
    return run_on(context_, std::move(coroutine));
  }

  /// Creates a stream and waits until it is ACTIVE.
  aws::stream_ref make_stream(int shards) {
    aws::stream_ref stream{kinesys::test::unique_name("kinesys-it"), ""};
    auto created = run(kinesis_->create_stream({stream.name, shards, aws::stream_mode::provisioned}));
    EXPECT_TRUE(created.has_value()) << created.error();
    auto active = run(kinesis_->wait_for_stream(stream));
    EXPECT_TRUE(active.has_value()) << active.error();
    return stream;
  }

  std::string iterator(aws::stream_ref const& stream, std::string const& shard_id, aws::shard_iterator_type type,
                       std::string sequence = {}, std::optional<aws::timestamp> at = {}) {
    aws::get_shard_iterator_request request{stream, shard_id, type, std::move(sequence), at};
    auto it = run(kinesis_->get_shard_iterator(request));
    EXPECT_TRUE(it.has_value()) << it.error();
    return it.has_value() ? *it : std::string();
  }

  static inline std::optional<kinesys::test::peer_server> server_;
  asio::io_context context_{1};
  std::optional<kinesys::engine::http_client> http_;
  std::optional<aws::kinesis_client> kinesis_;
};

TEST_F(kinesis_against_kinesalite, a_created_stream_becomes_active_is_described_and_can_be_deleted) {
  aws::stream_ref const stream = make_stream(3);
  auto summary = run(kinesis_->describe_stream_summary(stream));
  ASSERT_TRUE(summary.has_value()) << summary.error();
  EXPECT_EQ(summary->stream_name, stream.name);
  EXPECT_EQ(summary->status, aws::stream_status::active);
  EXPECT_EQ(summary->open_shard_count, 3);
  EXPECT_EQ(summary->retention_period_hours, 24);
  EXPECT_NE(summary->stream_arn.find(stream.name), std::string::npos);
  EXPECT_GT(summary->creation, aws::timestamp(std::chrono::sys_days{std::chrono::year{2020} / 1 / 1}));

  auto deleted = run(kinesis_->delete_stream({stream}));
  ASSERT_TRUE(deleted.has_value()) << deleted.error();
  // deleteStreamMs=0 still passes through DELETING; poll until it is gone.
  aws::aws_result<aws::stream_summary> after = aws::stream_summary{};
  for (int i = 0; i < 100 && after.has_value(); ++i) after = run(kinesis_->describe_stream_summary(stream));
  ASSERT_FALSE(after.has_value());
  EXPECT_EQ(after.error().code, "ResourceNotFoundException");
}

TEST_F(kinesis_against_kinesalite, a_missing_stream_is_resource_not_found_with_the_service_message) {
  auto summary = run(kinesis_->describe_stream_summary({"kinesys-no-such-stream", ""}));
  ASSERT_FALSE(summary.has_value());
  EXPECT_EQ(summary.error().code, "ResourceNotFoundException");
  EXPECT_EQ(summary.error().http_status, 400u);
  EXPECT_EQ(summary.error().error, aws::errc::service_error);
  EXPECT_EQ(summary.error().kind, kinesys::engine::failure_class::permanent);
  EXPECT_EQ(summary.error().attempts, 1u);
  EXPECT_NE(summary.error().message.find("kinesys-no-such-stream"), std::string::npos) << summary.error();
}

TEST_F(kinesis_against_kinesalite, creating_an_existing_stream_is_resource_in_use) {
  aws::stream_ref const stream = make_stream(1);
  auto again = run(kinesis_->create_stream({stream.name, 1, aws::stream_mode::provisioned}));
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, "ResourceInUseException");
}

TEST_F(kinesis_against_kinesalite, put_record_then_get_records_returns_the_same_bytes_key_and_sequence) {
  aws::stream_ref const stream = make_stream(1);
  std::string const data("\x00\x01\xff binary \n payload", 21);
  auto put = run(kinesis_->put_record({stream, data, "key-1", {}, {}}));
  ASSERT_TRUE(put.has_value()) << put.error();
  EXPECT_FALSE(put->shard_id.empty());

  auto got = run(kinesis_->get_records({iterator(stream, put->shard_id, aws::shard_iterator_type::trim_horizon), {}, {}}));
  ASSERT_TRUE(got.has_value()) << got.error();
  ASSERT_EQ(got->records.size(), 1u);
  auto const& record = got->records[0];
  EXPECT_EQ(record.data, data);
  EXPECT_EQ(record.partition_key, "key-1");
  EXPECT_EQ(record.sequence_number, put->sequence_number);
  EXPECT_GT(record.approximate_arrival, aws::timestamp(std::chrono::sys_days{std::chrono::year{2020} / 1 / 1}));
  EXPECT_FALSE(got->next_shard_iterator.empty());
  EXPECT_GE(got->millis_behind_latest, 0);
}

TEST_F(kinesis_against_kinesalite, put_records_lands_500_records_across_shards_and_every_one_reads_back) {
  aws::stream_ref const stream = make_stream(4);
  std::vector<std::string> keys, payloads;
  for (int i = 0; i < 500; ++i) {
    keys.push_back("pk-" + std::to_string(i));
    payloads.push_back("payload-" + std::to_string(i) + std::string(static_cast<std::size_t>(i % 50), '#'));
  }
  std::vector<aws::put_records_entry> entries;
  for (int i = 0; i < 500; ++i) entries.push_back({payloads[i], keys[i], {}});
  // Explicit hash key 0 must win over the partition key's hash: shard 0.
  entries[7].explicit_hash_key = "0";

  aws::put_records_result result;
  auto put = run(kinesis_->put_records({stream, entries}, result));
  ASSERT_TRUE(put.has_value()) << put.error();
  EXPECT_EQ(result.failed_record_count, 0u);
  ASSERT_EQ(result.records.size(), 500u);
  std::set<std::string> shards_used;
  for (auto const& r : result.records) {
    EXPECT_TRUE(r.ok()) << r.error_code;
    EXPECT_FALSE(r.sequence_number.empty());
    shards_used.insert(r.shard_id);
  }
  EXPECT_EQ(shards_used.size(), 4u);

  auto shards = run(kinesis_->list_all_shards(stream));
  ASSERT_TRUE(shards.has_value()) << shards.error();
  EXPECT_EQ(result.records[7].shard_id, shards->front().shard_id);
  EXPECT_EQ(shards->front().hash_key_range.starting, 0u);

  // Read everything back, reusing one result object across calls.
  std::map<std::string, std::string> read;  // partition key -> data
  aws::get_records_result page;
  for (auto const& s : *shards) {
    std::string it = iterator(stream, s.shard_id, aws::shard_iterator_type::trim_horizon);
    for (int guard = 0; guard < 20 && !it.empty(); ++guard) {
      auto got = run(kinesis_->get_records({it, 10000, {}}, page));
      ASSERT_TRUE(got.has_value()) << got.error();
      for (auto const& r : page.records) read[std::string(r.partition_key)] = std::string(r.data);
      if (page.records.empty()) break;
      it = page.next_shard_iterator;
    }
  }
  ASSERT_EQ(read.size(), 500u);
  for (int i = 0; i < 500; ++i) EXPECT_EQ(read[keys[i]], payloads[i]);
}

// kinesalite ignores MaxResults and never returns a NextToken, so paging by
// token is covered against a scripted server (aws_call_test.cpp); here the
// pages come from ExclusiveStartShardId.
TEST_F(kinesis_against_kinesalite, list_shards_starts_after_a_shard_and_the_ranges_cover_the_hash_space) {
  aws::stream_ref const stream = make_stream(5);
  auto helper = run(kinesis_->list_all_shards(stream));
  ASSERT_TRUE(helper.has_value()) << helper.error();
  ASSERT_EQ(helper->size(), 5u);
  EXPECT_EQ(helper->front().hash_key_range.starting, 0u);
  EXPECT_EQ(helper->back().hash_key_range.ending, kinesys::codecs::max_hash_key);
  for (std::size_t i = 1; i < helper->size(); ++i) {
    EXPECT_EQ((*helper)[i].hash_key_range.starting, (*helper)[i - 1].hash_key_range.ending + 1);
    EXPECT_TRUE((*helper)[i].open());
    EXPECT_FALSE((*helper)[i].sequence_numbers.starting.empty());
  }

  aws::list_shards_request request;
  request.stream = stream;
  request.exclusive_start_shard_id = (*helper)[2].shard_id;
  auto rest = run(kinesis_->list_shards(request));
  ASSERT_TRUE(rest.has_value()) << rest.error();
  ASSERT_EQ(rest->shards.size(), 2u);
  EXPECT_EQ(rest->shards[0].shard_id, (*helper)[3].shard_id);
  EXPECT_TRUE(rest->next_token.empty());
}

TEST_F(kinesis_against_kinesalite, every_iterator_type_starts_where_it_says) {
  aws::stream_ref const stream = make_stream(1);
  auto const before = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()) - 5s;
  std::vector<std::string> sequences;
  std::string shard_id;
  for (int i = 0; i < 3; ++i) {
    std::string const data = "r" + std::to_string(i);
    auto put = run(kinesis_->put_record({stream, data, "k", {}, {}}));
    ASSERT_TRUE(put.has_value()) << put.error();
    sequences.push_back(put->sequence_number);
    shard_id = put->shard_id;
  }
  auto read_data = [&](std::string const& it) {
    std::vector<std::string> out;
    auto got = run(kinesis_->get_records({it, {}, {}}));
    EXPECT_TRUE(got.has_value()) << got.error();
    if (got.has_value())
      for (auto const& r : got->records) out.emplace_back(r.data);
    return out;
  };
  using type = aws::shard_iterator_type;
  EXPECT_EQ(read_data(iterator(stream, shard_id, type::trim_horizon)), (std::vector<std::string>{"r0", "r1", "r2"}));
  EXPECT_EQ(read_data(iterator(stream, shard_id, type::at_sequence_number, sequences[1])),
            (std::vector<std::string>{"r1", "r2"}));
  EXPECT_EQ(read_data(iterator(stream, shard_id, type::after_sequence_number, sequences[1])),
            (std::vector<std::string>{"r2"}));
  EXPECT_EQ(read_data(iterator(stream, shard_id, type::at_timestamp, {}, before)),
            (std::vector<std::string>{"r0", "r1", "r2"}));

  std::string const latest = iterator(stream, shard_id, type::latest);
  auto put = run(kinesis_->put_record({stream, "r3", "k", {}, {}}));
  ASSERT_TRUE(put.has_value()) << put.error();
  EXPECT_EQ(read_data(latest), (std::vector<std::string>{"r3"}));
}

TEST_F(kinesis_against_kinesalite, split_then_merge_reshapes_the_shards_with_parent_links) {
  aws::stream_ref const stream = make_stream(1);
  auto shards = run(kinesis_->list_all_shards(stream));
  ASSERT_TRUE(shards.has_value()) << shards.error();
  std::string const parent = shards->front().shard_id;
  std::string const middle = kinesys::codecs::to_decimal(kinesys::codecs::max_hash_key / 2 + 1);

  auto split = run(kinesis_->split_shard({stream, parent, middle}));
  ASSERT_TRUE(split.has_value()) << split.error();
  ASSERT_TRUE(run(kinesis_->wait_for_stream(stream)).has_value());
  auto after_split = run(kinesis_->list_all_shards(stream));
  ASSERT_TRUE(after_split.has_value()) << after_split.error();
  ASSERT_EQ(after_split->size(), 3u);
  EXPECT_FALSE((*after_split)[0].open());  // the parent is closed
  std::vector<aws::shard> children;
  for (auto const& s : *after_split)
    if (s.parent_shard_id == parent) children.push_back(s);
  ASSERT_EQ(children.size(), 2u);
  EXPECT_EQ(kinesys::codecs::to_decimal(children[1].hash_key_range.starting), middle);

  auto merge = run(kinesis_->merge_shards({stream, children[0].shard_id, children[1].shard_id}));
  ASSERT_TRUE(merge.has_value()) << merge.error();
  ASSERT_TRUE(run(kinesis_->wait_for_stream(stream)).has_value());
  auto after_merge = run(kinesis_->list_all_shards(stream));
  ASSERT_TRUE(after_merge.has_value()) << after_merge.error();
  ASSERT_EQ(after_merge->size(), 4u);
  auto const& merged = after_merge->back();
  EXPECT_EQ(merged.parent_shard_id, children[0].shard_id);
  EXPECT_EQ(merged.adjacent_parent_shard_id, children[1].shard_id);
  EXPECT_EQ(merged.hash_key_range.starting, 0u);
  EXPECT_EQ(merged.hash_key_range.ending, kinesys::codecs::max_hash_key);
  EXPECT_TRUE(merged.open());
}

TEST_F(kinesis_against_kinesalite, list_streams_names_the_streams_created) {
  aws::stream_ref const stream = make_stream(1);
  auto listed = run(kinesis_->list_streams());
  ASSERT_TRUE(listed.has_value()) << listed.error();
  EXPECT_NE(std::find(listed->stream_names.begin(), listed->stream_names.end(), stream.name),
            listed->stream_names.end());
}

TEST_F(kinesis_against_kinesalite, a_bad_shard_iterator_is_a_permanent_service_error) {
  auto got = run(kinesis_->get_records({"not-an-iterator", {}, {}}));
  ASSERT_FALSE(got.has_value());
  EXPECT_FALSE(got.error().code.empty());
  EXPECT_EQ(got.error().kind, kinesys::engine::failure_class::permanent);
}

TEST_F(kinesis_against_kinesalite, requests_over_the_api_limits_are_refused_before_sending) {
  aws::stream_ref const stream{"never-created", ""};
  std::vector<aws::put_records_entry> entries(501, aws::put_records_entry{"x", "k", {}});
  auto too_many = run(kinesis_->put_records({stream, entries}));
  ASSERT_FALSE(too_many.has_value());
  EXPECT_EQ(too_many.error().error, aws::errc::invalid_request);
  EXPECT_NE(too_many.error().message.find("500"), std::string::npos);
  EXPECT_EQ(kinesis_->transport().stats().attempts, 0u);
}

}  // namespace
