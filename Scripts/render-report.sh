#!/usr/bin/env bash
# Renders a FarSide report.html in headless Chromium (installed from Debian if missing), writes a PNG
# screenshot next to it, and checks that the page rendered: the DOM has the sites table and the inlined
# quicklook image loaded with its natural size.
# Usage: Scripts/render-report.sh [out/report.html]
set -euo pipefail
cd "$(dirname "$0")/.."
report=${1:-out/report.html}
[ -f "$report" ] || { echo "render-report: $report not found (run Scripts/quickstart.sh first)" >&2; exit 3; }
if ! command -v chromium >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
url="file://$(realpath "$report")"
shot="${report%.html}.png"
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars)
chromium "${flags[@]}" --window-size=1400,1800 --screenshot="$shot" "$url" 2>/dev/null
dom=$(chromium "${flags[@]}" --dump-dom "$url" 2>/dev/null)
rows=$(grep -o "<tr>" <<<"$dom" | wc -l)
grep -q 'id="sites"' <<<"$dom" || { echo "render-report: no sites table in the rendered page" >&2; exit 1; }
grep -q 'data:image/png;base64' <<<"$dom" || { echo "render-report: the quicklook is not inlined" >&2; exit 1; }
size=$(stat -c %s "$shot")
[ "$size" -gt 20000 ] || { echo "render-report: screenshot $shot is nearly empty ($size bytes)" >&2; exit 1; }
echo "render-report: $report rendered in headless Chromium: $rows table rows; screenshot $shot ($size bytes)"
