#include <kinesys/detail/consumer/position.hpp>

#include <algorithm>
#include <cstring>

namespace kinesys::consumer {

boost::system::result<stream_position> stream_position::make(std::string_view sequence, std::uint64_t sub_sequence)
{
  if (sequence.empty() || sub_sequence > max_sub_sequence)
    return make_error_code(errc::bad_sequence_number);
  for (char c : sequence)
    if (c < '0' || c > '9') return make_error_code(errc::bad_sequence_number);
  auto first = sequence.find_first_not_of('0');
  sequence = first == std::string_view::npos ? std::string_view("0") : sequence.substr(first);
  if (sequence.size() > max_digits) return make_error_code(errc::bad_sequence_number);
  stream_position p;
  std::memcpy(p.digits_.data(), sequence.data(), sequence.size());
  p.size_ = static_cast<std::uint8_t>(sequence.size());
  p.sub_ = sub_sequence;
  return p;
}

std::strong_ordering operator<=>(stream_position const& a, stream_position const& b) noexcept
{
  // Without leading zeros, more digits means a larger number.
  if (a.size_ != b.size_) return a.size_ <=> b.size_;
  int c = std::memcmp(a.digits_.data(), b.digits_.data(), a.size_);
  if (c != 0) return c <=> 0;
  return a.sub_ <=> b.sub_;
}

bool operator==(stream_position const& a, stream_position const& b) noexcept
{
  return a.size_ == b.size_ && a.sub_ == b.sub_ && std::memcmp(a.digits_.data(), b.digits_.data(), a.size_) == 0;
}

void stream_position::encode_to(std::string& out) const
{
  char head[3] = {char('0' + size_ / 100), char('0' + size_ / 10 % 10), char('0' + size_ % 10)};
  out.append(head, 3);
  out.append(digits_.data(), size_);
  out.push_back('.');
  char sub[10];
  auto v = sub_;
  for (int i = 9; i >= 0; --i) {
    sub[i] = char('0' + v % 10);
    v /= 10;
  }
  out.append(sub, 10);
}

std::string stream_position::encode() const
{
  std::string out;
  out.reserve(3 + size_ + 11);
  encode_to(out);
  return out;
}

boost::system::result<stream_position> stream_position::decode(std::string_view s)
{
  auto bad = make_error_code(errc::bad_position);
  if (s.size() < 3 + 1 + 1 + 10) return bad;
  std::size_t n = 0;
  for (int i = 0; i < 3; ++i) {
    if (s[i] < '0' || s[i] > '9') return bad;
    n = n * 10 + std::size_t(s[i] - '0');
  }
  if (n == 0 || s.size() != 3 + n + 1 + 10 || s[3 + n] != '.') return bad;
  auto digits = s.substr(3, n);
  if (n > 1 && digits[0] == '0') return bad;  // not canonical: order would break
  std::uint64_t sub = 0;
  for (char c : s.substr(4 + n)) {
    if (c < '0' || c > '9') return bad;
    sub = sub * 10 + std::uint64_t(c - '0');
  }
  auto p = make(digits, sub);
  if (!p) return bad;
  return p;
}

std::string stream_position::to_string() const
{
  std::string out(sequence());
  out.push_back('/');
  out += std::to_string(sub_);
  return out;
}

}  // namespace kinesys::consumer
