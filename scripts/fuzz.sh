#!/usr/bin/env bash
# Builds the libFuzzer targets with the fuzz preset (clang-14, ASan + UBSan)
# and runs each one for N seconds (default 20) on its corpus in
# tests/fuzz/corpus/<target>/, with tests/fuzz/<target>.dict as dictionary
# when there is one. New inputs go to a scratch directory, so the committed
# corpus only changes by hand. Any crash, leak or timeout fails.
#   scripts/fuzz.sh                    # 20 s per target
#   scripts/fuzz.sh 300                # 5 minutes per target
#   scripts/fuzz.sh --long             # 30 minutes per target
#   scripts/fuzz.sh 60 local_recovery  # only the named targets
#   KINESYS_FUZZ_BUILD_DIR=build/x scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=20
if [[ "${1:-}" == "--long" ]]; then
  seconds=1800
  shift
elif [[ "${1:-}" =~ ^[0-9]+$ ]]; then
  seconds="$1"
  shift
fi
only=("$@")
build="${KINESYS_FUZZ_BUILD_DIR:-build/fuzz}"
jobs="${KINESYS_FUZZ_JOBS:-$(nproc)}"

# tests/ is only entered with KINESYS_BUILD_TESTS on, and the fuzz targets
# live in tests/fuzz/, so the preset's OFF is overridden here.
cmake --preset fuzz -B "$build" -DKINESYS_BUILD_TESTS=ON >/dev/null
targets=()
for source in tests/fuzz/*_fuzz.cpp; do
  name="$(basename "$source" _fuzz.cpp)"
  if [[ ${#only[@]} -eq 0 || " ${only[*]} " == *" $name "* ]]; then
    targets+=("$name")
  fi
done
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "no fuzz target named ${only[*]}" >&2
  exit 2
fi
cmake --build "$build" -j "$jobs" --target "${targets[@]/#/kinesys_fuzz_}"

# On a fresh machine (scripts/install-deps.sh, nothing configured): stack
# traces name functions only with a symbolizer, and clang-14's sanitizers
# cannot map their shadow memory on kernels randomising more than 28 bits
# of mmap addresses (every run then dies at start with a DEADLYSIGNAL), so
# there the targets run with address randomisation off when the container
# allows it.
if [[ -z "${ASAN_SYMBOLIZER_PATH:-}" && -x /usr/lib/llvm-14/bin/llvm-symbolizer ]]; then
  export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
fi
run=()
if [[ "$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 0)" -gt 28 ]] && setarch "$(uname -m)" -R true 2>/dev/null; then
  run=(setarch "$(uname -m)" -R)
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
status=0
for name in "${targets[@]}"; do
  mkdir -p "$scratch/$name" "tests/fuzz/corpus/$name"
  echo "== $name: ${seconds}s"
  dict=()
  [[ -f "tests/fuzz/$name.dict" ]] && dict=(-dict="tests/fuzz/$name.dict")
  if ! "${run[@]}" "$build/tests/fuzz/kinesys_fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 "${dict[@]}" \
      -artifact_prefix="$scratch/$name-" -print_final_stats=1 \
      "$scratch/$name" "tests/fuzz/corpus/$name" 2>"$scratch/$name.log"; then
    tail -n 60 "$scratch/$name.log"
    echo "!! $name failed; reproducer:"
    ls "$scratch/$name-"* 2>/dev/null || true
    mkdir -p "$build/fuzz-artifacts" && cp "$scratch/$name-"* "$build/fuzz-artifacts/" 2>/dev/null || true
    status=1
  else
    grep -E '^stat::(number_of_executed_units|new_units_added|peak_rss_mb)' "$scratch/$name.log" || true
  fi
done
exit $status
