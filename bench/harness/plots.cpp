#include "plots.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace kinesys::bench {

namespace fs = std::filesystem;

namespace {

std::string gnuplot_text(std::string s)
{
  std::string out;
  for (char ch : s) {
    if (ch == '"') out += "'";
    else if (ch == '_') out += "\\\\_";  // gnuplot's enhanced text takes _ for a subscript
    else out += ch;
  }
  return out;
}

std::string client_label(config_summary const& s)
{
  // A lone configuration is called "default": name the client instead.
  if (s.client == "kinesys") return s.label == "default" ? std::string("kinesys") : s.label;
  return s.client == "raw" ? "raw wire limit" : s.client;
}

std::string header(std::string const& png, std::string const& title, int width = 960, int height = 540)
{
  return "set terminal pngcairo size " + std::to_string(width) + "," + std::to_string(height) +
         " font 'DejaVu Sans,10'\nset output '" + png + "'\nset title \"" + gnuplot_text(title) +
         "\"\nset grid ytics\nset key outside right top\nset format y '%.1s%c'\n";
}

}  // namespace

plot_outcome draw_plots(invocation const& inv, std::string const& prefix)
{
  plot_outcome out;
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    out.problem = "gnuplot is not installed (Debian: gnuplot-nox): no plots";
    return out;
  }
  auto dir = fs::path(inv.options.out_dir) / "plots";
  fs::create_directories(dir);
  auto scenario = std::string(to_string(inv.options.kind));
  std::string unit = inv.options.kind == scenario::consume || inv.options.kind == scenario::pipeline
                         ? "records applied to the table per second"
                         : "user records acknowledged per second";
  std::string script;

  // Throughput per configuration (and per peer).
  {
    auto dat = (dir / (prefix + "-throughput.dat")).string();
    std::ofstream d(dat);
    int i = 0;
    for (auto const& s : inv.summaries)
      d << i++ << " \"" << gnuplot_text(client_label(s)) << "\" " << s.median_records_per_s << ' ' << s.min_records_per_s
        << ' ' << s.max_records_per_s << '\n';
    auto png = (dir / (prefix + "-throughput.png")).string();
    std::string xlabel;
    for (auto const& a : inv.options.sweeps) xlabel += (xlabel.empty() ? "" : " x ") + a.key;
    script += header(png, scenario + ": throughput by configuration (median of " + std::to_string(inv.options.repeat) +
                              ", bars min..max)") +
              "set style fill solid 0.6 border -1\nset boxwidth 0.6\nset ylabel '" + unit + "'\nset xlabel \"" +
              gnuplot_text(xlabel.empty() ? "client" : xlabel) + "\"\nset xtics rotate by -30\nset yrange [0:*]\n"
              "unset key\nplot '" + dat + "' using 1:3:xtic(2) with boxes lc rgb '#4477aa', '' using 1:3:4:5 with "
              "yerrorbars lc rgb 'black' pt 0\nunset xlabel\nset xtics norotate\n";
    out.files.push_back(png);
  }
  // Per-second series of each configuration's median run.
  {
    auto png = (dir / (prefix + "-rate.png")).string();
    script += header(png, scenario + ": rate in each second of the measured window (median run)") +
              "set key outside right top\nset xlabel 'second'\nset ylabel '" + unit + "'\nset yrange [0:*]\nplot ";
    int i = 0;
    for (auto const& s : inv.summaries) {
      auto dat = (dir / (prefix + "-rate-" + std::to_string(i) + ".dat")).string();
      std::ofstream d(dat);
      for (std::size_t k = 0; k < s.median_run.per_second.size(); ++k) d << k + 1 << ' ' << s.median_run.per_second[k] << '\n';
      // A run shorter than a second (a backlog drained early) has no full
      // second: its mean rate stands in, so the plot still has a point.
      if (s.median_run.per_second.empty()) d << 1 << ' ' << s.median_run.records_per_s << '\n';
      script += std::string(i ? ", " : "") + "'" + dat + "' using 1:2 with linespoints title \"" +
                gnuplot_text(client_label(s)) + "\"";
      ++i;
    }
    script += "\n";
    out.files.push_back(png);
  }
  // Latency percentiles (clustered bars, log scale).
  {
    auto dat = (dir / (prefix + "-latency.dat")).string();
    std::ofstream d(dat);
    d << "config p50 p90 p99 p99.9\n";
    bool any_latency = false;
    for (auto const& s : inv.summaries) {
      auto const& l = s.median_run.latency;
      any_latency = any_latency || l.p999 > 0;
      d << '"' << gnuplot_text(client_label(s)) << "\" " << l.p50 << ' ' << l.p90 << ' ' << l.p99 << ' ' << l.p999 << '\n';
    }
    auto png = (dir / (prefix + "-latency.png")).string();
    std::string what = inv.options.kind == scenario::produce || inv.options.kind == scenario::pipeline
                           ? "put -> acknowledgement (kinesys), one PutRecords call (peers, raw)"
                           : "one write request";
    script += header(png, scenario + " latency percentiles: " + what) +
              "set style data histograms\nset style histogram clustered gap 1\nset style fill solid 0.7 border -1\n" +
              // Nothing measured (a run too short for any write to finish): a
              // linear axis, since a log scale cannot draw zeros.
              (any_latency ? "set logscale y\nset ylabel 'milliseconds (log scale)'\nset yrange [*:*]\n"
                           : "set ylabel 'milliseconds (none measured)'\nset yrange [0:1]\n") +
              "set format y '%g'\nset xtics rotate by -30\n"
              "set key outside right top autotitle columnhead\nplot '" + dat +
              "' using 2:xtic(1), '' using 3, '' using 4, '' using 5\n";
    out.files.push_back(png);
  }
  auto gp = (dir / (prefix + ".gnuplot")).string();
  std::ofstream(gp) << script;
  if (std::system(("gnuplot '" + gp + "' 2>'" + gp + ".log'").c_str()) != 0) {
    out.problem = "gnuplot failed (see " + gp + ".log)";
    out.files.clear();
  }
  return out;
}

}  // namespace kinesys::bench
