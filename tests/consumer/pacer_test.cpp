// Test that header file is self-contained.
#include <kinesys/detail/consumer/pacer.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <thread>
#include <array>

namespace kc = kinesys::consumer;
using namespace std::chrono_literals;

namespace {

// Simulates writers with a permanent backlog: each reserves a batch, waits
// for its slot (plus a little scheduling jitter), sends, and reserves the
// next. Returns the units started in each whole one-second window.
std::vector<double> simulate(double rate, int writers, double batch, std::chrono::seconds run, unsigned seed)
{
  kc::pacer p(rate);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> jitter_us(0, 300);
  auto t0 = kc::pacer::clock::time_point{} + 1h;
  std::vector<kc::pacer::clock::time_point> next(writers, t0);
  std::vector<double> per_second(run.count(), 0);
  for (;;) {
    auto w = std::min_element(next.begin(), next.end()) - next.begin();
    auto now = next[w];
    if (now - t0 >= run) break;
    auto start = std::max(now, p.reserve(batch, now)) + std::chrono::microseconds(jitter_us(rng));
    auto second = std::chrono::duration_cast<std::chrono::seconds>(start - t0).count();
    if (second < run.count()) per_second[second] += batch;
    next[w] = start + 2ms;  // the request's latency before this writer reserves again
  }
  return per_second;
}

double fraction_within(std::vector<double> const& windows, double rate, double tolerance)
{
  // The first window includes the start-up burst; the pacer is judged on
  // the steady state, as the benchmark is.
  int ok = 0, n = 0;
  for (std::size_t i = 1; i < windows.size(); ++i, ++n)
    if (std::abs(windows[i] - rate) <= tolerance * rate) ++ok;
  return n ? double(ok) / n : 0;
}

}  // namespace

TEST(pacer, an_unlimited_pacer_never_delays)
{
  kc::pacer p(0);
  auto now = kc::pacer::clock::now();
  for (int i = 0; i < 100; ++i) EXPECT_EQ(p.reserve(25, now), now);
}

TEST(pacer, spaces_reservations_by_cost_over_rate)
{
  kc::pacer p(1000, 0ms);
  auto now = kc::pacer::clock::time_point{} + 10s;
  EXPECT_EQ(p.reserve(10, now), now);
  EXPECT_EQ(p.reserve(10, now), now + 10ms);
  EXPECT_EQ(p.reserve(5, now), now + 20ms);
  EXPECT_EQ(p.reserve(1, now), now + 25ms);
}

TEST(pacer, idle_time_buys_at_most_the_catch_up_as_a_burst)
{
  kc::pacer p(1000, 20ms);
  auto now = kc::pacer::clock::time_point{} + 10s;
  p.reserve(10, now);
  now += 5s;  // idle
  int immediate = 0;
  while (p.reserve(1, now) <= now) ++immediate;
  EXPECT_EQ(immediate, 21);  // 20 ms at 1000/s plus the one due now, not 5 s worth
}

TEST(pacer, starts_on_schedule_without_a_first_burst)
{
  kc::pacer p(1000);
  auto now = kc::pacer::clock::time_point{} + 10s;
  EXPECT_EQ(p.reserve(1, now), now);
  EXPECT_EQ(p.reserve(1, now), now + 1ms);
}

// Writers at 1,000/s on schedule through one second, except for a stall
// over [stall_from, stall_to) after which they go as fast as the pacer lets
// them. Returns how many started within the second.
static int started_in_a_second_with_a_stall(std::chrono::milliseconds stall_from, std::chrono::milliseconds stall_to)
{
  kc::pacer p(1000);
  auto const t0 = kc::pacer::clock::time_point{} + 10s;
  auto const end = t0 + 1s;
  auto now = t0;
  int started = 0;
  while (now < end) {
    if (now >= t0 + stall_from && now < t0 + stall_to) now = t0 + stall_to;
    auto start = p.reserve(1, now);
    if (start >= end) break;
    ++started;
    now = std::max(now, start);
  }
  return started;
}

// A 40 ms stall (the core parsing a large GetRecords answer) is made up:
// the second still carries the full rate.
TEST(pacer, a_stall_shorter_than_the_catch_up_is_made_up_in_the_same_second)
{
  EXPECT_EQ(started_in_a_second_with_a_stall(500ms, 540ms), 1000);
}

// A stall longer than the catch-up is not made up in full: the next window
// never receives more than 50 ms worth on top of its rate.
TEST(pacer, a_long_stall_costs_what_exceeds_the_catch_up)
{
  // 501 up to and including the one due as the stall began, then the
  // schedule resumes 50 ms behind (at 650 ms): 350 more. 150 ms are lost.
  EXPECT_EQ(started_in_a_second_with_a_stall(500ms, 700ms), 851);
}

TEST(pacer, grain_is_20_ms_of_the_rate)
{
  EXPECT_DOUBLE_EQ(kc::pacer(500).grain(), 10);
  EXPECT_DOUBLE_EQ(kc::pacer(50000).grain(), 1000);
  EXPECT_DOUBLE_EQ(kc::pacer(10).grain(), 1);
}

TEST(pacer, keeps_95_percent_of_one_second_windows_within_5_percent_at_500_5000_50000_per_second)
{
  for (double rate : {500.0, 5000.0, 50000.0}) {
    kc::pacer probe(rate);
    double batch = std::min(25.0, probe.grain());
    auto windows = simulate(rate, 16, batch, 30s, 1);
    EXPECT_GE(fraction_within(windows, rate, 0.05), 0.95) << "rate " << rate;
  }
}

TEST(pacer, shares_one_rate_between_threads_without_losing_reservations)
{
  kc::pacer p(1e6, 0ms);
  auto now = kc::pacer::clock::time_point{} + 1h;
  std::vector<std::thread> threads;
  std::array<std::vector<kc::pacer::clock::time_point>, 4> starts;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) starts[t].push_back(p.reserve(1, now));
    });
  for (auto& th : threads) th.join();
  std::vector<kc::pacer::clock::time_point> all;
  for (auto& s : starts) all.insert(all.end(), s.begin(), s.end());
  std::sort(all.begin(), all.end());
  // 40,000 distinct 1 µs slots: no two reservations got the same one.
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
  EXPECT_EQ(all.back() - all.front(), std::chrono::microseconds(39999));
}
