#include "measure.hpp"

#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/syscall.h>
#include <unistd.h>

namespace kinesys::bench {

std::size_t latency_histogram::bucket_of(std::uint64_t us) noexcept
{
  if (us < (1u << sub_bits)) return static_cast<std::size_t>(us);
  int exponent = std::bit_width(us) - 1;  // >= sub_bits
  auto sub = (us >> (exponent - sub_bits)) & ((1u << sub_bits) - 1);
  return static_cast<std::size_t>((exponent - sub_bits + 1) << sub_bits) + sub;
}

double latency_histogram::upper_us(std::size_t bucket) noexcept
{
  if (bucket < (1u << sub_bits)) return static_cast<double>(bucket + 1);
  auto exponent = static_cast<int>(bucket >> sub_bits) + sub_bits - 1;
  auto sub = bucket & ((1u << sub_bits) - 1);
  return std::ldexp(1.0 + (static_cast<double>(sub) + 1) / (1 << sub_bits), exponent);
}

void latency_histogram::record(clock_type::duration d) noexcept
{
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  auto b = bucket_of(us < 0 ? 0 : static_cast<std::uint64_t>(us));
  if (b >= bucket_count) b = bucket_count - 1;
  buckets_[b].fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t latency_histogram::count() const noexcept
{
  std::uint64_t n = 0;
  for (auto const& b : buckets_) n += b.load(std::memory_order_relaxed);
  return n;
}

double latency_histogram::quantile_ms(double q) const noexcept
{
  auto n = count();
  if (n == 0) return 0;
  auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(n)));
  if (rank == 0) rank = 1;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += buckets_[i].load(std::memory_order_relaxed);
    if (seen >= rank) return upper_us(i) / 1000.0;
  }
  return upper_us(bucket_count - 1) / 1000.0;
}

void latency_histogram::reset() noexcept
{
  for (auto& b : buckets_) b.store(0, std::memory_order_relaxed);
}

latency_summary summarise(latency_histogram const& h)
{
  return {h.quantile_ms(0.5), h.quantile_ms(0.9), h.quantile_ms(0.99), h.quantile_ms(0.999), h.quantile_ms(1.0),
          h.count()};
}

void rate_series::sample(clock_type::time_point now, std::uint64_t value)
{
  while (now >= next_) {
    per_second_.push_back(static_cast<double>(value - last_));
    last_ = value;
    next_ += std::chrono::seconds(1);
  }
}

std::set<int> thread_ids()
{
  std::set<int> ids;
  std::error_code ec;
  for (auto const& e : std::filesystem::directory_iterator("/proc/self/task", ec))
    ids.insert(std::stoi(e.path().filename().string()));
  return ids;
}

double thread_cpu_seconds(int tid)
{
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string f;
  long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14) utime = std::stol(f);
    if (i == 15) stime = std::stol(f);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double cpu_seconds_since(std::set<int> const& before, std::set<int> const& extra)
{
  double total = 0;
  for (auto tid : thread_ids())
    if (!before.contains(tid) || extra.contains(tid)) total += thread_cpu_seconds(tid);
  return total;
}

int current_tid() { return static_cast<int>(::syscall(SYS_gettid)); }

}  // namespace kinesys::bench
