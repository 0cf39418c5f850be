#include <kinesys/codecs.hpp>

#include "md5.hpp"
#include "protobuf_wire.hpp"

#include <cstring>
#include <functional>

namespace kinesys::codecs {

using detail::delimited_size;
using detail::varint_size;
using detail::wire_type;

// --- string_table ------------------------------------------------------------

std::optional<std::uint64_t> aggregator::string_table::find(std::string_view s, std::size_t hash) const noexcept
{
  if (slots_.empty()) return std::nullopt;
  std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    slot const& sl = slots_[i];
    if (sl.generation != generation_) return std::nullopt;
    if (sl.hash == hash && at(sl.index) == s) return sl.index;
  }
}

std::uint64_t aggregator::string_table::insert(std::string_view s, std::size_t hash)
{
  // Keep the load factor at or below one half so probes stay short.
  if ((entries_.size() + 1) * 2 > slots_.size()) grow();
  auto index = static_cast<std::uint32_t>(entries_.size());
  bytes_.push_back(static_cast<char>(detail::field_key(field_, wire_type::length_delimited)));
  detail::append_varint(bytes_, s.size());
  entries_.push_back({static_cast<std::uint32_t>(bytes_.size()), static_cast<std::uint32_t>(s.size())});
  bytes_.append(s);
  std::size_t mask = slots_.size() - 1;
  std::size_t i = hash & mask;
  while (slots_[i].generation == generation_) i = (i + 1) & mask;
  slots_[i] = {generation_, index, hash};
  return index;
}

void aggregator::string_table::grow()
{
  std::size_t n = slots_.empty() ? 64 : slots_.size() * 2;
  std::vector<slot> bigger(n);
  std::size_t mask = n - 1;
  for (slot const& sl : slots_) {
    if (sl.generation != generation_) continue;
    std::size_t i = sl.hash & mask;
    while (bigger[i].generation == generation_) i = (i + 1) & mask;
    bigger[i] = sl;
  }
  slots_.swap(bigger);
}

void aggregator::string_table::reset() noexcept
{
  bytes_.clear();
  entries_.clear();
  // A new generation empties every slot at once; only on wrap-around do the
  // stamps need clearing, so old slots cannot pass for current ones.
  if (++generation_ == 0) {
    for (slot& sl : slots_) sl.generation = 0;
    generation_ = 1;
  }
}

// --- aggregator --------------------------------------------------------------

aggregator::aggregator() : aggregator(limits{}) {}
aggregator::aggregator(limits l) : limits_(l)
{
  buffer_.assign(reinterpret_cast<char const*>(kpl_magic.data()), kpl_magic.size());
  records_end_ = buffer_.size();
}

aggregator::lookup aggregator::measure(user_record const& r) const noexcept
{
  lookup m;
  std::hash<std::string_view> h;
  m.pk_hash = h(r.partition_key);
  m.pk_index = pk_table_.find(r.partition_key, m.pk_hash);
  std::uint64_t pk_index = m.pk_index ? *m.pk_index : pk_table_.count();
  if (!m.pk_index) m.added += delimited_size(r.partition_key.size());

  std::size_t body = 1 + varint_size(pk_index);
  if (!r.explicit_hash_key.empty()) {
    m.ehk_hash = h(r.explicit_hash_key);
    m.ehk_index = ehk_table_.find(r.explicit_hash_key, m.ehk_hash);
    std::uint64_t ehk_index = m.ehk_index ? *m.ehk_index : ehk_table_.count();
    if (!m.ehk_index) m.added += delimited_size(r.explicit_hash_key.size());
    body += 1 + varint_size(ehk_index);
  }
  body += delimited_size(r.data.size());
  for (tag const& t : r.tags) {
    std::size_t tag_body = delimited_size(t.key.size());
    if (t.value) tag_body += delimited_size(t.value->size());
    body += delimited_size(tag_body);
  }
  m.record_body = body;
  m.added += delimited_size(body);
  return m;
}

std::size_t aggregator::size_with(user_record const& r) const noexcept { return size() + measure(r).added; }

