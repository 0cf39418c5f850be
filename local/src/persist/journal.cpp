#include "persist/journal.hpp"

#include "common/json_out.hpp"
#include "persist/frame.hpp"
#include "persist/meta.hpp"

#include <cstdio>

namespace kinesys::local::persist {

namespace fs = std::filesystem;
namespace asio = boost::asio;

namespace {

engine::append_file_options file_options(persistence_options const& o)
{
  engine::append_file_options f;
  f.fsync = o.fsync == fsync_policy::always     ? engine::fsync_policy::always
            : o.fsync == fsync_policy::interval ? engine::fsync_policy::interval
                                                : engine::fsync_policy::never;
  f.fsync_interval = o.fsync_interval;
  return f;
}

std::string padded(std::uint64_t v, int width)
{
  std::string s = std::to_string(v);
  if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<std::size_t>(width) - s.size(), '0');
  return s;
}

void log_error(char const* what, fs::path const& p, boost::system::error_code ec)
{
  std::fprintf(stderr, "kinesys-local: %s %s: %s\n", what, p.c_str(), ec.message().c_str());
}

}  // namespace

core_journal::core_journal(persistence_options const& options, fs::path root, asio::any_io_executor ex,
                           kinesis::kinesis_service* kinesis, dynamo::dynamo_service* dynamo)
    : options_(options), root_(std::move(root)), ex_(std::move(ex)), kinesis_(kinesis), dynamo_(dynamo)
{
}

fs::path core_journal::stream_dir(fs::path const& root, std::string const& name) { return root / "streams" / ("s-" + name); }
fs::path core_journal::table_dir(fs::path const& root, std::string const& name) { return root / "tables" / ("t-" + name); }

core_journal::file_ptr core_journal::open_file(fs::path const& path)
{
  auto f = std::make_shared<pending_file>();
  f->path = path;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  auto opened = engine::append_file::open(ex_, path, file_options(options_));
  if (!opened) {
    log_error("cannot open", path, opened.error());
    if (!failure_) failure_ = opened.error();
    return f;
  }
  f->size = opened->size();
  f->file.emplace(std::move(*opened));
  return f;
}

void core_journal::mark(file_ptr const& f)
{
  if (!f->dirty) {
    f->dirty = true;
    dirty_.push_back(f);
  }
}

// --- streams ----------------------------------------------------------------------------

void core_journal::stream_changed(kinesis::stream const& s)
{
  fs::path dir = stream_dir(root_, s.name());
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (auto e = write_atomically(dir / "stream.json", stream_meta_json(s)); e) {
    log_error("cannot write", dir / "stream.json", e);
    if (!failure_) failure_ = e;
  }
  streams_.try_emplace(s.name());
}

void core_journal::stream_deleted(std::string const& name)
{
  if (auto it = streams_.find(name); it != streams_.end()) {
    for (auto& [ordinal, sh] : it->second.shards)
      if (sh.active) sh.active->retired = true, mark(sh.active);
    streams_.erase(it);
  }
  std::error_code ec;
  fs::remove_all(stream_dir(root_, name), ec);
}

void core_journal::record_appended(kinesis::stream const& s, kinesis::shard const& sh, kinesis::record_view const& r)
{
  auto& shard = streams_[s.name()].shards[sh.ordinal];
  // Roll over to a new segment once the active one is full; the old file
  // stays queued until its pending frames are written, then closes.
  if (shard.active && shard.active->size + shard.active->pending.size() >= options_.segment_bytes) {
    shard.active->retired = true;
    mark(shard.active);
    shard.active.reset();
  }
  if (!shard.active) {
    fs::path path = stream_dir(root_, s.name()) / std::to_string(sh.ordinal) / (padded(r.position, 20) + ".seg");
    shard.active = open_file(path);
    shard.segments.push_back({r.position, r.position, path});
  }
  // Payload: position, arrival, key length, key, data.
  std::string& p = scratch_;
  p.clear();
  put_u64(p, r.position);
  put_u64(p, static_cast<std::uint64_t>(r.arrival_ms));
  put_u16(p, static_cast<std::uint16_t>(r.partition_key.size()));
  p.append(r.partition_key);
  p.append(r.data);
  append_frame(shard.active->pending, p);
  shard.segments.back().last = r.position;
  mark(shard.active);
}

