#!/usr/bin/env bash
# Installs the dependencies, builds with the given preset (default: dev) and
# runs the whole test suite: unit tests, and integration tests against
# kinesys-local, kinesalite and dynalite started on loopback.
#   scripts/test.sh            # dev preset
#   scripts/test.sh asan       # AddressSanitizer + UndefinedBehaviorSanitizer
#   scripts/test.sh tsan       # ThreadSanitizer
# Optional environment, each unset = everything:
#   KINESYS_BUILD_TARGETS  space-separated targets to build instead of all
#   KINESYS_TEST_LABELS    ctest --label-regex of the suites to run
#   KINESYS_TEST_EXCLUDE   ctest --label-exclude of the suites to skip
# A subset whose binaries are the only ones built, e.g. the cross-thread
# libraries under ThreadSanitizer:
#   KINESYS_BUILD_TARGETS="kinesys_engine_tests kinesys_producer_tests kinesys_consumer_tests kinesys-local kinesys-consumer" \
#   KINESYS_TEST_LABELS='^(engine|producer|consumer)$' scripts/test.sh tsan
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-dev}"
scripts/install-deps.sh
jobs="$(nproc)"
cmake --preset "$preset"
build_targets=()
if [ -n "${KINESYS_BUILD_TARGETS:-}" ]; then
  read -r -a targets <<<"$KINESYS_BUILD_TARGETS"
  build_targets=(--target "${targets[@]}")
fi
cmake --build --preset "$preset" -j "$jobs" "${build_targets[@]}"
test_labels=()
if [ -n "${KINESYS_TEST_LABELS:-}" ]; then
  test_labels=(--label-regex "$KINESYS_TEST_LABELS")
fi
ctest --preset "$preset" -j "$jobs" --label-exclude "${KINESYS_TEST_EXCLUDE:-^$}" "${test_labels[@]}"
