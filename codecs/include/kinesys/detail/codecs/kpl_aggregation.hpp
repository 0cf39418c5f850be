#pragma once
// The KPL aggregated record format, readable by the KCL, Lambda
// deaggregation and aws-kinesis-agg:
//
//   F3 89 9A C2 | protobuf AggregatedRecord | MD5(protobuf) (16 bytes)
//
// (kinesys writes the records before the two tables; every protobuf
// decoder accepts fields in any order, and the interop tests check that
// aws-kinesis-agg does.)
//
//   message AggregatedRecord {
//     repeated string partition_key_table     = 1;
//     repeated string explicit_hash_key_table = 2;
//     repeated Record records                 = 3;
//   }
//   message Record {
//     required uint64 partition_key_index     = 1;
//     optional uint64 explicit_hash_key_index = 2;
//     required bytes  data                    = 3;
//     repeated Tag    tags                    = 4;
//   }
//   message Tag { required string key = 1; optional string value = 2; }
//
// The outer Kinesis record needs a partition key of its own (the KPL uses
// the first user record's); its 1 MiB limit counts that key plus this data.
#include <kinesys/detail/codecs/error.hpp>
#include <kinesys/detail/codecs/md5.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kinesys::codecs {

inline constexpr std::array<std::uint8_t, 4> kpl_magic{0xF3, 0x89, 0x9A, 0xC2};
/// The MD5 trailer of an aggregated record.
inline constexpr std::size_t kpl_digest_size = 16;
/// Bytes an aggregated record adds around its protobuf: magic and MD5.
inline constexpr std::size_t kpl_overhead = 4 + kpl_digest_size;

/// MD5 of `data` (RFC 1321).
/// @locality any thread
md5_digest md5(std::string_view data) noexcept;

struct tag {
  std::string_view key;
  std::optional<std::string_view> value;
  friend bool operator==(tag const&, tag const&) = default;
};

/// One user record, as given to the aggregator and as handed out by the
/// deaggregator (then every view points into the decoded input).
struct user_record {
  std::string_view partition_key;
  std::string_view explicit_hash_key{};  ///< empty: none
  std::string_view data;
  std::span<tag const> tags{};
};

/// Fills one aggregated record, user record by user record, and always
/// knows the exact size the record would have if finished now, so the
/// caller never overshoots a limit. Not thread-safe; reuse one per shard:
/// after warm-up, adding and finishing allocate nothing.
/// @locality owning core
class aggregator {
public:
  struct limits {
    /// Limit on the whole aggregated record (magic + protobuf + MD5).
    /// Kinesis allows 1 MiB for data plus the outer partition key: leave
    /// room for that key.
    std::size_t max_bytes = 1024 * 1024;
    std::size_t max_records = std::numeric_limits<std::size_t>::max();
  };

  aggregator();
  explicit aggregator(limits l);

  /// Encoded size if finished now (kpl_overhead when empty).
  std::size_t size() const noexcept { return kpl_overhead + tables_size() + (records_end_ - kpl_magic.size()); }
  std::size_t count() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }
  limits const& get_limits() const noexcept { return limits_; }

  /// Exact encoded size after adding `r` (the record is not added).
  std::size_t size_with(user_record const& r) const noexcept;
  /// Adds `r` if the result stays within the limits; otherwise changes
  /// nothing and returns false (finish this record and start another; on an
  /// empty aggregator, false means `r` alone is too large).
  bool try_add(user_record const& r);

  /// Completes the aggregated record in the internal buffer and returns it;
  /// the view is valid until the next call to a non-const member. Does not
  /// reset: call reset() to start the next record (adding more records
  /// after finish() is allowed and extends the same record).
  std::string_view finish();
  /// Appends the aggregated record to `out`.
  void finish_into(std::string& out) const;
  /// finish_into() without the trailing MD5 (kpl_digest_size bytes short):
  /// a caller that finishes many records gives them their digests together
  /// with append_digests(), which hashes them side by side.
  void finish_into_without_digest(std::string& out) const;
  /// Appends the MD5 trailer to each record finished with
  /// finish_into_without_digest() (each string holds exactly one record).
  static void append_digests(std::span<std::string* const> records);
  /// finish() for several aggregators at once, several times faster than
  /// one by one: the MD5s run side by side (see detail::md5_many). Read
  /// each result with finished_record().
  static void finish_all(std::span<aggregator* const> batch);
  /// The record the last finish()/finish_all() produced, or empty if
  /// records were added or reset() called since.
  std::string_view finished_record() const noexcept;
  void reset() noexcept;