void core_journal::adopt_segment(std::string const& stream, std::uint32_t ordinal, std::uint64_t first, std::uint64_t last,
                                 fs::path const& path, std::uint64_t /*size*/, bool active)
{
  auto& shard = streams_[stream].shards[ordinal];
  shard.segments.push_back({first, last, path});
  if (active) shard.active = open_file(path);
}

// --- tables -------------------------------------------------------------------------------

void core_journal::table_created(dynamo::table const& t)
{
  fs::path dir = table_dir(root_, t.name);
  std::error_code ec;
  fs::remove_all(dir, ec);  // leftovers of a table deleted before a crash
  fs::create_directories(dir, ec);
  if (auto e = write_atomically(dir / "table.json", table_meta_json(t)); e) {
    log_error("cannot write", dir / "table.json", e);
    if (!failure_) failure_ = e;
  }
  auto& tf = tables_[t.name];
  tf.generation = 0;
  tf.log = open_file(dir / ("log-" + padded(0, 10) + ".log"));
}

void core_journal::table_changed(dynamo::table const& t)
{
  fs::path dir = table_dir(root_, t.name);
  if (auto e = write_atomically(dir / "table.json", table_meta_json(t)); e) {
    log_error("cannot write", dir / "table.json", e);
    if (!failure_) failure_ = e;
  }
}

void core_journal::table_deleted(std::string const& name)
{
  if (auto it = tables_.find(name); it != tables_.end()) {
    if (it->second.log) it->second.log->retired = true, mark(it->second.log);
    tables_.erase(it);
  }
  std::error_code ec;
  fs::remove_all(table_dir(root_, name), ec);
}

namespace {

// Payload: op (1 put, 2 delete), hash key, range key, then for a put the
// item as DynamoDB JSON.
void encode_item(std::string& p, char op, dynamo::item_key const& k, dynamo::item const* it)
{
  p.clear();
  p.push_back(op);
  put_u32(p, static_cast<std::uint32_t>(k.hash.size()));
  p.append(k.hash);
  put_u32(p, static_cast<std::uint32_t>(k.range.size()));
  p.append(k.range);
  if (it) {
    json_out w(p);
    dynamo::write_item(w, *it);
  }
}

}  // namespace

void core_journal::item_put(dynamo::table const& t, dynamo::item_key const& k, dynamo::item const& it)
{
  auto& tf = tables_[t.name];
  if (!tf.log) tf.log = open_file(table_dir(root_, t.name) / ("log-" + padded(tf.generation, 10) + ".log"));
  encode_item(scratch_, 1, k, &it);
  append_frame(tf.log->pending, scratch_);
  mark(tf.log);
}

void core_journal::item_deleted(dynamo::table const& t, dynamo::item_key const& k)
{
  auto& tf = tables_[t.name];
  if (!tf.log) tf.log = open_file(table_dir(root_, t.name) / ("log-" + padded(tf.generation, 10) + ".log"));
  encode_item(scratch_, 2, k, nullptr);
  append_frame(tf.log->pending, scratch_);
  mark(tf.log);
}

void core_journal::adopt_table(std::string const& name, std::uint64_t generation, fs::path const& log, std::uint64_t)
{
  auto& tf = tables_[name];
  tf.generation = generation;
  tf.log = open_file(log);
}

// --- writing ----------------------------------------------------------------------------------

asio::awaitable<boost::system::error_code> core_journal::commit()
{
  // Nothing written by this operation (a read): it needs nothing from the
  // disk, so it is answered even after a write failed. Writes stay refused
  // from the first failure on: the file may hold a torn frame, and nothing
  // after it could be acknowledged honestly.
  if (dirty_.empty()) co_return boost::system::error_code{};
  // Take the batch: operations that run while we wait start the next one.
  std::vector<file_ptr> batch;
  batch.swap(dirty_);
  for (auto& f : batch) {
    f->dirty = false;
    std::string bytes;
    bytes.swap(f->pending);
    f->size += bytes.size();
    if (f->file && !bytes.empty()) {
      if (auto ec = co_await f->file->append(bytes); ec) {
        log_error("write failed on", f->path, ec);
        if (!failure_) failure_ = ec;
      }
    } else if (!f->file && !bytes.empty() && !failure_) {
      failure_ = make_error_code(errc::io_error);
    }
    if (f->retired && !f->dirty && f->file) {
      auto ec = co_await f->file->close();
      if (ec) log_error("close failed on", f->path, ec);
      f->file.reset();
    }
  }
  co_return failure_;
}

