#include "persist/meta.hpp"

#include "common/json_out.hpp"

#include <simdjson.h>

#include <cerrno>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace kinesys::local::persist {

std::string stream_meta_json(kinesis::stream const& s)
{
  std::string out;
  json_out w(out);
  w.begin_object();
  w.key("name").string(s.name());
  w.key("epoch").number(s.epoch_ms());
  w.key("mode").string(s.mode() == kinesis::stream_mode::on_demand ? "ON_DEMAND" : "PROVISIONED");
  w.key("retention_hours").number(s.retention_hours());
  w.key("shards").begin_array();
  for (auto const& sh : s.shards()) {
    w.begin_object();
    w.key("ordinal").number(sh.ordinal);
    w.key("start").string(to_string_u128(sh.start_hash));
    w.key("end").string(to_string_u128(sh.end_hash));
    w.key("parent").number(sh.parent ? static_cast<std::int64_t>(*sh.parent) : -1);
    w.key("adjacent_parent").number(sh.adjacent_parent ? static_cast<std::int64_t>(*sh.adjacent_parent) : -1);
    w.key("created_ms").number(sh.created_ms);
    w.key("closed_ms").number(sh.closed_ms ? *sh.closed_ms : -1);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

std::string table_meta_json(dynamo::table const& t)
{
  std::string out;
  json_out w(out);
  w.begin_object();
  w.key("name").string(t.name);
  w.key("hash_name").string(t.hash_key.name);
  w.key("hash_type").string(dynamo::type_name(t.hash_key.type));
  if (t.range_key) {
    w.key("range_name").string(t.range_key->name);
    w.key("range_type").string(dynamo::type_name(t.range_key->type));
  }
  w.key("definitions").begin_array();
  for (auto const& d : t.attribute_definitions)
    w.begin_object().key("name").string(d.name).key("type").string(dynamo::type_name(d.type)).end_object();
  w.end_array();
  w.key("pay_per_request").boolean(t.pay_per_request);
  w.key("read_capacity").number(t.read_capacity);
  w.key("write_capacity").number(t.write_capacity);
  w.key("created_ms").number(t.created_ms);
  w.key("table_id").string(t.table_id);
  w.end_object();
  return out;
}

namespace {

api_error corrupt(std::string what) { return {errc::corrupt_frame, "damaged metadata: " + std::move(what)}; }

std::optional<dynamo::av_type> key_type(std::string_view t)
{
  if (t == "S") return dynamo::av_type::s;
  if (t == "N") return dynamo::av_type::n;
  if (t == "B") return dynamo::av_type::b;
  return std::nullopt;
}

}  // namespace

outcome<std::unique_ptr<kinesis::stream>> stream_from_meta(std::string const& json, kinesis::shard_rates rates,
                                                           std::int64_t now_ns)
{
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc)) return corrupt("stream.json is not JSON");
  std::string_view name, mode;
  std::int64_t epoch = 0, retention = 24;
  simdjson::dom::array shards;
  if (doc["name"].get(name) || doc["epoch"].get(epoch) || doc["mode"].get(mode) || doc["shards"].get(shards))
    return corrupt("stream.json lacks a member");
  if (doc["retention_hours"].get(retention)) retention = 24;
  auto s = std::make_unique<kinesis::stream>(std::string(name), epoch,
                                             mode == "ON_DEMAND" ? kinesis::stream_mode::on_demand : kinesis::stream_mode::provisioned,
                                             rates);
  s->set_retention_hours(static_cast<std::uint32_t>(retention));
  for (auto sh : shards) {
    std::int64_t ordinal = 0, parent = -1, adjacent = -1, created = 0, closed = -1;
    std::string_view start, end;
    if (sh["ordinal"].get(ordinal) || sh["start"].get(start) || sh["end"].get(end) || sh["created_ms"].get(created))
      return corrupt("stream.json shard lacks a member");
    if (sh["parent"].get(parent)) parent = -1;
    if (sh["adjacent_parent"].get(adjacent)) adjacent = -1;
    if (sh["closed_ms"].get(closed)) closed = -1;
    auto lo = parse_u128(start), hi = parse_u128(end);
    if (!lo || !hi) return corrupt("stream.json hash range");
    auto opt = [](std::int64_t v) { return v < 0 ? std::nullopt : std::optional<std::uint32_t>(static_cast<std::uint32_t>(v)); };
    s->restore_shard(static_cast<std::uint32_t>(ordinal), *lo, *hi, opt(parent), opt(adjacent), created,
                     closed < 0 ? std::nullopt : std::optional<std::int64_t>(closed), 0, now_ns);
  }
  s->rebuild_open_index();
  return s;
}

outcome<std::unique_ptr<dynamo::table>> table_from_meta(std::string const& json)
{
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc)) return corrupt("table.json is not JSON");
  auto t = std::make_unique<dynamo::table>();
  std::string_view name, hash_name, hash_type, id;
  bool ppr = false;
  std::int64_t rcu = 0, wcu = 0, created = 0;
  if (doc["name"].get(name) || doc["hash_name"].get(hash_name) || doc["hash_type"].get(hash_type) ||
      doc["pay_per_request"].get(ppr) || doc["read_capacity"].get(rcu) || doc["write_capacity"].get(wcu) ||
      doc["created_ms"].get(created))
    return corrupt("table.json lacks a member");
  if (doc["table_id"].get(id)) id = {};
  auto ht = key_type(hash_type);
  if (!ht) return corrupt("table.json key type");
  t->name = std::string(name);
  t->hash_key = {std::string(hash_name), *ht};
  std::string_view range_name, range_type;
  if (!doc["range_name"].get(range_name) && !doc["range_type"].get(range_type)) {
    auto rt = key_type(range_type);
    if (!rt) return corrupt("table.json key type");
    t->range_key = dynamo::key_attribute{std::string(range_name), *rt};
  }
  simdjson::dom::array defs;
  if (!doc["definitions"].get(defs))
    for (auto d : defs) {
      std::string_view dn, dt;
      if (d["name"].get(dn) || d["type"].get(dt) || !key_type(dt)) return corrupt("table.json definitions");
      t->attribute_definitions.push_back({std::string(dn), *key_type(dt)});
    }
  t->pay_per_request = ppr;
  t->read_capacity = rcu;
  t->write_capacity = wcu;
  t->created_ms = created;
  t->table_id = std::string(id);
  return t;
}

boost::system::error_code write_atomically(std::filesystem::path const& path, std::string const& content)
{
  auto fail = [] { return boost::system::error_code(errno, boost::system::system_category()); };
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail();
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      auto ec = fail();
      ::close(fd);
      return ec;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    auto ec = fail();
    ::close(fd);
    return ec;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail();
  // The rename is durable only once the directory is.
  int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return {};
}

outcome<std::string> read_file(std::filesystem::path const& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) return api_error{errc::io_error, "cannot read " + path.string()};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace kinesys::local::persist
