// Opening a data directory: replay streams and tables into the models, cut
// torn tails, then attach a journal to each core.
#include "persist/store.hpp"

#include "common/json_in.hpp"
#include "dispatch/dispatcher_state.hpp"
#include "persist/frame.hpp"
#include "persist/journal.hpp"
#include "persist/meta.hpp"

#include <kinesys/detail/codecs/json_reader.hpp>

#include <algorithm>
#include <cstdio>
#include <unistd.h>

namespace kinesys::local::persist {

namespace fs = std::filesystem;
namespace asio = boost::asio;

namespace {

std::vector<fs::path> files_with(fs::path const& dir, std::string_view ext)
{
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto const& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ext) out.push_back(e.path());
  std::sort(out.begin(), out.end());  // zero-padded names sort by number
  return out;
}

std::uint64_t number_in(fs::path const& p)
{
  std::string stem = p.stem().string();
  auto dash = stem.rfind('-');
  if (dash != std::string::npos) stem = stem.substr(dash + 1);
  try {
    return std::stoull(stem);
  } catch (...) {
    return 0;
  }
}

// Reads a framed file, hands each intact frame to `on_frame`, cuts a torn
// tail. Returns the intact size.
outcome<std::uint64_t> replay_file(fs::path const& path, std::function<void(std::string_view)> const& on_frame,
                                   std::size_t& torn)
{
  auto data = read_file(path);
  if (!data) return data.error();
  std::size_t const good = read_frames(*data, on_frame);
  if (good < data->size()) {
    ++torn;
    std::fprintf(stderr, "kinesys-local: %s: cutting %zu damaged trailing bytes at offset %zu\n", path.c_str(),
                 data->size() - good, good);
    if (::truncate(path.c_str(), static_cast<off_t>(good)) != 0)
      return api_error{errc::io_error, "cannot truncate " + path.string()};
  }
  return good;
}

}  // namespace

