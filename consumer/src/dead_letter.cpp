#include <kinesys/detail/consumer/dead_letter.hpp>

#include <kinesys/detail/codecs/base64.hpp>
#include <kinesys/detail/codecs/json_reader.hpp>
#include <kinesys/detail/codecs/json_writer.hpp>

namespace kinesys::consumer {

void append_ndjson(std::string& out, dead_letter const& d)
{
  codecs::json_writer w(out);
  w.begin_object();
  w.member("reason", d.reason);
  w.member("error", d.error);
  w.member("stream", d.stream);
  w.member("shard", d.shard);
  w.member("sequence", d.sequence);
  w.member("sub_sequence", d.sub_sequence);
  w.member("partition_key", d.partition_key);
  w.member("arrival_ms", d.arrival_ms);
  if (!d.table.empty()) w.member("table", d.table);
  w.member("attempts", static_cast<std::uint64_t>(d.attempts));
  w.member("time_ms", d.time_ms);
  w.key("data").base64_string(d.data);
  w.end_object();
  out.push_back('\n');
}

std::string to_ndjson(dead_letter const& d)
{
  std::string out;
  append_ndjson(out, d);
  return out;
}

boost::system::result<dead_letter> parse_dead_letter(std::string_view line, std::string* problem)
{
  auto fail = [&](std::string what) -> boost::system::result<dead_letter> {
    if (problem) *problem = std::move(what);
    return make_error_code(errc::bad_dead_letter);
  };
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  std::string copy(line);
  auto& parser = codecs::thread_json_parser();
  auto doc = parser.iterate(codecs::padded(copy));
  simdjson::ondemand::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) return fail("not a JSON object");
  dead_letter d;
  bool have_data = false;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) return fail("bad key");
    auto value = field.value();
    auto text = [&](std::string& out) -> bool {
      std::string_view s;
      if (value.get_string().get(s) != simdjson::SUCCESS) return false;
      out = s;
      return true;
    };
    auto integer = [&](auto& out) -> bool {
      std::int64_t v = 0;
      if (value.get_int64().get(v) != simdjson::SUCCESS) return false;
      out = static_cast<std::remove_reference_t<decltype(out)>>(v);
      return true;
    };
    bool ok = true;
    if (key == "reason") ok = text(d.reason);
    else if (key == "error") ok = text(d.error);
    else if (key == "stream") ok = text(d.stream);
    else if (key == "shard") ok = text(d.shard);
    else if (key == "sequence") ok = text(d.sequence);
    else if (key == "sub_sequence") ok = integer(d.sub_sequence);
    else if (key == "partition_key") ok = text(d.partition_key);
    else if (key == "arrival_ms") ok = integer(d.arrival_ms);
    else if (key == "table") ok = text(d.table);
    else if (key == "attempts") ok = integer(d.attempts);
    else if (key == "time_ms") ok = integer(d.time_ms);
    else if (key == "data") {
      std::string b64;
      ok = text(b64);
      if (ok) {
        auto raw = codecs::base64_decode(b64);
        if (!raw) return fail("data: " + raw.error().message());
        d.data = std::move(*raw);
        have_data = true;
      }
    }
    if (!ok) return fail(std::string(key) + ": wrong type");
  }
  if (!have_data) return fail("data: missing");
  if (d.partition_key.empty()) return fail("partition_key: missing");
  return d;
}

}  // namespace kinesys::consumer
