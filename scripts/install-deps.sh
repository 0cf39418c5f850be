#!/usr/bin/env bash
# Installs everything kinesys needs on Debian 12: the build's -dev packages,
# the tools, and the npm test peers (pinned by tests/peers/package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev libssl-dev liburing-dev libsimdjson-dev libzstd-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev libtomlplusplus-dev libcli11-dev libfmt-dev
  clang-14 libclang-rt-14-dev
  nodejs npm python3 python3-boto3 gnuplot-nox curl ca-certificates
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node may come from somewhere other than Debian's package; it only has to be on PATH.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${missing[@]}"
  # The downloaded .debs are not needed once installed; the build wants the room.
  $SUDO apt-get clean
fi

if [ ! -d tests/peers/node_modules ] || [ tests/peers/package-lock.json -nt tests/peers/node_modules ]; then
  (cd tests/peers && npm ci --no-audit --no-fund)
fi
