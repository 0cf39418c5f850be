#include "metrics.hpp"

#include <algorithm>

namespace kinesys::producer {
namespace detail {

std::size_t error_code_slot(std::string_view code) noexcept {
  for (std::size_t i = 0; i + 1 < counted_error_codes.size(); ++i)
    if (counted_error_codes[i] == code) return i;
  return counted_error_codes.size() - 1;
}

void core_metrics::add_to(metrics_snapshot& m) const {
  m.user_records_received += user_records_received.get();
  m.user_records_put += user_records_put.get();
  m.user_records_data_put += user_records_data_put.get();
  m.user_records_failed += user_records_failed.get();
  m.user_records_expired += user_records_expired.get();
  m.user_records_held += held.get();
  m.kinesis_records_put += kinesis_records_put.get();
  m.kinesis_records_data_put += kinesis_records_data_put.get();
  m.put_records_requests += put_records_requests.get();
  m.retries += retries.get();
  m.throttled += throttled.get();
  m.all_errors += all_errors.get();
  m.shard_map_refreshes += shard_map_refreshes.get();
  m.spooled += spooled.get();
  m.recovered += recovered.get();
  m.buffering_time_ms_sum += buffering_sum.get();
  m.buffering_time_count += buffering_count.get();
  m.buffering_time_ms_max = std::max(m.buffering_time_ms_max, buffering_max.get());
  m.request_time_ms_sum += request_sum.get();
  m.request_time_count += request_count.get();
  m.request_time_ms_max = std::max(m.request_time_ms_max, request_max.get());
  for (std::size_t i = 0; i < counted_error_codes.size(); ++i) {
    std::uint64_t n = errors_by_code[i].get();
    if (n == 0) continue;
    auto it = std::find_if(m.errors_by_code.begin(), m.errors_by_code.end(),
                           [&](auto const& p) { return p.first == counted_error_codes[i]; });
    if (it == m.errors_by_code.end()) m.errors_by_code.emplace_back(std::string(counted_error_codes[i]), n);
    else it->second += n;
  }
}

}  // namespace detail

namespace {

void metric(std::string& out, std::string_view name, std::string_view type, std::string_view help,
            std::uint64_t value) {
  out += "# HELP kinesys_producer_";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE kinesys_producer_";
  out += name;
  out += ' ';
  out += type;
  out += "\nkinesys_producer_";
  out += name;
  out += ' ';
  out += std::to_string(value);
  out += '\n';
}

}  // namespace

std::string to_prometheus(metrics_snapshot const& m) {
  std::string out;
  out.reserve(4096);
  metric(out, "user_records_received_total", "counter", "User records accepted by put (UserRecordsReceived).",
         m.user_records_received);
  metric(out, "user_records_pending", "gauge", "User records put and not yet completed (UserRecordsPending).",
         m.user_records_pending);
  metric(out, "user_bytes_pending", "gauge", "Bytes of user records not yet completed.", m.user_bytes_pending);
  metric(out, "user_records_put_total", "counter", "User records acknowledged by Kinesis (UserRecordsPut).",
         m.user_records_put);
  metric(out, "user_records_data_put_bytes_total", "counter", "Data bytes of acknowledged user records.",
         m.user_records_data_put);
  metric(out, "user_records_failed_total", "counter", "User records completed with an error.",
         m.user_records_failed);
  metric(out, "user_records_expired_total", "counter", "User records failed by RecordTtl (UserRecordExpired).",
         m.user_records_expired);
  metric(out, "user_records_held", "gauge", "User records held behind an earlier record of their key.",
         m.user_records_held);
  metric(out, "kinesis_records_put_total", "counter", "Kinesis records acknowledged (KinesisRecordsPut).",
         m.kinesis_records_put);
  metric(out, "kinesis_records_data_put_bytes_total", "counter", "Bytes of acknowledged Kinesis records.",
         m.kinesis_records_data_put);
  metric(out, "put_records_requests_total", "counter", "PutRecords calls.", m.put_records_requests);
  metric(out, "retries_total", "counter", "Kinesis record attempts beyond the first (RetriesPerRecord).",
         m.retries);
  metric(out, "throttled_total", "counter", "Entries refused with ProvisionedThroughputExceededException.",
         m.throttled);
  metric(out, "errors_total", "counter", "Failed entries and failed calls (AllErrors).", m.all_errors);
  metric(out, "shard_map_refreshes_total", "counter", "ListShards reloads.", m.shard_map_refreshes);
  metric(out, "spooled_total", "counter", "Records written to the spool.", m.spooled);
  metric(out, "recovered_total", "counter", "Records re-sent from the spool after a restart.", m.recovered);

  out += "# HELP kinesys_producer_errors_by_code_total Failures by error code (ErrorsByCode).\n";
  out += "# TYPE kinesys_producer_errors_by_code_total counter\n";
  for (auto const& [code, n] : m.errors_by_code)
    out += "kinesys_producer_errors_by_code_total{code=\"" + code + "\"} " + std::to_string(n) + '\n';

  auto summary = [&](std::string_view name, std::string_view help, std::uint64_t sum, std::uint64_t count,
                     std::uint64_t max) {
    std::string n(name);
    out += "# HELP kinesys_producer_" + n + "_seconds " + std::string(help) + "\n";
    out += "# TYPE kinesys_producer_" + n + "_seconds summary\n";
    out += "kinesys_producer_" + n + "_seconds_sum " + std::to_string(static_cast<double>(sum) / 1000.0) + '\n';
    out += "kinesys_producer_" + n + "_seconds_count " + std::to_string(count) + '\n';
    out += "# HELP kinesys_producer_" + n + "_max_seconds Largest observed value.\n";
    out += "# TYPE kinesys_producer_" + n + "_max_seconds gauge\n";
    out += "kinesys_producer_" + n + "_max_seconds " + std::to_string(static_cast<double>(max) / 1000.0) + '\n';
  };
  summary("buffering_time", "Put to first send of its Kinesis record (BufferingTime).", m.buffering_time_ms_sum,
          m.buffering_time_count, m.buffering_time_ms_max);
  summary("request_time", "Duration of one PutRecords call (RequestTime).", m.request_time_ms_sum,
          m.request_time_count, m.request_time_ms_max);
  return out;
}

}  // namespace kinesys::producer
