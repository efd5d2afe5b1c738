#!/usr/bin/env bash
# Idempotent set-up: Debian packages FarSide needs (GDAL, PROJ), then a release build of `farside`.
# Usage: Scripts/setup.sh [--debug]   (prints the path of the built binary last)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(pkg-config libgdal-dev libproj-dev gdal-bin python3-numpy)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Vector units for the hot kernels: AVX2 + FMA where the CPU has them (see Package.swift).
if [ -z "${FARSIDE_TARGET_CPU+x}" ] && [ "$(uname -m)" = "x86_64" ] && grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then
  export FARSIDE_TARGET_CPU=haswell
fi

config=release
[ "${1:-}" = "--debug" ] && config=debug
# The release binary links the Swift runtime and Foundation statically: a command starts ~15 ms sooner
# (fewer shared objects to relocate), which operators running it per tile or per site notice.
flags=()
[ "$config" = release ] && flags=(--static-swift-stdlib)
swift build -c "$config" "${flags[@]}" --product farside >&2
echo "$(swift build -c "$config" "${flags[@]}" --show-bin-path)/farside"