private:
  // An interned string table (partition keys or explicit hash keys): the
  // protobuf bytes of the table and an open-addressing index over them,
  // cleared by bumping a generation instead of reallocating.
  class string_table {
  public:
    explicit string_table(unsigned field) noexcept : field_(field) {}
    /// The index of `s` if present, else nullopt; `hash` is std::hash of `s`.
    std::optional<std::uint64_t> find(std::string_view s, std::size_t hash) const noexcept;
    std::uint64_t insert(std::string_view s, std::size_t hash);
    std::size_t count() const noexcept { return entries_.size(); }
    std::string const& bytes() const noexcept { return bytes_; }
    void reset() noexcept;

  private:
    struct slot {
      std::uint32_t generation = 0;
      std::uint32_t index = 0;
      std::size_t hash = 0;
    };
    struct entry {
      std::uint32_t offset;
      std::uint32_t length;
    };
    std::string_view at(std::uint32_t i) const noexcept { return {bytes_.data() + entries_[i].offset, entries_[i].length}; }
    void grow();

    unsigned field_;
    std::string bytes_;
    std::vector<entry> entries_;
    std::vector<slot> slots_;
    std::uint32_t generation_ = 1;
  };

  struct lookup {
    std::size_t pk_hash = 0, ehk_hash = 0;
    std::optional<std::uint64_t> pk_index, ehk_index;
    std::size_t added = 0;        // bytes the record adds
    std::size_t record_body = 0;  // size of the Record message
  };
  lookup measure(user_record const& r) const noexcept;
  void append_tables(std::string& out) const;
  std::size_t tables_size() const noexcept { return pk_table_.bytes().size() + ehk_table_.bytes().size(); }

  limits limits_;
  string_table pk_table_{1};
  string_table ehk_table_{2};
  // magic, then the Record fields as they are added; finish() appends the
  // tables and the MD5 after them. Protobuf allows fields in any order, and
  // records-first means finishing never moves the (up to 1 MiB of) records.
  std::string buffer_;
  std::size_t records_end_;
  std::size_t count_ = 0;
};

/// True if `data` has the magic and a matching MD5 (what the KCL checks).
bool is_aggregated(std::string_view data) noexcept;
/// is_aggregated() for many records at once (the records of a GetRecords
/// response), with the MD5s computed side by side. `out` has records.size() entries.
void check_aggregated(std::span<std::string_view const> records, bool* out) noexcept;

/// Whether deaggregator::decode() checks the magic and MD5 itself or the
/// caller already did (with check_aggregated()).
enum class md5_check : bool { verify, already_verified };

/// Splits Kinesis record data into user records, as the KCL does: data
/// without the magic, or with an MD5 that does not match, is one plain
/// record (decode() returns false); a malformed protobuf behind a good MD5
/// is an error naming the byte offset. Records hold views into the input,
/// valid while it lives and until the next decode(). Reuse one instance:
/// its vectors keep their capacity.
/// @locality owning core
class deaggregator {
public:
  /// true: aggregated, records() holds the user records (possibly none);
  /// false: a plain record, records() is empty.
  decode_result<bool> decode(std::string_view data, md5_check check = md5_check::verify);
  std::span<user_record const> records() const noexcept { return records_; }
  /// decode(), except that a plain record comes back as one user record
  /// made of `data` and the outer record's keys.
  decode_result<std::span<user_record const>> split(std::string_view data, std::string_view partition_key,
                                                    std::string_view explicit_hash_key = {});

private:
  struct raw_record {
    std::uint64_t pk_index;
    std::uint64_t ehk_index;
    bool has_ehk;
    std::string_view data;
    std::size_t tag_first;
    std::size_t tag_count;
    std::size_t offset;
  };
  decode_result<void> parse_record(std::string_view body, std::size_t origin);
  decode_result<void> parse_tag(std::string_view body, std::size_t origin);

  std::vector<std::string_view> pk_table_;
  std::vector<std::string_view> ehk_table_;
  std::vector<raw_record> raw_;
  std::vector<tag> tags_;
  std::vector<user_record> records_;
};

}  // namespace kinesys::codecs
