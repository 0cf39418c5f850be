#!/usr/bin/env bash
# Installs the dependencies, builds with the given preset (default: dev) and
# runs the whole test suite: unit tests, and integration tests against
# kinesys-local, kinesalite and dynalite started on loopback.
#   scripts/test.sh            # dev preset
#   scripts/test.sh asan       # AddressSanitizer + UndefinedBehaviorSanitizer
#   scripts/test.sh tsan       # ThreadSanitizer
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-dev}"
scripts/install-deps.sh
jobs="$(nproc)"
cmake --preset "$preset"
cmake --build --preset "$preset" -j "$jobs"
ctest --preset "$preset" -j "$jobs" --label-exclude "${KINESYS_TEST_EXCLUDE:-^$}"
