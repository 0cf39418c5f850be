#include "report.hpp"

#include <boost/version.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include <sys/utsname.h>

namespace kinesys::bench {

namespace {

std::string first_line_of(std::string const& command)
{
  std::string out;
  if (FILE* f = ::popen((command + " 2>/dev/null").c_str(), "r")) {
    char buf[256];
    if (std::fgets(buf, sizeof buf, f)) out = buf;
    ::pclose(f);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string file_value(std::string const& path, std::string const& key)
{
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with(key)) {
      auto v = line.substr(line.find_first_of(":=") + 1);
      v.erase(0, v.find_first_not_of(" \t\""));
      while (!v.empty() && (v.back() == '"' || v.back() == ' ')) v.pop_back();
      return v;
    }
  return "";
}

std::string json_string(std::string const& s)
{
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\', out += ch;
    else if (ch == '\n') out += "\\n";
    else if (static_cast<unsigned char>(ch) < 0x20) out += ' ';
    else out += ch;
  }
  return out + "\"";
}

std::string num(double v, int precision = 1)
{
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", precision, v);
  return buf;
}

std::string series_json(std::vector<double> const& v)
{
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    out += num(v[i], 0);
  }
  return out + "]";
}

std::string run_json(run_result const& r)
{
  std::ostringstream o;
  o << "{\"scenario\":" << json_string(r.scenario) << ",\"client\":" << json_string(r.client)
    << ",\"config\":" << json_string(r.label) << ",\"repeat\":" << r.repeat << ",\"ok\":" << (r.ok ? "true" : "false")
    << ",\"note\":" << json_string(r.note) << ",\"seconds\":" << num(r.seconds, 3) << ",\"records\":" << r.records
    << ",\"bytes\":" << r.bytes << ",\"records_per_s\":" << num(r.records_per_s) << ",\"mib_per_s\":" << num(r.mib_per_s, 3)
    << ",\"cpu_seconds\":" << num(r.cpu_seconds, 3) << ",\"records_per_cpu_s\":" << num(r.records_per_cpu_s)
    << ",\"latency_ms\":{\"p50\":" << num(r.latency.p50, 3) << ",\"p90\":" << num(r.latency.p90, 3)
    << ",\"p99\":" << num(r.latency.p99, 3) << ",\"p999\":" << num(r.latency.p999, 3) << ",\"max\":" << num(r.latency.max, 3)
    << "},\"per_second\":" << series_json(r.per_second) << ",\"extra\":{";
  bool first = true;
  for (auto const& [k, v] : r.extra) {
    o << (first ? "" : ",") << json_string(k) << ':' << num(v, 3);
    first = false;
  }
  o << "}}";
  return o.str();
}

std::string csv_field(std::string const& s)
{
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

config_summary const* best_kinesys(invocation const& inv)
{
  config_summary const* best = nullptr;
  for (auto const* s : summaries_of(inv, "kinesys"))
    if (!best || s->median_records_per_s > best->median_records_per_s) best = s;
  return best;
}

}  // namespace

std::string machine_description()
{
  struct utsname u {};
  ::uname(&u);
  auto cpu = file_value("/proc/cpuinfo", "model name");
  auto mem_kb = file_value("/proc/meminfo", "MemTotal");
  auto os = file_value("/etc/os-release", "PRETTY_NAME");
  double gib = std::atof(mem_kb.c_str()) / (1024.0 * 1024.0);
  return (cpu.empty() ? std::string("unknown CPU") : cpu) + ", " + std::to_string(std::thread::hardware_concurrency()) +
         " hardware threads, " + num(gib, 0) + " GiB, Linux " + u.release + (os.empty() ? "" : ", " + os);
}

std::string versions_description(invocation const& inv)
{
  std::string v = "kinesys-bench " KINESYS_BENCH_VERSION ", GCC " __VERSION__ ", Boost " +
                  std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000);
  bool boto = false, js = false;
  for (auto const& r : inv.runs) {
    boto = boto || r.client == "boto3";
    js = js || r.client == "js";
  }
  if (boto) v += ", boto3 " + first_line_of("python3 -c 'import boto3,sys; print(boto3.__version__, sys.version.split()[0])'");
  if (js)
    v += ", @aws-sdk/client-kinesis " +
         first_line_of("node -p \"require('" KINESYS_BENCH_NODE_MODULES "/@aws-sdk/client-kinesis/package.json').version\"") +
         " on node " + first_line_of("node --version");
  return v;
}

