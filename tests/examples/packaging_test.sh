#!/usr/bin/env bash
# What a user of an installed kinesys does: `cmake --install` the build into a
# fresh prefix, then build examples/out_of_tree against it twice — with
# find_package(kinesys) and with pkg-config — and run both programs.
#
#   packaging_test.sh BUILD_DIR OUT_OF_TREE_SRC CXX_COMPILER BUILD_TYPE "EXTRA_FLAGS"
#
# EXTRA_FLAGS carries the build's sanitizer flags: the installed static
# libraries are instrumented, so the program that links them must be too.
set -euo pipefail
build=$1 source=$2 cxx=$3 build_type=$4 extra_flags=${5:-}

work=$(mktemp -d "${TMPDIR:-/tmp}/kinesys-packaging.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

step() { echo "== $*"; }
fail() { echo "FAILED: $*"; exit 1; }
run_quiet() {  # the log only when the command fails
  if ! "$@" >"$work/log" 2>&1; then cat "$work/log"; fail "$*"; fi
}

step "cmake --install $build --prefix $prefix"
run_quiet cmake --install "$build" --prefix "$prefix"
for f in include/kinesys/producer.hpp include/kinesys/consumer.hpp bin/kinesys-local bin/kinesys-consumer; do
  [[ -e $prefix/$f ]] || fail "the install tree lacks $f"
done
# lib/ or lib/<multiarch>/, as GNUInstallDirs chose.
pc_file=$(find "$prefix" -name kinesys.pc -print -quit)
[[ -n $pc_file ]] || fail "the install tree lacks kinesys.pc"
[[ -n $(find "$prefix" -path '*/cmake/kinesys/kinesysConfig.cmake') ]] || fail "the install tree lacks kinesysConfig.cmake"
export PKG_CONFIG_PATH=${pc_file%/*}

step "find_package(kinesys) from $source"
run_quiet cmake -S "$source" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE="$build_type" \
  -DCMAKE_CXX_FLAGS="$extra_flags" -DCMAKE_EXE_LINKER_FLAGS="$extra_flags"
run_quiet cmake --build "$work/build"
out=$("$work/build/uses_kinesys")
echo "$out"
[[ $out == "kinesys producer: "*"AggregationMaxSize=65536, RecordTtl=60000ms" ]] || fail "unexpected output"

step "pkg-config --cflags --libs kinesys"
flags=$(pkg-config --cflags --libs kinesys) || fail "pkg-config refused kinesys.pc"
echo "$flags"
[[ $flags == *"-lkinesys_producer"* ]] || fail "no -lkinesys_producer"
# The include directory must be the install prefix's, wherever it was put.
include_dir=$(pkg-config --variable=includedir kinesys)
[[ $(realpath "$include_dir") == $(realpath "$prefix/include") ]] || fail "includedir $include_dir is not under $prefix"
# shellcheck disable=SC2086 # the flags are words
run_quiet "$cxx" $extra_flags "$source/main.cpp" -o "$work/uses_kinesys_pc" $flags
out=$("$work/uses_kinesys_pc")
echo "$out"
[[ $out == "kinesys producer: "* ]] || fail "unexpected output from the pkg-config build"
echo "passed"
