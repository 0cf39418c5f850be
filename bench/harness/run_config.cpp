#include "run_config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace kinesys::bench {

namespace {

std::string lower(std::string_view s)
{
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return out;
}

template <class T>
bool parse_number(std::string_view text, T& out)
{
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && p == text.data() + text.size();
}

/// Producer sizes accept "64KiB"; the producer itself takes bytes.
std::string normalise_value(std::string_view key, std::string_view value)
{
  auto k = lower(key);
  if (k.find("size") != std::string::npos || k.find("bytes") != std::string::npos)
    if (auto n = parse_size(value)) return std::to_string(*n);
  return std::string(value);
}

/// "none", "zstd" (level 1), "zstd3".
boost::system::result<void, std::string> apply_compression(run_config& c, std::string_view value)
{
  if (value == "none") {
    c.producer.compression = producer::compression_codec::none;
  } else if (value.starts_with("zstd")) {
    int level = 1;
    auto digits = value.substr(4);
    if (!digits.empty() && (!parse_number(digits, level) || level < 1 || level > 19))
      return std::string("compression: zstd level must be between 1 and 19, got \"") + std::string(value) + "\"";
    c.producer.compression = producer::compression_codec::zstd;
    c.producer.compression_level = level;
  } else {
    return std::string("compression: expected none, zstd or zstd<level>, got \"") + std::string(value) + "\"";
  }
  c.compression = std::string(value);
  return {};
}

}  // namespace

std::string run_config::label() const
{
  std::string out;
  for (auto const& s : swept) {
    if (!out.empty()) out += ' ';
    out += s.key + '=' + s.value;
  }
  return out.empty() ? "default" : out;
}

boost::system::result<void, std::string> apply_setting(run_config& c, setting const& s)
{
  auto const key = lower(s.key);
  auto const& v = s.value;
  auto bad = [&](std::string_view what) { return s.key + ": " + std::string(what) + ", got \"" + v + "\""; };
  if (key == "compression") return apply_compression(c, v);
  if (key == "rate") {
    if (!parse_number(v, c.rate) || c.rate < 0) return bad("expected records/s (0 = as fast as possible)");
    return {};
  }
  if (key == "write_rate") {
    if (!parse_number(v, c.write_rate) || c.write_rate < 0) return bad("expected items/s (0 = unlimited)");
    return {};
  }
  if (key == "mode") {
    if (v != "put" && v != "merge") return bad("expected put or merge");
    c.mode = v;
    return {};
  }
  if (key == "keys") {
    if (!parse_number(v, c.keys) || c.keys == 0) return bad("expected a positive count");
    return {};
  }
  if (key == "record_size") {
    auto n = parse_size(v);
    if (!n || *n < 16 || *n > 1000000) return bad("expected between 16 B and 1000000 B");
    c.record_size = *n;
    return {};
  }
  if (key == "shards") {
    if (!parse_number(v, c.shards) || c.shards < 1 || c.shards > 1000) return bad("expected 1 .. 1000");
    return {};
  }
  if (key == "put_batch") {
    if (!parse_number(v, c.put_batch) || c.put_batch < 1 || c.put_batch > 10000) return bad("expected 1 .. 10000");
    return {};
  }
  if (key == "raw_concurrency") {
    if (!parse_number(v, c.raw_concurrency) || c.raw_concurrency < 1 || c.raw_concurrency > 256)
      return bad("expected 1 .. 256");
    return {};
  }
  if (key == "connections") {
    // One knob for both sides: the producer's pool and the consumer's.
    if (auto r = c.producer.set("MaxConnections", v); !r) return r.error().message();
    c.consumer.push_back({"aws.max_connections", v});
    c.raw_concurrency = std::min<std::size_t>(c.producer.max_connections, 256);
    return {};
  }
  // An explicit owner: "producer.Cores=2", "consumer.cores=2".
  if (key.starts_with("producer.")) {
    auto r = c.producer.set(s.key.substr(9), normalise_value(s.key.substr(9), v));
    if (!r) return r.error().message();
    return {};
  }
  if (key.starts_with("consumer.")) {
    c.consumer.push_back({s.key.substr(9), v});
    return {};
  }
  if (s.key.find('.') != std::string::npos) {
    c.consumer.push_back({s.key, v});
    return {};
  }
  auto r = c.producer.set(s.key, normalise_value(s.key, v));
  if (r) return {};
  if (r.error().reason != "unknown key") return r.error().message();
  // Not the producer's: a top-level consumer key (cores, log_level, ...).
  c.consumer.push_back({s.key, v});
  return {};
}

boost::system::result<run_config, std::string> make_run_config(bench_options const& o,
                                                               std::vector<setting> const& swept)
{
  run_config c;
  c.shards = o.shards;
  c.record_size = o.record_size;
  // Benchmark defaults, each overridable: a rate limit well above the
  // shard limit when the endpoint does not enforce one (the producer would
  // otherwise pace itself to 1.5 x 1000 records/s per shard), and room for
  // a few seconds of records in flight.
  if (!o.local_limits && o.endpoint.empty()) c.producer.rate_limit = 100000;
  c.producer.max_outstanding_records = 200000;
  c.producer.record_max_buffered_time = std::chrono::milliseconds(50);
  for (auto const& s : o.settings)
    if (auto r = apply_setting(c, s); !r) return r.error();
  for (auto const& s : swept)
    if (auto r = apply_setting(c, s); !r) return r.error();
  c.swept = swept;
  if (auto v = c.producer.validate(); !v) return v.error().message();
  // Consumer keys are checked now too, whatever the scenario: a typo must
  // not pass silently because this scenario happens not to read it.
  if (auto k = make_consumer_config(c, "check", "check_t", "id", "n"); !k) return k.error();
  return c;
}

std::vector<std::vector<setting>> sweep_points(std::vector<sweep_axis> const& axes)
{
  std::vector<std::vector<setting>> points{{}};
  for (auto const& axis : axes) {
    std::vector<std::vector<setting>> next;
    for (auto const& p : points)
      for (auto const& v : axis.values) {
        auto q = p;
        q.push_back({axis.key, v});
        next.push_back(std::move(q));
      }
    points = std::move(next);
  }
  return points;
}

boost::system::result<consumer::consumer_config, std::string> make_consumer_config(
    run_config const& c, std::string const& stream, std::string const& table, std::string const& key_field,
    std::string const& counter_field)
{
  // shutdown_timeout: when a run ends, what is still pending need not be
  // written (nothing checks it), so the next run starts within 3 s.
  std::string text = "stream = \"" + stream + "\"\napplication = \"" + stream +
                     "-app\"\ncores = 1\nlog_level = \"warn\"\nshutdown_timeout_ms = 3000\n"
                     "[lease]\nduration_ms = 3000\n[metrics]\nport = -1\n[dead_letter]\nfile = \"\"\n"
                     "[tables." + table + "]\nhash_key = \"" + key_field + "\"\nmode = \"" + c.mode + "\"\n";
  if (c.write_rate > 0) text += "rate_limit = " + std::to_string(c.write_rate) + "\n";
  if (c.mode == "merge" && !counter_field.empty()) text += "counters = [\"" + counter_field + "\"]\n";
  auto r = consumer::parse_config(text, "kinesys-bench", c.consumer);
  if (!r) return {boost::system::in_place_error, r.error().message()};
  return {boost::system::in_place_value, std::move(*r)};
}

}  // namespace kinesys::bench
