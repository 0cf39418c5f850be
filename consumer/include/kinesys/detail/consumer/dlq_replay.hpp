#pragma once
// `kinesys-consumer dlq replay --from FILE|STREAM --to STREAM`: puts dead
// letters back on a stream after the cause was fixed. Each letter's
// original data goes back with its original partition key, in the order
// of the letters (an entry refused by throttling is resent alone, so it may
// land after later letters of its key). A replayed record gets a new,
// higher position, so the consumer applies it.
#include <kinesys/detail/consumer/dead_letter.hpp>

#include <kinesys/detail/engine/aws/kinesis_client.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace kinesys::consumer {

struct replay_report {
  std::size_t replayed = 0;
  std::size_t unreadable = 0;  ///< lines or records that are not dead letters
  std::vector<std::string> problems;  ///< the first few, for the operator
};

/// Reads every letter of an NDJSON file (io_uring) and puts it on `to`.
boost::asio::awaitable<engine::aws::aws_result<replay_report>> replay_file(engine::aws::kinesis_client& kinesis,
                                                                           std::filesystem::path const& from,
                                                                           std::string const& to);

/// Reads a dead-letter stream from TRIM_HORIZON to its current end, every
/// shard, and puts each letter on `to`.
boost::asio::awaitable<engine::aws::aws_result<replay_report>> replay_stream(engine::aws::kinesis_client& kinesis,
                                                                             std::string const& from,
                                                                             std::string const& to);

/// Puts letters on `to` in PutRecords calls of up to 500 entries and 5 MiB,
/// resending only the entries that failed.
boost::asio::awaitable<engine::aws::aws_result<std::size_t>> put_letters(engine::aws::kinesis_client& kinesis,
                                                                         std::string const& to,
                                                                         std::vector<dead_letter> const& letters);

}  // namespace kinesys::consumer
