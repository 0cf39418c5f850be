#include "spool_syncer.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace kinesys::ingest {

namespace asio = boost::asio;
using boost::system::error_code;

spool_syncer::spool_syncer(producer::producer& producer, engine::core_set& cores)
    : producer_(producer), cores_(cores), queues_(cores.size()) {}

spool_syncer::~spool_syncer() { helper_.join(); }

asio::awaitable<error_code> spool_syncer::sync(std::size_t core) {
  auto enqueue = [this, core](auto handler) {
    queues_[core].waiting.emplace_back(std::move(handler));
    if (!queues_[core].in_flight) start_round(core);
  };
  constexpr auto token = asio::as_tuple(asio::use_awaitable);
  auto [ec] = co_await asio::async_initiate<decltype(token), void(error_code)>(enqueue, token);
  co_return ec;
}

void spool_syncer::start_round(std::size_t core) {
  auto& q = queues_[core];
  q.in_flight = true;
  // Everything waiting now was handed over before this sync starts, so one
  // sync covers it; later arrivals wait for the next round.
  auto batch = std::make_shared<std::vector<waiter>>(std::move(q.waiting));
  q.waiting.clear();
  asio::post(helper_, [this, core, batch] {
    error_code ec = producer_.sync_spool();
    cores_.post(core, [this, core, batch, ec] {
      auto& queue = queues_[core];
      queue.in_flight = false;
      for (auto& w : *batch) std::move(w)(ec);
      if (!queue.waiting.empty()) start_round(core);
    });
  });
}

}  // namespace kinesys::ingest
