#include "progress.hpp"

#include <cstdio>
#include <unistd.h>

namespace kinesys::bench {

namespace {

std::string clock_text(double seconds)
{
  if (seconds < 0) seconds = 0;
  auto s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, s / 60 % 60);
  else if (s >= 60) std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%lds", s);
  return buf;
}

std::string rate_text(double r)
{
  char buf[32];
  if (r >= 1e6) std::snprintf(buf, sizeof buf, "%.2fM", r / 1e6);
  else if (r >= 1e4) std::snprintf(buf, sizeof buf, "%.1fk", r / 1e3);
  else std::snprintf(buf, sizeof buf, "%.0f", r);
  return buf;
}

}  // namespace

progress::progress(std::chrono::milliseconds planned, bool enabled)
    : tty_(::isatty(STDERR_FILENO) != 0), enabled_(enabled), start_(std::chrono::steady_clock::now()),
      planned_(planned)
{
}

void progress::clear_line()
{
  if (tty_ && line_open_) std::fputs("\r\033[K", stderr);
  line_open_ = false;
}

void progress::begin(std::string const& name)
{
  name_ = name;
  if (!enabled_) return;
  clear_line();
  std::fprintf(stderr, "%s\n", name.c_str());
  last_plain_ = std::chrono::steady_clock::now();
}

void progress::update(double elapsed_s, double run_total_s, double rate, bool warming)
{
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  double total_elapsed = std::chrono::duration<double>(now - start_).count();
  double eta = std::chrono::duration<double>(planned_).count() - total_elapsed;
  char line[256];
  std::snprintf(line, sizeof line, "  %s %s/s  %s / %s  ETA %s", warming ? "warm-up" : "measuring",
                rate_text(rate).c_str(), clock_text(elapsed_s).c_str(), clock_text(run_total_s).c_str(),
                clock_text(eta).c_str());
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s", line);
    line_open_ = true;
  } else if (now - last_plain_ >= std::chrono::seconds(5)) {
    std::fprintf(stderr, "%s\n", line);
    last_plain_ = now;
  }
  std::fflush(stderr);
}

void progress::end(std::string const& summary)
{
  if (!enabled_) return;
  clear_line();
  std::fprintf(stderr, "  %s\n", summary.c_str());
  std::fflush(stderr);
}

void progress::note(std::string const& text)
{
  clear_line();
  std::fprintf(stderr, "  %s\n", text.c_str());
  std::fflush(stderr);
}

}  // namespace kinesys::bench
