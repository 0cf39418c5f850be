#include "metrics.hpp"

#include <algorithm>
#include <cstdio>

namespace kinesys::ingest {
namespace {

using counter = std::atomic<std::uint64_t>;

// Only the owning core writes, so a plain load + store is enough (no locked
// read-modify-write); readers on other cores see whole values.
void bump(counter& c, std::uint64_t n = 1) noexcept { c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }

std::uint64_t read(counter const& c) noexcept { return c.load(std::memory_order_relaxed); }

}  // namespace

struct alignas(64) ingest_metrics::core_block {
  explicit core_block(std::size_t tenants)
      : requests(new counter[(tenants + 1) * counted_statuses.size()]()), records(new counter[tenants + 1]()) {}
  std::unique_ptr<counter[]> requests;  // [tenant slot][status slot]; tenant slot 0 is "-"
  std::unique_ptr<counter[]> records;
  std::array<counter, latency_bounds.size() + 1> latency{};  // last: +Inf
  counter latency_sum_ns{0};
  counter in_flight_begun{0};
  counter in_flight_ended{0};
};

ingest_metrics::ingest_metrics(std::size_t cores, std::vector<std::string> tenant_names)
    : tenants_(std::move(tenant_names)) {
  for (std::size_t c = 0; c < cores; ++c) cores_.push_back(std::make_unique<core_block>(tenants_.size()));
}

ingest_metrics::~ingest_metrics() = default;

std::size_t ingest_metrics::slot(std::optional<std::size_t> tenant, unsigned status) const noexcept {
  auto it = std::find(counted_statuses.begin(), counted_statuses.end() - 1, status);
  std::size_t s = static_cast<std::size_t>(it - counted_statuses.begin());  // the last slot is "other"
  std::size_t t = tenant ? *tenant + 1 : 0;
  return t * counted_statuses.size() + s;
}

void ingest_metrics::request(std::size_t core, std::optional<std::size_t> tenant, unsigned status,
                             std::chrono::steady_clock::duration latency) noexcept {
  auto& b = *cores_[core % cores_.size()];
  bump(b.requests[slot(tenant, status)]);
  double const seconds = std::chrono::duration<double>(latency).count();
  auto bucket = std::lower_bound(latency_bounds.begin(), latency_bounds.end(), seconds) - latency_bounds.begin();
  bump(b.latency[static_cast<std::size_t>(bucket)]);
  bump(b.latency_sum_ns, static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(latency).count()));
}

void ingest_metrics::records(std::size_t core, std::size_t tenant, std::uint64_t n) noexcept {
  bump(cores_[core % cores_.size()]->records[tenant + 1], n);
}

void ingest_metrics::begin_put(std::size_t core) noexcept { bump(cores_[core % cores_.size()]->in_flight_begun); }
void ingest_metrics::end_put(std::size_t core) noexcept { bump(cores_[core % cores_.size()]->in_flight_ended); }

std::string ingest_metrics::prometheus() const {
  std::string out;
  auto tenant_name = [&](std::size_t t) -> std::string const& {
    static std::string const none = "-";
    return t == 0 ? none : tenants_[t - 1];
  };
  auto line = [&](std::string const& text, std::uint64_t v) {
    out += text;
    out += ' ';
    out += std::to_string(v);
    out += '\n';
  };

  out += "# HELP kinesys_ingest_requests_total Requests answered, by status and tenant (\"-\": no valid key).\n";
  out += "# TYPE kinesys_ingest_requests_total counter\n";
  for (std::size_t t = 0; t <= tenants_.size(); ++t)
    for (std::size_t s = 0; s < counted_statuses.size(); ++s) {
      std::uint64_t sum = 0;
      for (auto const& b : cores_) sum += read(b->requests[t * counted_statuses.size() + s]);
      if (sum == 0) continue;
      std::string status = counted_statuses[s] ? std::to_string(counted_statuses[s]) : "other";
      line("kinesys_ingest_requests_total{status=\"" + status + "\",tenant=\"" + tenant_name(t) + "\"}", sum);
    }

  out += "# HELP kinesys_ingest_records_total Records accepted (acknowledged by Kinesis, or spooled).\n";
  out += "# TYPE kinesys_ingest_records_total counter\n";
  for (std::size_t t = 1; t <= tenants_.size(); ++t) {
    std::uint64_t sum = 0;
    for (auto const& b : cores_) sum += read(b->records[t]);
    line("kinesys_ingest_records_total{tenant=\"" + tenant_name(t) + "\"}", sum);
  }

  out += "# HELP kinesys_ingest_request_seconds Time from a complete request to its answer.\n";
  out += "# TYPE kinesys_ingest_request_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= latency_bounds.size(); ++i) {
    for (auto const& b : cores_) cumulative += read(b->latency[i]);
    std::string le = "+Inf";
    if (i < latency_bounds.size()) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", latency_bounds[i]);
      le = buf;
    }
    line("kinesys_ingest_request_seconds_bucket{le=\"" + le + "\"}", cumulative);
  }
  std::uint64_t sum_ns = 0;
  for (auto const& b : cores_) sum_ns += read(b->latency_sum_ns);
  char sum_text[64];
  std::snprintf(sum_text, sizeof sum_text, "%.9f", static_cast<double>(sum_ns) / 1e9);
  out += "kinesys_ingest_request_seconds_sum ";
  out += sum_text;
  out += '\n';
  line("kinesys_ingest_request_seconds_count", cumulative);

  std::uint64_t begun = 0, ended = 0;
  for (auto const& b : cores_) {
    begun += read(b->in_flight_begun);
    ended += read(b->in_flight_ended);
  }
  out += "# HELP kinesys_ingest_requests_in_flight PUT requests received and not yet answered.\n";
  out += "# TYPE kinesys_ingest_requests_in_flight gauge\n";
  line("kinesys_ingest_requests_in_flight", begun >= ended ? begun - ended : 0);

  out += "# HELP kinesys_ingest_spooled_failures_total Records answered 202 that the producer failed afterwards.\n";
  out += "# TYPE kinesys_ingest_spooled_failures_total counter\n";
  line("kinesys_ingest_spooled_failures_total", read(spooled_failures_));
  return out;
}

}  // namespace kinesys::ingest
