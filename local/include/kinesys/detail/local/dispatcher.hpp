#pragma once
// Request dispatch: X-Amz-Target picks the API and operation
// ("Kinesis_20131202.PutRecords" is Kinesis JSON 1.1,
// "DynamoDB_20120810.PutItem" is DynamoDB JSON 1.0), the body is parsed with
// simdjson, the per-core model executes it, and the answer (or the AWS JSON
// error) comes back with its status and content type.
//
// State is partitioned by core: a Kinesis stream lives on the core its name
// hashes to; all DynamoDB tables live on one core (multi-table calls such
// as transactions then never cross cores, and one core sustains well over
// the table throughput a local endpoint needs). owner() says which core a
// request must run on; handle_on() must be called on that core.
#include <kinesys/detail/local/error.hpp>
#include <kinesys/detail/local/options.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kinesys::local {

struct reply {
  unsigned status = 200;
  std::string body;
  api which = api::kinesis;
  /// "application/x-amz-json-1.1" (Kinesis) or "...-1.0" (DynamoDB).
  std::string_view content_type() const noexcept;
  /// The error type when status != 200 ("" otherwise), for logs and tests.
  std::string error_type;
};

namespace detail {
struct dispatcher_state;
}

class dispatcher {
public:
  /// Builds the per-core models (options.cores of them, at least one).
  explicit dispatcher(local_options options);
  ~dispatcher();
  dispatcher(dispatcher const&) = delete;
  dispatcher& operator=(dispatcher const&) = delete;

  local_options const& options() const noexcept;
  std::size_t cores() const noexcept;

  /// Executes a request on the calling thread, on whichever core owns it.
  /// For in-process use (tests, benchmarks) when no server runs the cores:
  /// not thread-safe. `body` may get spare capacity added (parser padding).
  reply handle(std::string_view target, std::string& body);

  /// The core that owns a stream / the tables. @locality any thread
  std::size_t stream_core(std::string_view stream) const noexcept;
  std::size_t table_core() const noexcept;

  /// The core whose state the request touches. @locality any thread
  std::size_t owner(std::string_view target, std::string& body) const;
  /// Executes the request; must run on core `core`. @locality owning core
  reply handle_on(std::size_t core, std::string_view target, std::string& body);

  /// Retention and in-memory caps. @locality owning core
  void maintain(std::size_t core);
  /// Fault injection: `roll` decides per PutRecords entry whether it fails
  /// as throttled. Set before serving. @locality owning core
  void set_entry_throttle(std::size_t core, std::function<bool()> roll);

  /// An error answer in the right protocol, for failures found before
  /// dispatch (authentication, injected faults). @locality any thread
  static reply error_reply(std::string_view target, api_error const& e);
  /// Which API a target names (DynamoDB when it starts with "DynamoDB_").
  static api api_of(std::string_view target) noexcept;

  /// The per-core models, for persistence (replay and observers).
  detail::dispatcher_state& state() noexcept { return *state_; }

private:
  std::unique_ptr<detail::dispatcher_state> state_;
};

}  // namespace kinesys::local