asio::awaitable<void> core_journal::housekeeping()
{
  // Segments whose records the model has all trimmed (retention, memory
  // cap) go; the active segment always stays, it carries the position.
  for (auto& [name, sf] : streams_) {
    kinesis::stream* s = kinesis_ ? kinesis_->find_stream(name) : nullptr;
    if (!s) continue;
    for (auto& [ordinal, shard] : sf.shards) {
      auto* model_shard = s->find(ordinal);
      if (!model_shard) continue;
      std::uint64_t const begin = model_shard->records.begin();
      std::size_t const keep = shard.active ? 1 : 0;
      while (shard.segments.size() > keep && shard.segments.front().last < begin) {
        std::error_code ec;
        fs::remove(shard.segments.front().path, ec);
        shard.segments.pop_front();
      }
    }
  }
  std::vector<std::string> to_compact;
  for (auto& [name, tf] : tables_)
    if (!tf.compacting && tf.log && tf.log->size + tf.log->pending.size() > options_.table_log_bytes) to_compact.push_back(name);
  for (auto& name : to_compact) co_await compact(name);
}

asio::awaitable<void> core_journal::compact(std::string name)
{
  auto it = tables_.find(name);
  dynamo::table* t = dynamo_ ? dynamo_->find_table(name) : nullptr;
  if (it == tables_.end() || !t) co_return;
  auto& tf = it->second;
  tf.compacting = true;
  std::uint64_t const gen = tf.generation + 1;
  fs::path const dir = table_dir(root_, name);
  // New writes go to the next log first; the snapshot taken after that is
  // then at least as new as everything the old log held, and replaying the
  // new log over it is harmless (puts and deletes are absolute).
  file_ptr old_log = tf.log;
  if (old_log) old_log->retired = true, mark(old_log);
  tf.log = open_file(dir / ("log-" + padded(gen, 10) + ".log"));
  tf.generation = gen;

  std::string snapshot;
  std::string payload;
  for (auto const* hash : t->scan_order()) {
    auto const* part = t->find_partition(*hash);
    if (!part) continue;
    for (auto const& [range, stored] : *part) {
      encode_item(payload, 1, {*hash, range}, &stored.attributes);
      append_frame(snapshot, payload);
    }
  }
  co_await commit();  // the old log's last frames, then it closes
  fs::path const tmp = dir / ("snapshot-" + padded(gen, 10) + ".tmp");
  auto opts = file_options(options_);
  opts.fsync = engine::fsync_policy::always;  // a snapshot replaces files: it must be durable first
  auto file = engine::append_file::open(ex_, tmp, opts);
  bool ok = static_cast<bool>(file);
  if (ok) {
    ok = !(co_await file->append(snapshot)) && !(co_await file->close());
  }
  std::error_code ec;
  if (ok) {
    fs::rename(tmp, dir / ("snapshot-" + padded(gen, 10) + ".snap"), ec);
    ok = !ec;
  }
  if (ok) {
    fs::remove(dir / ("snapshot-" + padded(gen - 1, 10) + ".snap"), ec);
    fs::remove(dir / ("log-" + padded(gen - 1, 10) + ".log"), ec);
  } else {
    fs::remove(tmp, ec);
    std::fprintf(stderr, "kinesys-local: snapshot of table %s failed; keeping its logs\n", name.c_str());
  }
  if (auto again = tables_.find(name); again != tables_.end()) again->second.compacting = false;
}

asio::awaitable<void> core_journal::close()
{
  for (auto& [name, sf] : streams_)
    for (auto& [ordinal, shard] : sf.shards)
      if (shard.active) shard.active->retired = true, mark(shard.active);
  for (auto& [name, tf] : tables_)
    if (tf.log) tf.log->retired = true, mark(tf.log);
  co_await commit();
  streams_.clear();
  tables_.clear();
}

}  // namespace kinesys::local::persist
