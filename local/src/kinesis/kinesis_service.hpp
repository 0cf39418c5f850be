#pragma once
// The Kinesis Data Streams API over the in-memory model of the streams one
// core owns. Each operation reads its request object (simdjson On Demand)
// and writes its answer with json_out, or returns the AWS error.
#include "common/json_in.hpp"
#include "common/json_out.hpp"
#include "common/outcome.hpp"
#include "common/service_context.hpp"
#include "common/validation.hpp"
#include "kinesis/catalog.hpp"
#include "kinesis/stream.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kinesys::local::kinesis {

/// Told about every change, so persistence can write it down. Calls happen
/// on the owning core, inside the operation, before the answer is written.
class observer {
public:
  virtual ~observer() = default;
  /// Creation, resharding, mode or retention change.
  virtual void stream_changed(stream const& s) = 0;
  virtual void stream_deleted(std::string const& name) = 0;
  virtual void record_appended(stream const& s, shard const& sh, record_view const& r) = 0;
};

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

/// @locality owning core
class kinesis_service {
public:
  kinesis_service(service_context ctx, std::shared_ptr<stream_catalog> catalog);

  void set_observer(observer* o) noexcept { observer_ = o; }
  /// Fault injection: called per PutRecords entry; true fails the entry.
  void set_entry_throttle(std::function<bool()> f) { ctx_.throttle_entry = std::move(f); }

  /// Runs `operation` ("PutRecords", ...) on `request` and writes the answer
  /// body into `out`.
  outcome<void> handle(std::string_view operation, json_in::object& request, json_out& out);

  /// Streams this core owns, sorted by name.
  std::vector<std::string> stream_names() const;
  stream* find_stream(std::string_view name) noexcept;
  /// Adds a stream as restored from disk.
  stream& restore_stream(std::unique_ptr<stream> s);

  /// Applies retention and the in-memory cap to every shard.
  void trim(std::int64_t now_ms);

  service_context const& context() const noexcept { return ctx_; }
  shard_rates rates() const noexcept;

private:
  // kinesis_service.cpp
  outcome<void> create_stream(json_in::object& req, json_out& out);
  outcome<void> delete_stream(json_in::object& req, json_out& out);
  outcome<void> describe_stream(json_in::object& req, json_out& out);
  outcome<void> describe_stream_summary(json_in::object& req, json_out& out);
  outcome<void> list_streams(json_in::object& req, json_out& out);
  outcome<void> list_shards(json_in::object& req, json_out& out);
  outcome<void> retention_change(json_in::object& req, json_out& out, bool increase);
  // kinesis_reshard.cpp
  outcome<void> split_shard(json_in::object& req, json_out& out);
  outcome<void> merge_shards(json_in::object& req, json_out& out);
  outcome<void> update_shard_count(json_in::object& req, json_out& out);
  // kinesis_records.cpp
  outcome<void> put_record(json_in::object& req, json_out& out);
  outcome<void> put_records(json_in::object& req, json_out& out);
  outcome<void> get_shard_iterator(json_in::object& req, json_out& out);
  outcome<void> get_records(json_in::object& req, json_out& out);

public:
  // Shared by the operation files.
  outcome<stream*> require_stream(std::string_view name);
  api_error stream_not_found(std::string_view name) const;
  std::string arn(std::string_view name) const;
  std::string const& account() const noexcept { return ctx_.options->account_id; }
  kinesis_limits const& limits() const noexcept { return ctx_.options->kinesis; }
  void write_shard(json_out& out, stream const& s, shard const& sh) const;
  void notify_changed(stream const& s) { if (observer_) observer_->stream_changed(s); }
  /// LimitExceededException if `additional` more open shards would pass the account limit.
  outcome<void> reserve_shards(std::int64_t additional);
  void release_shards(std::int64_t n);

private:
  service_context ctx_;
  std::shared_ptr<stream_catalog> catalog_;
  observer* observer_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<stream>, string_hash, std::equal_to<>> streams_;
};

/// Checks a stream name as AWS does (1..128 of [a-zA-Z0-9_.-]); adds the
/// violation to `errors` under `path`.
void validate_stream_name(std::string_view name, bool present, std::string_view path, validation_errors& errors);

}  // namespace kinesys::local::kinesis
