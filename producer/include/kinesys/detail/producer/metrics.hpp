#pragma once
// Producer metrics, named after the KPL's where the KPL has the metric
// (UserRecordsReceived, UserRecordsPut, KinesisRecordsPut, ErrorsByCode,
// RetriesPerRecord, BufferingTime, …). Each core counts its own; a snapshot
// sums them. Delivered to a callback every MetricsInterval, and as Prometheus
// text for applications that expose /metrics.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kinesys::producer {

struct metrics_snapshot {
  std::uint64_t user_records_received = 0;     ///< UserRecordsReceived: puts accepted
  std::uint64_t user_records_pending = 0;      ///< UserRecordsPending: outstanding now
  std::uint64_t user_bytes_pending = 0;        ///< outstanding bytes now
  std::uint64_t user_records_put = 0;          ///< UserRecordsPut: acknowledged
  std::uint64_t user_records_data_put = 0;     ///< UserRecordsDataPut: their data bytes
  std::uint64_t user_records_failed = 0;       ///< completed with an error (any reason)
  std::uint64_t user_records_expired = 0;      ///< UserRecordExpired: failed by RecordTtl
  std::uint64_t user_records_held = 0;         ///< held now behind an earlier record of their key
  std::uint64_t kinesis_records_put = 0;       ///< KinesisRecordsPut
  std::uint64_t kinesis_records_data_put = 0;  ///< KinesisRecordsDataPut
  std::uint64_t put_records_requests = 0;      ///< PutRecords calls made
  std::uint64_t retries = 0;                   ///< Kinesis-record attempts beyond the first
  std::uint64_t throttled = 0;                 ///< entries refused with ProvisionedThroughputExceeded
  std::uint64_t all_errors = 0;                ///< AllErrors: failed entries and failed calls
  std::uint64_t shard_map_refreshes = 0;       ///< ListShards reloads
  std::uint64_t spooled = 0;                   ///< records written to the spool
  std::uint64_t recovered = 0;                 ///< records re-sent from the spool after a restart
  /// BufferingTime: put → first send of its Kinesis record, milliseconds.
  std::uint64_t buffering_time_ms_sum = 0;
  std::uint64_t buffering_time_count = 0;
  std::uint64_t buffering_time_ms_max = 0;
  /// RequestTime: one PutRecords call, milliseconds.
  std::uint64_t request_time_ms_sum = 0;
  std::uint64_t request_time_count = 0;
  std::uint64_t request_time_ms_max = 0;
  /// ErrorsByCode: (code, count), e.g. ("ProvisionedThroughputExceededException", 12).
  std::vector<std::pair<std::string, std::uint64_t>> errors_by_code;

  /// RetriesPerRecord, averaged over acknowledged user records.
  double retries_per_record() const noexcept {
    return user_records_put ? static_cast<double>(retries) / static_cast<double>(user_records_put) : 0.0;
  }
};

/// Prometheus text exposition (version 0.0.4) of a snapshot, every metric
/// prefixed "kinesys_producer_".
std::string to_prometheus(metrics_snapshot const& m);

}  // namespace kinesys::producer
