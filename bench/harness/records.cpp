#include "records.hpp"

#include <simdjson.h>

#include <cstdio>
#include <fstream>
#include <random>

namespace kinesys::bench {

namespace {

std::string fixed_record(std::string const& key, std::size_t i, std::size_t size)
{
  std::string d = R"({"id":")" + key + R"(","n":1,"v":)" + std::to_string(i) + R"(,"pad":")";
  d.append(size > d.size() + 2 ? size - d.size() - 2 : 0, 'x');
  d += "\"}";
  return d;
}

/// The seeds' events ({"device_id", "time", "measurement", "value"}) with
/// what real telemetry has: several measurement kinds, drifting values with
/// varying precision, optional fields, so sizes and compressibility vary.
std::string telemetry_record(std::string const& key, std::size_t i, std::mt19937_64& rng)
{
  static constexpr char const* kinds[] = {"temperature", "humidity", "pressure", "energy", "co2"};
  static constexpr char const* units[] = {"C", "%", "hPa", "kWh", "ppm"};
  static constexpr char const* types[] = {"nuclear", "solar", "wind", "hydro", "gas"};
  std::uniform_int_distribution<int> kind(0, 4), minute(0, 59), second(0, 59), day(1, 28), prec(1, 4), extra(0, 3);
  std::normal_distribution<double> value(50, 20);
  int k = kind(rng);
  char time[32];
  std::snprintf(time, sizeof time, "2024-03-%02d %02d:%02d:%02d", day(rng), static_cast<int>(i / 3600 % 24),
                minute(rng), second(rng));
  char v[32];
  std::snprintf(v, sizeof v, "%.*f", prec(rng), value(rng));
  std::string d = R"({"device_id":")" + key + R"(","time":")" + time + R"(","measurement":")" + kinds[k] +
                  R"(","value":)" + v + R"(,"unit":")" + units[k] + R"(","seq":)" + std::to_string(i);
  switch (extra(rng)) {
    case 0: d += R"(,"energy_type":")" + std::string(types[i % 5]) + "\""; break;
    case 1: d += R"(,"battery":)" + std::to_string(100 - static_cast<int>(i % 100)); break;
    case 2: d += R"(,"firmware":"v2.)" + std::to_string(i % 17) + R"(.3","tags":["edge","eu-west"])"; break;
    default: break;
  }
  return d + "}";
}

boost::system::result<record_pool, std::string> read_ndjson(bench_options const& o, std::size_t count)
{
  std::ifstream in(o.ndjson_file);
  if (!in) return "--ndjson: cannot read " + o.ndjson_file;
  record_pool pool;
  pool.shape_name = "ndjson";
  simdjson::ondemand::parser parser;
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line) && pool.size() < count) {
    ++n;
    if (line.empty()) continue;
    simdjson::padded_string padded(line);
    auto doc = parser.iterate(padded);
    simdjson::ondemand::object obj;
    if (doc.get_object().get(obj)) return "--ndjson: line " + std::to_string(n) + " is not a JSON object";
    std::string key;
    // The first candidate field present names the key for the whole file.
    std::vector<std::string> candidates;
    if (!o.key_field.empty()) candidates = {o.key_field};
    else if (!pool.key_field.empty()) candidates = {pool.key_field};
    else candidates = {"id", "device_id", "key"};
    for (auto const& f : candidates) {
      simdjson::ondemand::value v;
      if (obj.find_field_unordered(f).get(v)) continue;
      std::string_view sv;
      if (!v.get_string().get(sv)) key = std::string(sv);
      else if (auto raw = simdjson::to_json_string(v); !raw.error()) key = std::string(raw.value_unsafe());
      if (!key.empty()) {
        pool.key_field = f;
        break;
      }
    }
    if (key.empty()) key = "line-" + std::to_string(n);
    pool.total_bytes += line.size();
    pool.keys.push_back(std::move(key));
    pool.datas.push_back(line);
  }
  if (pool.datas.empty()) return "--ndjson: " + o.ndjson_file + " has no records";
  return pool;
}

}  // namespace

std::string record_pool::describe() const
{
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s, %zu records in the pool, mean %.0f B", shape_name.c_str(), size(), mean_bytes());
  return buf;
}

boost::system::result<record_pool, std::string> make_records(bench_options const& o, std::size_t record_size,
                                                            std::size_t keys, std::size_t count)
{
  if (o.shape == shape_kind::ndjson) return read_ndjson(o, count);
  record_pool pool;
  std::mt19937_64 rng(42);
  pool.keys.reserve(count);
  pool.datas.reserve(count);
  bool telemetry = o.shape == shape_kind::telemetry;
  pool.shape_name = telemetry ? "telemetry" : "fixed " + std::to_string(record_size) + " B";
  pool.key_field = telemetry ? "device_id" : "id";
  pool.counter_field = telemetry ? "value" : "n";
  for (std::size_t i = 0; i < count; ++i) {
    auto key = (telemetry ? "device-" : "key-") + std::to_string(i % keys);
    auto data = telemetry ? telemetry_record(key, i, rng) : fixed_record(key, i, record_size);
    pool.total_bytes += data.size();
    pool.keys.push_back(std::move(key));
    pool.datas.push_back(std::move(data));
  }
  return pool;
}

boost::system::result<void, std::string> write_peer_records(record_pool const& pool, std::string const& path)
{
  std::ofstream out(path, std::ios::binary);
  if (!out) return "cannot write " + path;
  for (std::size_t i = 0; i < pool.size(); ++i) out << pool.keys[i] << '\t' << pool.datas[i] << '\n';
  if (!out) return "cannot write " + path;
  return {};
}

}  // namespace kinesys::bench
