// kinesys-local's recovery of a data directory: a segment file, a table log
// and the two metadata files come from the input (split at "\n--8<--\n";
// a part not given is a valid default), store::open replays them, and a
// second open of the same directory finds exactly what the first kept and
// no torn tail (the first cut it). Never a crash, whatever the bytes.
#include "dispatch/dispatcher_state.hpp"
#include "persist/frame.hpp"
#include "persist/meta.hpp"
#include "persist/store.hpp"

#include <kinesys/local.hpp>

#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace local = kinesys::local;
namespace persist = kinesys::local::persist;
namespace fs = std::filesystem;

namespace {

struct default_meta {
  std::string stream, table;
};

/// The metadata files as the journal writes them, taken from a real model.
default_meta make_default_meta()
{
  local::local_options o;
  o.clock = local::manual_clock::as_clock(std::make_shared<local::manual_clock>());
  local::dispatcher model(o);
  std::string body = R"({"StreamName":"s","ShardCount":1})";
  model.handle("Kinesis_20131202.CreateStream", body);
  body = R"({"TableName":"tbl","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}],)"
         R"("KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"})";
  model.handle("DynamoDB_20120810.CreateTable", body);
  auto& state = model.state();
  auto* stream = state.cores[0].kinesis->find_stream("s");
  auto* table = state.cores[state.dynamo_core].dynamo->find_table("tbl");
  if (!stream || !table) std::abort();
  return {persist::stream_meta_json(*stream), persist::table_meta_json(*table)};
}

void write(fs::path const& p, std::string_view bytes)
{
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

persist::store::replay_stats open_once(fs::path const& dir)
{
  local::local_options o;
  o.persistence.data_dir = dir.string();
  o.persistence.fsync = local::fsync_policy::never;
  o.clock = local::manual_clock::as_clock(std::make_shared<local::manual_clock>());
  local::dispatcher model(o);
  boost::asio::io_context io(1);
  auto s = persist::store::open(o.persistence, model, {io.get_executor()});
  if (!s) return {};
  return (*s)->stats();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
  static default_meta const meta = make_default_meta();
  static fs::path const dir = fs::temp_directory_path() / ("kinesys-fuzz-recovery-" + std::to_string(::getpid()));

  std::string_view in(reinterpret_cast<char const*>(data), size);
  std::string_view parts[4] = {};
  bool given[4] = {};
  constexpr std::string_view cut = "\n--8<--\n";
  for (int i = 0; i < 4; ++i) {
    auto at = in.find(cut);
    parts[i] = in.substr(0, at);
    given[i] = true;
    if (at == std::string_view::npos) break;
    in.remove_prefix(at + cut.size());
  }
  // Part order: segment, table log, stream.json, table.json.
  fs::remove_all(dir);
  write(dir / "streams" / "s-s" / "stream.json", given[2] ? parts[2] : std::string_view(meta.stream));
  write(dir / "streams" / "s-s" / "0" / "00000000000000000000.seg", parts[0]);
  write(dir / "tables" / "t-tbl" / "table.json", given[3] ? parts[3] : std::string_view(meta.table));
  write(dir / "tables" / "t-tbl" / "log-0000000000.log", parts[1]);

  auto const first = open_once(dir);
  auto const second = open_once(dir);
  if (second.torn_tails != 0) std::abort();  // the first open cut every torn tail
  if (second.records != first.records || second.items != first.items || second.streams != first.streams ||
      second.tables != first.tables)
    std::abort();
  return 0;
}
