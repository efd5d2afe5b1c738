#!/bin/bash
# Behaviour and speed of two FarSide builds side by side (refactors must keep outputs bit-identical and
# speed unchanged): terrain, horizons, illumination, relay maps and rank on one south-polar synthetic DEM,
# each command run by both builds in the same session; prints per command the wall time of each build,
# their ratio, and whether every output raster is identical (GDAL checksums of every band, and pixel
# values through gdalinfo -stats where the checksums match).
#   Scripts/compare-builds.sh OLD_FARSIDE NEW_FARSIDE [SIZE=1024] [THREADS=2]
set -euo pipefail
old=$1 new=$2 size=${3:-1024} threads=${4:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$new" synth --preset south-pole --size "$size" --resolution 20 --seed 3 -o "$work/dem.tif" --quiet
"$new" rank --profile ilrs-south-pole --show-profile | sed -e 's/duration_h: 8760/duration_h: 720/' -e 's/azimuths: 180/azimuths: 90/' > "$work/ilrs.yaml"
window=(--start 2027-01-01T00:00:00Z --end 2027-01-31T00:00:00Z --step 1h --azimuths 90)
commands=(
  "terrain|terrain $work/dem.tif --products slope,aspect,roughness"
  "horizon|horizon $work/dem.tif --azimuths 360 --int16"
  "illumination|illumination $work/dem.tif ${window[*]}"
  "relay|relay $work/dem.tif --orbit queqiao-2 ${window[*]}"
  "rank|rank --profile $work/ilrs.yaml --dem $work/dem.tif"
)
# Per output raster (OUT is a folder, or the file itself for `horizon`): GDAL's checksum of every band.
checksums() { local files; if [ -d "$1" ]; then files=("$1"/*.tif); else files=("$1"); fi; for f in "${files[@]}"; do printf '%s %s\n' "$([ -d "$1" ] && basename "$f")" "$(gdalinfo -checksum "$f" | grep Checksum= | tr -d ' ' | tr '\n' ',')"; done; }
printf '%-14s %10s %10s %8s  %s\n' command old_s new_s new/old outputs
for entry in "${commands[@]}"; do
  name=${entry%%|*} args=${entry#*|}
  for build in old new; do
    bin=${!build}
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    "$bin" $args -o "$work/$name-$build" --threads "$threads" --quiet > /dev/null
    end=$(date +%s.%N)
    eval "t_$build=$(echo "$end - $start" | bc)"
  done
  same=identical
  diff <(checksums "$work/$name-old") <(checksums "$work/$name-new") > /dev/null || same=DIFFERENT
  [ -d "$work/$name-old" ] && for f in "$work/$name-old"/*.csv; do [ -e "$f" ] && { cmp -s "$f" "$work/$name-new/$(basename "$f")" || same="DIFFERENT ($(basename "$f"))"; }; done
  printf '%-14s %10.2f %10.2f %8.3f  %s\n' "$name" "$t_old" "$t_new" "$(echo "$t_new / $t_old" | bc -l)" "$same"
done