bool aggregator::try_add(user_record const& r)
{
  lookup m = measure(r);
  if (size() + m.added > limits_.max_bytes || count_ >= limits_.max_records) return false;
  buffer_.resize(records_end_);  // drops what a previous finish() appended

  std::uint64_t pk_index = m.pk_index ? *m.pk_index : pk_table_.insert(r.partition_key, m.pk_hash);
  // Everything but the data goes through a small stack buffer; the data is
  // appended straight from the caller's bytes.
  char head[64];
  char* p = head;
  *p++ = static_cast<char>(detail::field_key(3, wire_type::length_delimited));
  p = detail::put_varint(p, m.record_body);
  *p++ = static_cast<char>(detail::field_key(1, wire_type::varint));
  p = detail::put_varint(p, pk_index);
  if (!r.explicit_hash_key.empty()) {
    std::uint64_t ehk_index = m.ehk_index ? *m.ehk_index : ehk_table_.insert(r.explicit_hash_key, m.ehk_hash);
    *p++ = static_cast<char>(detail::field_key(2, wire_type::varint));
    p = detail::put_varint(p, ehk_index);
  }
  *p++ = static_cast<char>(detail::field_key(3, wire_type::length_delimited));
  p = detail::put_varint(p, r.data.size());
  buffer_.append(head, p);
  buffer_.append(r.data);
  for (tag const& t : r.tags) {
    std::size_t tag_body = delimited_size(t.key.size()) + (t.value ? delimited_size(t.value->size()) : 0);
    p = head;
    *p++ = static_cast<char>(detail::field_key(4, wire_type::length_delimited));
    p = detail::put_varint(p, tag_body);
    *p++ = static_cast<char>(detail::field_key(1, wire_type::length_delimited));
    p = detail::put_varint(p, t.key.size());
    buffer_.append(head, p);
    buffer_.append(t.key);
    if (t.value) {
      p = head;
      *p++ = static_cast<char>(detail::field_key(2, wire_type::length_delimited));
      p = detail::put_varint(p, t.value->size());
      buffer_.append(head, p);
      buffer_.append(*t.value);
    }
  }
  records_end_ = buffer_.size();
  ++count_;
  // A producer fills one aggregate per shard, in turns: each buffer's tail
  // goes cold between its records, and the lines past it were last written
  // an aggregate ago. Asking for a line a few records ahead keeps the
  // appends from waiting for it (a prefetch past the allocation is harmless).
  __builtin_prefetch(buffer_.data() + records_end_ + 4 * 64, 1);
  return true;
}

void aggregator::append_tables(std::string& out) const
{
  out.append(pk_table_.bytes());
  out.append(ehk_table_.bytes());
}

void aggregator::finish_into(std::string& out) const
{
  std::size_t const start = out.size();
  out.reserve(start + size());
  out.append(buffer_, 0, records_end_);
  append_tables(out);
  auto digest = detail::md5(std::string_view(out).substr(start + kpl_magic.size()));
  out.append(reinterpret_cast<char const*>(digest.data()), digest.size());
}

void aggregator::finish_into_without_digest(std::string& out) const
{
  out.reserve(out.size() + size());
  out.append(buffer_, 0, records_end_);
  append_tables(out);
}

void aggregator::append_digests(std::span<std::string* const> records)
{
  constexpr std::size_t chunk = 16;
  std::string_view protobufs[chunk];
  md5_digest digests[chunk];
  for (std::size_t first = 0; first < records.size(); first += chunk) {
    std::size_t n = std::min(chunk, records.size() - first);
    for (std::size_t i = 0; i < n; ++i) protobufs[i] = std::string_view(*records[first + i]).substr(kpl_magic.size());
    detail::md5_many(std::span<std::string_view const>(protobufs, n), digests);
    for (std::size_t i = 0; i < n; ++i)
      records[first + i]->append(reinterpret_cast<char const*>(digests[i].data()), digests[i].size());
  }
}

std::string_view aggregator::finish()
{
  aggregator* self = this;
  finish_all(std::span<aggregator* const>(&self, 1));
  return buffer_;
}

void aggregator::finish_all(std::span<aggregator* const> batch)
{
  // Small fixed chunks keep this allocation-free; a PutRecords request
  // holds at most five full records anyway.
  constexpr std::size_t chunk = 16;
  std::string_view protobufs[chunk];
  md5_digest digests[chunk];
  for (std::size_t first = 0; first < batch.size(); first += chunk) {
    std::size_t n = std::min(chunk, batch.size() - first);
    for (std::size_t i = 0; i < n; ++i) {
      aggregator& a = *batch[first + i];
      a.buffer_.resize(a.records_end_);
      a.buffer_.reserve(a.size());
      a.append_tables(a.buffer_);
      protobufs[i] = std::string_view(a.buffer_).substr(kpl_magic.size());
    }
    detail::md5_many(std::span<std::string_view const>(protobufs, n), digests);
    for (std::size_t i = 0; i < n; ++i)
      batch[first + i]->buffer_.append(reinterpret_cast<char const*>(digests[i].data()), digests[i].size());
  }
}

std::string_view aggregator::finished_record() const noexcept
{
  return buffer_.size() == size() ? std::string_view(buffer_) : std::string_view();
}

void aggregator::reset() noexcept
{
  pk_table_.reset();
  ehk_table_.reset();
  buffer_.resize(kpl_magic.size());
  records_end_ = buffer_.size();
  count_ = 0;
}

}  // namespace kinesys::codecs