std::string markdown_summary(invocation const& inv)
{
  auto const& o = inv.options;
  std::ostringstream md;
  md << "Scenario `" << to_string(o.kind) << "`: " << inv.records_description << "; " << o.shards << " shards; "
     << "warm-up " << o.warmup.count() / 1000.0 << " s excluded, " << o.duration.count() / 1000.0 << " s measured, "
     << o.repeat << (o.repeat == 1 ? " run" : " runs") << " per configuration (median, spread = (max-min)/median); "
     << inv.target_description << ".\n\n";
  md << "| client | configuration | records/s (median) | spread | MiB/s | records per CPU second | p50 ms | p99 ms | note |\n"
     << "|---|---|---:|---:|---:|---:|---:|---:|---|\n";
  for (auto const& s : inv.summaries) {
    auto const& r = s.median_run;
    md << "| " << s.client << " | " << s.label << " | " << num(s.median_records_per_s, 0) << " | "
       << num(100 * s.spread, 1) << " % | " << num(s.median_mib_per_s, 2) << " | " << num(s.median_records_per_cpu_s, 0)
       << " | " << num(r.latency.p50, 2) << " | " << num(r.latency.p99, 2) << " | "
       << (s.failed ? std::to_string(s.failed) + " of " + std::to_string(s.runs) + " failed: " + r.note : r.note)
       << " |\n";
  }
  // Ratios: the first kinesys configuration (the one the peers share).
  auto kin = summaries_of(inv, "kinesys");
  if (!kin.empty()) {
    auto const* k = kin.front();
    bool header = false;
    for (auto const& s : inv.summaries) {
      if (s.client == "kinesys" || s.median_records_per_s <= 0) continue;
      if (!header) {
        md << "\nkinesys (" << k->label << ") against the same records on the same endpoint:\n\n"
           << "| compared with | its records/s | kinesys / it (records/s) | kinesys / it (per CPU second) |\n"
           << "|---|---:|---:|---:|\n";
        header = true;
      }
      md << "| " << (s.client == "raw" ? "raw (wire limit)" : s.client) << " | " << num(s.median_records_per_s, 0) << " | "
         << num(k->median_records_per_s / s.median_records_per_s, 2) << " | "
         << (s.median_records_per_cpu_s > 0 ? num(k->median_records_per_cpu_s / s.median_records_per_cpu_s, 2) : "-")
         << " |\n";
    }
  }
  if (auto const* b = best_kinesys(inv); b && kin.size() > 1)
    md << "\nFastest configuration: **" << b->label << "** at " << num(b->median_records_per_s, 0) << " records/s.\n";
  for (auto const& n : inv.notes) md << "\nNote: " << n << "\n";
  return md.str();
}

std::string write_reports(invocation const& inv)
{
  auto const& dir = inv.options.out_dir;
  {
    std::ofstream csv(dir + "/results.csv");
    csv << "scenario,client,config,repeat,ok,seconds,records,records_per_s,mib_per_s,cpu_seconds,records_per_cpu_s,"
           "p50_ms,p90_ms,p99_ms,p999_ms,max_ms,note\n";
    for (auto const& r : inv.runs)
      csv << r.scenario << ',' << r.client << ',' << csv_field(r.label) << ',' << r.repeat << ',' << (r.ok ? 1 : 0) << ','
          << num(r.seconds, 3) << ',' << r.records << ',' << num(r.records_per_s) << ',' << num(r.mib_per_s, 3) << ','
          << num(r.cpu_seconds, 3) << ',' << num(r.records_per_cpu_s) << ',' << num(r.latency.p50, 3) << ','
          << num(r.latency.p90, 3) << ',' << num(r.latency.p99, 3) << ',' << num(r.latency.p999, 3) << ','
          << num(r.latency.max, 3) << ',' << csv_field(r.note) << '\n';
    if (!csv) return "cannot write " + dir + "/results.csv";
  }
  {
    std::ofstream csv(dir + "/summary.csv");
    csv << "client,config,runs,failed,median_records_per_s,min_records_per_s,max_records_per_s,spread,"
           "median_records_per_cpu_s,median_mib_per_s\n";
    for (auto const& s : inv.summaries)
      csv << s.client << ',' << csv_field(s.label) << ',' << s.runs << ',' << s.failed << ','
          << num(s.median_records_per_s) << ',' << num(s.min_records_per_s) << ',' << num(s.max_records_per_s) << ','
          << num(s.spread, 4) << ',' << num(s.median_records_per_cpu_s) << ',' << num(s.median_mib_per_s, 3) << '\n';
  }
  {
    auto const& o = inv.options;
    std::ofstream js(dir + "/results.json");
    js << "{\"machine\":" << json_string(machine_description()) << ",\"versions\":" << json_string(versions_description(inv))
       << ",\"command\":" << json_string(o.command_line) << ",\"target\":" << json_string(inv.target_description)
       << ",\"records\":" << json_string(inv.records_description) << ",\"scenario\":" << json_string(std::string(to_string(o.kind)))
       << ",\"shards\":" << o.shards << ",\"warmup_s\":" << num(o.warmup.count() / 1000.0, 3)
       << ",\"duration_s\":" << num(o.duration.count() / 1000.0, 3) << ",\"repeat\":" << o.repeat << ",\"settings\":{";
    for (std::size_t i = 0; i < o.settings.size(); ++i)
      js << (i ? "," : "") << json_string(o.settings[i].key) << ':' << json_string(o.settings[i].value);
    js << "},\"sweeps\":{";
    for (std::size_t i = 0; i < o.sweeps.size(); ++i) {
      js << (i ? "," : "") << json_string(o.sweeps[i].key) << ":[";
      for (std::size_t j = 0; j < o.sweeps[i].values.size(); ++j) js << (j ? "," : "") << json_string(o.sweeps[i].values[j]);
      js << ']';
    }
    js << "},\"summaries\":[";
    for (std::size_t i = 0; i < inv.summaries.size(); ++i) {
      auto const& s = inv.summaries[i];
      js << (i ? "," : "") << "{\"client\":" << json_string(s.client) << ",\"config\":" << json_string(s.label)
         << ",\"runs\":" << s.runs << ",\"failed\":" << s.failed << ",\"median_records_per_s\":" << num(s.median_records_per_s)
         << ",\"min_records_per_s\":" << num(s.min_records_per_s) << ",\"max_records_per_s\":" << num(s.max_records_per_s)
         << ",\"spread\":" << num(s.spread, 4) << ",\"median_records_per_cpu_s\":" << num(s.median_records_per_cpu_s) << '}';
    }
    js << "],\"runs\":[";
    for (std::size_t i = 0; i < inv.runs.size(); ++i) js << (i ? ",\n" : "\n") << run_json(inv.runs[i]);
    js << "]}\n";
    if (!js) return "cannot write " + dir + "/results.json";
  }
  std::ofstream(dir + "/summary.md") << markdown_summary(inv);
  return "";
}

}  // namespace kinesys::bench
