#!/usr/bin/env bash
# Sets everything up and runs FarSide's main job on the bundled sample raster: rank landing sites for a
# Chang'e-6-class lander (profile change6-lander) on Rasters/apollo-basin.tif; outputs go to out/.
set -euo pipefail
cd "$(dirname "$0")/.."
farside=$(Scripts/setup.sh)
"$farside" rank --profile change6-lander --dem Rasters/apollo-basin.tif -o out "$@"
echo "quickstart: open out/report.html (ranked sites, map) or load out/sites.gpkg and out/score.tif in QGIS"