boost::system::result<std::unique_ptr<store>> store::open(persistence_options const& options, dispatcher& model,
                                                          std::vector<asio::any_io_executor> executors)
{
  fs::path const root = options.data_dir;
  std::error_code ec;
  fs::create_directories(root / "streams", ec);
  fs::create_directories(root / "tables", ec);
  if (ec) return boost::system::error_code(ec.value(), boost::system::system_category());

  auto& state = model.state();
  std::unique_ptr<store> s(new store());
  for (std::size_t i = 0; i < state.cores.size(); ++i) {
    auto& c = state.cores[i];
    s->journals_.push_back(std::make_unique<core_journal>(options, root, executors.at(i), c.kinesis.get(), c.dynamo.get()));
  }
  auto fail = [](api_error const& e) {
    std::fprintf(stderr, "kinesys-local: %s\n", e.message.c_str());
    return boost::system::error_code(make_error_code(e.code));
  };

  // Streams.
  for (auto const& entry : fs::directory_iterator(root / "streams", ec)) {
    if (!entry.is_directory() || entry.path().filename().string().rfind("s-", 0) != 0) continue;
    auto meta = read_file(entry.path() / "stream.json");
    if (!meta) continue;  // created and deleted before its metadata landed
    std::string const name = entry.path().filename().string().substr(2);
    std::size_t const core = model.stream_core(name);
    auto& svc = *state.cores[core].kinesis;
    auto st = stream_from_meta(*meta, svc.rates(), state.cores[core].context.now_ns());
    if (!st) return fail(st.error());
    auto& journal = *s->journals_[core];
    for (auto& sh : (*st)->shards()) {
      fs::path const dir = entry.path() / std::to_string(sh.ordinal);
      auto segments = files_with(dir, ".seg");
      for (std::size_t k = 0; k < segments.size(); ++k) {
        std::uint64_t first = number_in(segments[k]), last = first;
        bool any = false;
        if (sh.records.empty() && sh.records.end() < first) sh.records.skip_to(first);
        auto good = replay_file(segments[k], [&](std::string_view payload) {
          std::uint64_t pos = 0, arrival = 0;
          std::uint16_t klen = 0;
          std::string_view key;
          if (!get_u64(payload, pos) || !get_u64(payload, arrival) || !get_u16(payload, klen) || !get_bytes(payload, klen, key))
            return;
          if (pos < sh.records.end()) return;  // already replayed (overlapping segments)
          if (pos > sh.records.end()) sh.records.skip_to(pos);
          sh.records.append(key, payload, static_cast<std::int64_t>(arrival));
          last = pos;
          any = true;
          ++s->stats_.records;
        }, s->stats_.torn_tails);
        if (!good) return fail(good.error());
        if (!any) last = first;
        journal.adopt_segment(name, sh.ordinal, first, last, segments[k], *good, k + 1 == segments.size() && sh.open());
      }
    }
    (*st)->rebuild_open_index();
    svc.restore_stream(std::move(*st));
    ++s->stats_.streams;
  }

  // Tables.
  std::size_t const tcore = model.table_core();
  auto* dyn = state.cores[tcore].dynamo.get();
  for (auto const& entry : fs::directory_iterator(root / "tables", ec)) {
    if (!entry.is_directory() || entry.path().filename().string().rfind("t-", 0) != 0) continue;
    auto meta = read_file(entry.path() / "table.json");
    if (!meta) continue;
    auto t = table_from_meta(*meta);
    if (!t) return fail(t.error());
    (*t)->configure_capacity(options.data_dir.empty() ? 300 : state.options.dynamodb.burst_seconds,
                             state.cores[tcore].context.now_ns());
    for (auto const& tmp : files_with(entry.path(), ".tmp")) fs::remove(tmp, ec);
    auto snapshots = files_with(entry.path(), ".snap");
    std::uint64_t const base = snapshots.empty() ? 0 : number_in(snapshots.back());
    dynamo::table& table = **t;
    auto apply = [&](std::string_view payload) {
      if (payload.empty()) return;
      char const op = payload[0];
      payload.remove_prefix(1);
      std::uint32_t hlen = 0, rlen = 0;
      std::string_view hash, range;
      if (!get_u32(payload, hlen) || !get_bytes(payload, hlen, hash) || !get_u32(payload, rlen) || !get_bytes(payload, rlen, range))
        return;
      dynamo::item_key k{std::string(hash), std::string(range)};
      if (op == 2) {
        table.erase(k);
        return;
      }
      std::string json(payload);
      auto doc = json_in::parse(json);
      if (!doc) return;
      try {
        json_in::value v = doc->get_value();
        auto item = dynamo::parse_item(v);
        if (item) {
          table.put(k, std::move(*item));
          ++s->stats_.items;
        }
      } catch (simdjson::simdjson_error const&) {
      }
    };
    if (!snapshots.empty()) {
      auto good = replay_file(snapshots.back(), apply, s->stats_.torn_tails);
      if (!good) return fail(good.error());
    }
    auto logs = files_with(entry.path(), ".log");
    fs::path active_log;
    std::uint64_t active_size = 0, generation = base;
    for (auto const& log : logs) {
      std::uint64_t const g = number_in(log);
      if (g < base) {
        fs::remove(log, ec);  // folded into the snapshot already
        continue;
      }
      auto good = replay_file(log, apply, s->stats_.torn_tails);
      if (!good) return fail(good.error());
      active_log = log;
      active_size = *good;
      generation = g;
    }
    std::string const name = table.name;
    if (active_log.empty()) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "log-%010llu.log", static_cast<unsigned long long>(generation));
      active_log = entry.path() / buf;
    }
    if (dyn) {
      dyn->restore_table(std::move(*t));
      s->journals_[tcore]->adopt_table(name, generation, active_log, active_size);
      ++s->stats_.tables;
    }
  }

  for (std::size_t i = 0; i < state.cores.size(); ++i) {
    auto& c = state.cores[i];
    c.kinesis->set_observer(s->journals_[i].get());
    if (c.dynamo) c.dynamo->set_observer(s->journals_[i].get());
  }
  return s;
}

store::~store() = default;

asio::awaitable<boost::system::error_code> store::commit(std::size_t core) { return journals_[core]->commit(); }
asio::awaitable<void> store::housekeeping(std::size_t core) { return journals_[core]->housekeeping(); }
asio::awaitable<void> store::close(std::size_t core) { return journals_[core]->close(); }

}  // namespace kinesys::local::persist
