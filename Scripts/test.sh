#!/usr/bin/env bash
# Installs what the tests need (GDAL, PROJ, gdaldem as the peer oracle) and runs the whole test suite
# (XCTest), ending with a plain "tests: N passed, F failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh --debug >/dev/null
swift build --build-tests
log=$(mktemp /tmp/farside-tests.XXXXXX)
trap 'rm -f "$log"' EXIT
set +e
swift test --skip-build --disable-swift-testing 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
summary=$(grep -E "Executed [0-9]+ tests?, with [0-9]+ failures?" "$log" | tail -1)
total=$(sed -E 's/.*Executed ([0-9]+) tests?.*/\1/' <<<"$summary")
failed=$(sed -E 's/.*with ([0-9]+) failures?.*/\1/' <<<"$summary")
if [ -z "$summary" ]; then
  echo "tests: no XCTest summary found"
  exit 1
fi
echo "tests: $((total - failed)) passed, $failed failed"
exit "$status"
