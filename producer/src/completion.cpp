#include "records.hpp"

#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

namespace kinesys::producer::detail {

void completion::complete(put_outcome const& outcome) {
  if (callback) {
    auto cb = std::move(callback);
    callback = nullptr;
    cb(outcome);
  } else if (handler) {
    // The awaiting coroutine resumes on its own executor, not on ours.
    // Outstanding work is held on that executor until post() has returned:
    // once the handler runs, the caller's io_context may run out of work and
    // be destroyed while this thread is still inside post() signalling it.
    auto tracked = boost::asio::prefer(std::move(executor), boost::asio::execution::outstanding_work.tracked);
    executor = {};
    boost::asio::post(tracked, [h = handler_type(std::move(*handler)), o = outcome]() mutable {
      std::move(h)(std::move(o));
    });
    handler.reset();
  }
}

}  // namespace kinesys::producer::detail
