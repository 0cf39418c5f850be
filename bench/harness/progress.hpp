#pragma once
// The live progress line: on a terminal one line rewritten in place (rate,
// elapsed, ETA of the whole invocation); otherwise plain lines, one every
// few seconds, so CI logs stay readable. Written to stderr: stdout carries
// only results.
#include <chrono>
#include <string>

namespace kinesys::bench {

class progress {
public:
  /// `planned` is the whole invocation's expected time (for the ETA).
  progress(std::chrono::milliseconds planned, bool enabled = true);
  /// A run starts: "produce compression=zstd1 [3/12, run 1/3]".
  void begin(std::string const& name);
  /// The run's state now; `warming` while the warm-up is not over.
  void update(double elapsed_s, double run_total_s, double rate, bool warming);
  /// The run ended: a final plain line with its figure.
  void end(std::string const& summary);
  /// A message on its own line (warnings, peer skips).
  void note(std::string const& text);

private:
  void clear_line();
  bool tty_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_plain_{};
  std::chrono::milliseconds planned_;
  std::string name_;
  bool line_open_ = false;
};

}  // namespace kinesys::bench
