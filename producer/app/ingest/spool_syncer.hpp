#pragma once
// Waiting for the spool: with --spool-dir a request is answered 202 once
// its records are durable on disk, not once Kinesis acknowledged them.
// producer::sync_spool() blocks its caller, so it runs on a helper thread,
// and each core groups the requests that arrive while a sync is running
// into the next one (group commit): one sync per core in flight at a time,
// however many requests wait.
#include <kinesys/engine.hpp>
#include <kinesys/producer.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <memory>
#include <vector>

namespace kinesys::ingest {

class spool_syncer {
public:
  spool_syncer(producer::producer& producer, engine::core_set& cores);
  /// Waits for the helper thread. Destroy after the cores stopped.
  ~spool_syncer();
  spool_syncer(spool_syncer const&) = delete;
  spool_syncer& operator=(spool_syncer const&) = delete;

  /// Completes once every record this core handed to the producer before
  /// the call is written to the spool and synced; the error is the spool's.
  /// @locality core `core` (resumes there)
  boost::asio::awaitable<boost::system::error_code> sync(std::size_t core);

private:
  using waiter = boost::asio::any_completion_handler<void(boost::system::error_code)>;
  /// @locality its core
  struct core_queue {
    std::vector<waiter> waiting;
    bool in_flight = false;
  };
  void start_round(std::size_t core);

  producer::producer& producer_;
  engine::core_set& cores_;
  std::vector<core_queue> queues_;
  boost::asio::thread_pool helper_{1};
};

}  // namespace kinesys::ingest
