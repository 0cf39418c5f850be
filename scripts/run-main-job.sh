#!/usr/bin/env bash
# The main job, end to end on the embedded default endpoint: installs the
# dependencies, builds in release mode, then runs kinesys-local, a stream and
# a table, kinesys-consumer and kinesys-ingest, sends telemetry events over
# HTTP with an API key, shows live progress and verifies the table against
# what was sent. Ctrl-C stops every process it started.
#
#   scripts/run-main-job.sh                 # 200,000 events
#   scripts/run-main-job.sh --short         # 20,000 events (what CI runs)
#   scripts/run-main-job.sh --events 1000000 --devices 5000 --rate 20000
#   scripts/run-main-job.sh --bin-dir build/dev/bin --short   # no install, no build
#
# Every option after the script's own goes to scripts/main_job.py (--help).
set -euo pipefail
cd "$(dirname "$0")/.."

bin_dir=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bin-dir) bin_dir="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done

if [ -z "$bin_dir" ]; then
  scripts/install-deps.sh
  cmake --preset release >/dev/null
  cmake --build --preset release -j "$(nproc)" --target kinesys-local kinesys-consumer kinesys-ingest
  bin_dir=build/release/bin
fi

exec python3 scripts/main_job.py --bin-dir "$bin_dir" "${args[@]}"
