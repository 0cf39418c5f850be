#pragma once
// Stream and table metadata files: JSON, replaced atomically (write a
// temporary file, fsync, rename, fsync the directory), so a crash leaves
// either the old or the new version, never a mix.
#include "common/outcome.hpp"
#include "dynamo/table.hpp"
#include "kinesis/stream.hpp"

#include <filesystem>
#include <memory>
#include <string>

namespace kinesys::local::persist {

std::string stream_meta_json(kinesis::stream const& s);
std::string table_meta_json(dynamo::table const& t);

/// Rebuilds a stream's shards (records are replayed separately).
outcome<std::unique_ptr<kinesis::stream>> stream_from_meta(std::string const& json, kinesis::shard_rates rates,
                                                           std::int64_t now_ns);
outcome<std::unique_ptr<dynamo::table>> table_from_meta(std::string const& json);

/// Writes `content` to `path` atomically. Blocking: metadata changes are
/// rare control-plane events.
boost::system::error_code write_atomically(std::filesystem::path const& path, std::string const& content);
/// Reads a whole file (startup replay only).
outcome<std::string> read_file(std::filesystem::path const& path);

}  // namespace kinesys::local::persist
