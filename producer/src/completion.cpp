#include "records.hpp"

#include <boost/asio/post.hpp>

namespace kinesys::producer::detail {

void completion::complete(put_outcome outcome) {
  if (callback) {
    auto cb = std::move(callback);
    callback = nullptr;
    cb(std::move(outcome));
  } else if (handler) {
    // The awaiting coroutine resumes on its own executor, not on ours.
    boost::asio::post(executor, [h = handler_type(std::move(*handler)), o = std::move(outcome)]() mutable {
      std::move(h)(std::move(o));
    });
    handler.reset();
    executor = {};
  }
}

}  // namespace kinesys::producer::detail
