#pragma once
// The result type of model operations: a value, or the AWS error to answer
// with. Model code never throws for client mistakes; it returns these.
#include <kinesys/detail/local/error.hpp>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <string>

namespace kinesys::local {

/// Called by outcome<T>::value() on an error: that is a programmer error
/// (the caller should have checked), so it throws.
[[noreturn]] void throw_exception_from_error(api_error const& e, boost::source_location const& loc);

template <class T>
using outcome = boost::system::result<T, api_error>;

inline api_error make_api_error(errc code, std::string message) { return api_error{code, std::move(message)}; }

}  // namespace kinesys::local
