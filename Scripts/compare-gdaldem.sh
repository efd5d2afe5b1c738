#!/usr/bin/env bash
# Side-by-side: gdaldem slope and farside terrain on the same DEM in the same run.
# Prints both times, the ratios (uncompressed against uncompressed, default against default, DEFLATE
# against DEFLATE) and the largest slope difference (interior cells).
#
# Usage: Scripts/compare-gdaldem.sh [DEM.tif] [--runs N]
#   Without a DEM it makes a 4096 x 4096 Float32 tiled GeoTIFF (south polar stereographic, 20 m) with
#   `farside synth` and gdal_translate. Each timing is the best of N runs (default 3), file to file.
#   FARSIDE=path uses that binary instead of building one with Scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
farside=${FARSIDE:-$(Scripts/setup.sh)}
runs=3
dem=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    *) dem=$1; shift ;;
  esac
done
work=$(mktemp -d /tmp/farside-compare.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ -z "$dem" ]; then
  "$farside" synth --preset south-pole --size 4096 --resolution 20 --seed 11 -o "$work/synth.tif" --quiet
  gdal_translate -q -co TILED=YES -co BLOCKXSIZE=512 -co BLOCKYSIZE=512 "$work/synth.tif" "$work/dem.tif"
  rm "$work/synth.tif"
  dem="$work/dem.tif"
fi
echo "DEM: $dem ($(gdalinfo "$dem" | grep -E '^Size is' | sed 's/Size is //'), $(gdalinfo "$dem" | grep -o 'Block=[0-9x]*' | head -1))"
echo "gdaldem: $(gdalinfo --version)"

# best-of-N wall time in seconds of a command
best() {
  local best_t=""
  for _ in $(seq "$runs"); do
    local s e t
    s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
    t=$(awk -v e="$e" -v s="$s" 'BEGIN { print e - s }')
    if [ -z "$best_t" ] || awk -v t="$t" -v b="$best_t" 'BEGIN { exit !(t < b) }'; then best_t=$t; fi
  done
  printf '%.3f' "$best_t"
}

deflate=(-co TILED=YES -co COMPRESS=DEFLATE -co PREDICTOR=3 -co ZLEVEL=1)
t_gd_plain=$(best gdaldem slope -q "$dem" "$work/gd_plain.tif")
t_fs_plain=$(best "$farside" terrain "$dem" -o "$work/fs_plain" --products slope --threads 1 --quiet --compress none)
t_fs_default=$(best "$farside" terrain "$dem" -o "$work/fs_default" --products slope --threads 1 --quiet)
t_gd_deflate=$(best gdaldem slope -q "$dem" "$work/gd_deflate.tif" "${deflate[@]}")
t_fs_deflate=$(best "$farside" terrain "$dem" -o "$work/fs_deflate" --products slope --threads 1 --quiet --compress deflate:1)
t_fs_all=$(best "$farside" terrain "$dem" -o "$work/fs_all" --products slope --quiet)
# The I/O floor: GDAL copying the same raster, no computation at all.
t_copy=$(best gdal_translate -q -co TILED=YES "$dem" "$work/copy.tif")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
printf '\n%-58s %8s %8s\n' "slope, file to file (best of $runs)" "seconds" "ratio"
printf '%-58s %8s\n' "gdaldem slope (its default: uncompressed)" "$t_gd_plain"
printf '%-58s %8s %8sx\n' "farside terrain --threads 1 --compress none" "$t_fs_plain" "$(ratio "$t_gd_plain" "$t_fs_plain")"
printf '%-58s %8s %8sx\n' "farside terrain --threads 1 (default output), vs default" "$t_fs_default" "$(ratio "$t_gd_plain" "$t_fs_default")"
printf '%-58s %8s\n' "gdaldem slope -co TILED=YES COMPRESS=DEFLATE PREDICTOR=3 ZLEVEL=1" "$t_gd_deflate"
printf '%-58s %8s %8sx\n' "farside terrain --threads 1 --compress deflate:1" "$t_fs_deflate" "$(ratio "$t_gd_deflate" "$t_fs_deflate")"
printf '%-58s %8s %8sx\n' "farside terrain, all cores ($(nproc)), default output" "$t_fs_all" "$(ratio "$t_gd_plain" "$t_fs_all")"
printf '%-58s %8s %8sx\n' "I/O floor: gdal_translate copy (uncompressed), vs gdaldem" "$t_copy" "$(ratio "$t_gd_plain" "$t_copy")"

printf '%-58s %8s %8s\n' "file sizes (bytes): gdaldem / farside default / deflate:1" "" ""
printf '  %s / %s / %s\n' "$(stat -c %s "$work/gd_plain.tif")" "$(stat -c %s "$work/fs_default/slope.tif")" "$(stat -c %s "$work/fs_deflate/slope.tif")"

# Largest difference over interior cells (gdaldem leaves the one-cell border as nodata).
gdal_translate -q -of ENVI "$work/gd_plain.tif" "$work/gd.raw"
gdal_translate -q -of ENVI "$work/fs_plain/slope.tif" "$work/fs.raw"
size=$(gdalinfo "$dem" | sed -n 's/^Size is \([0-9]*\), \([0-9]*\)/\1 \2/p')
py=python3; $py -c 'import numpy' 2>/dev/null || py=/usr/bin/python3
$py - "$work/gd.raw" "$work/fs.raw" $size <<'PY'
import sys, numpy as np
w, h = int(sys.argv[3]), int(sys.argv[4])
a = np.fromfile(sys.argv[1], dtype=np.float32).reshape(h, w)[1:-1, 1:-1].astype(np.float64)
b = np.fromfile(sys.argv[2], dtype=np.float32).reshape(h, w)[1:-1, 1:-1].astype(np.float64)
ok = (a > -9000) & (b > -9000)
d = np.abs(a - b)[ok]
print(f"\nslope difference gdaldem vs farside (interior, {ok.sum()} cells): max {d.max():.2e} deg, mean {d.mean():.2e} deg; slope range {a[ok].min():.2f}..{a[ok].max():.2f} deg")
PY
