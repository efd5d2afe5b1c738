#!/usr/bin/env bash
# Installs what the tests need (GDAL, PROJ, gdaldem as the peer oracle) and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh --debug >/dev/null
swift build --build-tests
swift test --skip-build
