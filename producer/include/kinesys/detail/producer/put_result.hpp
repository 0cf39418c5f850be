#pragma once
// What a put completes with. put_result keeps its strings inline (shard ids
// and sequence numbers are at most 128 characters by the API's rules), so
// completing a record allocates nothing.
#include <kinesys/detail/producer/error.hpp>

#include <boost/system/result.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <ostream>
#include <string>
#include <string_view>

namespace kinesys::producer {

/// A string of at most N characters stored in place. Converts to
/// std::string_view; longer input is cut at N (the API never sends longer).
template <std::size_t N>
class inline_string {
public:
  inline_string() = default;
  inline_string(std::string_view s) noexcept { assign(s); }
  // Copies the characters in use, not all N: a put_result is copied once
  // per user record delivered.
  inline_string(inline_string const& o) noexcept { assign(o.view()); }
  inline_string& operator=(inline_string const& o) noexcept {
    if (this != &o) assign(o.view());
    return *this;
  }
  void assign(std::string_view s) noexcept {
    size_ = static_cast<std::uint16_t>(std::min(s.size(), N));
    std::memcpy(data_, s.data(), size_);
  }
  std::string_view view() const noexcept { return {data_, size_}; }
  operator std::string_view() const noexcept { return view(); }
  std::string str() const { return std::string(view()); }
  bool empty() const noexcept { return size_ == 0; }
  std::size_t size() const noexcept { return size_; }
  friend bool operator==(inline_string const& a, std::string_view b) noexcept { return a.view() == b; }
  friend bool operator==(inline_string const& a, inline_string const& b) noexcept { return a.view() == b.view(); }
  friend std::ostream& operator<<(std::ostream& os, inline_string const& s) { return os << s.view(); }

private:
  char data_[N];
  std::uint16_t size_ = 0;
};

struct put_result {
  /// The shard the record landed on, e.g. "shardId-000000000003".
  inline_string<128> shard_id;
  /// The Kinesis record's sequence number (shared by every user record
  /// aggregated into it).
  inline_string<128> sequence_number;
  /// The user record's index inside its aggregated Kinesis record (0 when
  /// not aggregated); (sequence_number, sub_sequence) orders user records
  /// within a shard, as the KCL's extended sequence number does.
  std::uint64_t sub_sequence = 0;
  /// PutRecords attempts it took (1 = no retry).
  unsigned attempts = 0;
};

/// A put's outcome: the result, or why it failed.
using put_outcome = boost::system::result<put_result, put_error>;

}  // namespace kinesys::producer
