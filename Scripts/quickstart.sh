#!/usr/bin/env bash
# Sets everything up and runs FarSide on the bundled sample raster; outputs go to out/.
set -euo pipefail
cd "$(dirname "$0")/.."
farside=$(Scripts/setup.sh)
dem=Rasters/apollo-basin.tif
"$farside" info "$dem"
"$farside" terrain "$dem" -o out
echo "quickstart: wrote $(ls out/*.tif | tr '\n' ' ')"
