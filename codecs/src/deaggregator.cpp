#include <kinesys/codecs.hpp>

#include "md5.hpp"
#include "protobuf_wire.hpp"

#include <cstring>

namespace kinesys::codecs {
namespace {

using detail::wire_reader;
using detail::wire_type;
using status = wire_reader::status;

decode_error wire_error(status s, std::size_t offset, std::string_view field) noexcept
{
  return {s == status::overflow ? errc::aggregated_varint_overflow : errc::aggregated_truncated, offset, field};
}

// Skips a field this decoder does not know, as protobuf requires for
// forward compatibility; groups are long deprecated and refused.
decode_result<void> skip_field(wire_reader& r, wire_type t, std::size_t at, std::string_view field)
{
  switch (t) {
    case wire_type::varint: {
      std::uint64_t ignored;
      if (auto s = r.read_varint(ignored); s != status::ok) return wire_error(s, r.offset(), field);
      return {};
    }
    case wire_type::fixed64:
      if (r.skip(8) != status::ok) return decode_error{errc::aggregated_truncated, r.offset(), field};
      return {};
    case wire_type::fixed32:
      if (r.skip(4) != status::ok) return decode_error{errc::aggregated_truncated, r.offset(), field};
      return {};
    case wire_type::length_delimited: {
      std::string_view ignored;
      if (auto s = r.read_delimited(ignored); s != status::ok) return wire_error(s, r.offset(), field);
      return {};
    }
    default:
      return decode_error{errc::aggregated_bad_wire_type, at, field};
  }
}

struct field_header {
  unsigned number;
  wire_type type;
  std::size_t offset;
};

decode_result<field_header> read_key(wire_reader& r, std::string_view message)
{
  std::size_t at = r.offset();
  std::uint64_t key = 0;
  if (auto s = r.read_varint(key); s != status::ok) return wire_error(s, at, message);
  auto number = key >> 3;
  auto type = static_cast<unsigned>(key & 7);
  if (number == 0 || number > 0x1fffffff || type > 5) return decode_error{errc::aggregated_bad_wire_type, at, message};
  return field_header{static_cast<unsigned>(number), static_cast<wire_type>(type), at};
}

}  // namespace

bool is_aggregated(std::string_view data) noexcept
{
  if (data.size() < kpl_overhead) return false;
  if (std::memcmp(data.data(), kpl_magic.data(), kpl_magic.size()) != 0) return false;
  auto body = data.substr(kpl_magic.size(), data.size() - kpl_overhead);
  auto digest = detail::md5(body);
  return std::memcmp(digest.data(), data.data() + data.size() - 16, 16) == 0;
}

void check_aggregated(std::span<std::string_view const> records, bool* out) noexcept
{
  constexpr std::size_t chunk = 64;
  std::string_view bodies[chunk];
  std::size_t index[chunk];
  md5_digest digests[chunk];
  for (std::size_t first = 0; first < records.size(); first += chunk) {
    std::size_t n = std::min(chunk, records.size() - first), k = 0;
    for (std::size_t i = 0; i < n; ++i) {
      std::string_view d = records[first + i];
      out[first + i] = false;
      if (d.size() < kpl_overhead || std::memcmp(d.data(), kpl_magic.data(), kpl_magic.size()) != 0) continue;
      bodies[k] = d.substr(kpl_magic.size(), d.size() - kpl_overhead);
      index[k++] = first + i;
    }
    detail::md5_many(std::span<std::string_view const>(bodies, k), digests);
    for (std::size_t j = 0; j < k; ++j) {
      std::string_view d = records[index[j]];
      out[index[j]] = std::memcmp(digests[j].data(), d.data() + d.size() - 16, 16) == 0;
    }
  }
}

decode_result<void> deaggregator::parse_tag(std::string_view body, std::size_t origin)
{
  wire_reader r(body, origin);
  tag t;
  bool has_key = false;
  while (!r.at_end()) {
    auto h = read_key(r, "Tag");
    if (!h) return h.error();
    if ((h->number == 1 || h->number == 2) && h->type == wire_type::length_delimited) {
      std::string_view s;
      if (auto st = r.read_delimited(s); st != status::ok)
        return wire_error(st, r.offset(), h->number == 1 ? "Tag.key" : "Tag.value");
      if (h->number == 1) {
        t.key = s;
        has_key = true;
      } else {
        t.value = s;
      }
    } else if (h->number == 1 || h->number == 2) {
      return decode_error{errc::aggregated_bad_wire_type, h->offset, h->number == 1 ? "Tag.key" : "Tag.value"};
    } else if (auto s = skip_field(r, h->type, h->offset, "Tag"); !s) {
      return s.error();
    }
  }
  if (!has_key) return decode_error{errc::aggregated_missing_field, origin, "Tag.key"};
  tags_.push_back(t);
  return {};
}

decode_result<void> deaggregator::parse_record(std::string_view body, std::size_t origin)
{
  wire_reader r(body, origin);
  raw_record rec{0, 0, false, {}, tags_.size(), 0, origin};
  bool has_pk = false, has_data = false;
  while (!r.at_end()) {
    auto h = read_key(r, "Record");
    if (!h) return h.error();
    switch (h->number) {
      case 1:
      case 2: {
        std::string_view name = h->number == 1 ? "Record.partition_key_index" : "Record.explicit_hash_key_index";
        if (h->type != wire_type::varint) return decode_error{errc::aggregated_bad_wire_type, h->offset, name};
        std::uint64_t v = 0;
        if (auto s = r.read_varint(v); s != status::ok) return wire_error(s, r.offset(), name);
        if (h->number == 1) {
          rec.pk_index = v;
          has_pk = true;
        } else {
          rec.ehk_index = v;
          rec.has_ehk = true;
        }
        break;
      }
      case 3:
      case 4: {
        std::string_view name = h->number == 3 ? "Record.data" : "Record.tags";
        if (h->type != wire_type::length_delimited) return decode_error{errc::aggregated_bad_wire_type, h->offset, name};
        std::string_view s;
        if (auto st = r.read_delimited(s); st != status::ok) return wire_error(st, r.offset(), name);
        if (h->number == 3) {
          rec.data = s;
          has_data = true;
        } else if (auto t = parse_tag(s, r.origin_of(s)); !t) {
          return t.error();
        }
        break;
      }
      default:
        if (auto s = skip_field(r, h->type, h->offset, "Record"); !s) return s.error();
    }
  }
  if (!has_pk) return decode_error{errc::aggregated_missing_field, origin, "Record.partition_key_index"};
  if (!has_data) return decode_error{errc::aggregated_missing_field, origin, "Record.data"};
  rec.tag_count = tags_.size() - rec.tag_first;
  raw_.push_back(rec);
  return {};
}

decode_result<bool> deaggregator::decode(std::string_view data, md5_check check)
{
  pk_table_.clear();
  ehk_table_.clear();
  raw_.clear();
  tags_.clear();
  records_.clear();
  if (check == md5_check::verify ? !is_aggregated(data) : data.size() < kpl_overhead) return false;

  wire_reader r(data.substr(kpl_magic.size(), data.size() - kpl_overhead), kpl_magic.size());
  while (!r.at_end()) {
    auto h = read_key(r, "AggregatedRecord");
    if (!h) return h.error();
    if (h->number >= 1 && h->number <= 3) {
      static constexpr std::string_view names[] = {"", "AggregatedRecord.partition_key_table",
                                                   "AggregatedRecord.explicit_hash_key_table", "AggregatedRecord.records"};
      if (h->type != wire_type::length_delimited) return decode_error{errc::aggregated_bad_wire_type, h->offset, names[h->number]};
      std::string_view s;
      if (auto st = r.read_delimited(s); st != status::ok) return wire_error(st, r.offset(), names[h->number]);
      if (h->number == 1) pk_table_.push_back(s);
      else if (h->number == 2) ehk_table_.push_back(s);
      else if (auto rec = parse_record(s, r.origin_of(s)); !rec) return rec.error();
    } else if (auto s = skip_field(r, h->type, h->offset, "AggregatedRecord"); !s) {
      return s.error();
    }
  }

  // Tables may follow the records in the byte stream, so indexes are
  // resolved only once everything has been read.
  records_.reserve(raw_.size());
  for (raw_record const& rr : raw_) {
    if (rr.pk_index >= pk_table_.size())
      return decode_error{errc::aggregated_index_out_of_range, rr.offset, "Record.partition_key_index"};
    user_record u;
    u.partition_key = pk_table_[rr.pk_index];
    if (rr.has_ehk) {
      if (rr.ehk_index >= ehk_table_.size())
        return decode_error{errc::aggregated_index_out_of_range, rr.offset, "Record.explicit_hash_key_index"};
      u.explicit_hash_key = ehk_table_[rr.ehk_index];
    }
    u.data = rr.data;
    u.tags = std::span<tag const>(tags_).subspan(rr.tag_first, rr.tag_count);
    records_.push_back(u);
  }
  return true;
}

decode_result<std::span<user_record const>> deaggregator::split(std::string_view data, std::string_view partition_key,
                                                               std::string_view explicit_hash_key)
{
  auto r = decode(data);
  if (!r) return r.error();
  if (!*r) records_.push_back(user_record{partition_key, explicit_hash_key, data, {}});
  return records();
}

}  // namespace kinesys::codecs
