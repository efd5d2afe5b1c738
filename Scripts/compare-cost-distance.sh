#!/usr/bin/env bash
# Side-by-side: FarSide's static cost distance against scikit-image's MCP and GRASS r.cost on the same grid.
#
# Usage: Scripts/compare-cost-distance.sh [SIZE]     (default 4096: a SIZE x SIZE DEM at 20 m)
#
# The grid: `farside synth --preset south-pole --size SIZE --resolution 20`. The rover `distance` costs 1 per
# metre on cells whose slope (as gdaldem slope) is at most 20 deg; the peers get the same mask from
# `gdaldem slope -compute_edges` (cost 1 where slope <= 20, impassable elsewhere and on nodata; FarSide computes
# the edge cells too). The origin is the centre
# cell (the nearest passable cell if the centre is not passable).
#   FarSide   farside traverse DEM -o DIR --from LAT,LON --rover distance --neighbours 8|16, timed whole
#             (/usr/bin/time; the search time too when it prints one on stderr)
#   MCP       8: skimage.graph.MCP_Geometric(costs, fully_connected=True, sampling=(20, 20)).find_costs;
#             16: MCP_Flexible with the 16 moves and MCP_Geometric's travel cost, length * (c_u + c_v) / 2
#             (MCP_Geometric takes unit offsets only); only find_costs is timed
#   r.cost    GRASS r.cost and r.cost -k in a temporary location (timed whole: it reads and writes its
#             own rasters); its costs are in cells, multiplied by the resolution here
#   end to end  the same job as farside's whole command (a DEM in, a Float32 GeoTIFF of costs out), each
#             peer's steps timed and added: gdaldem slope, the cost raster and passability (NumPy, this
#             script's `prepare`), then MCP from the passability to its GeoTIFF (set-up, find_costs, write),
#             or r.in.gdal + r.cost + r.out.gdal (Float32, tiled). The rows "whole" and "search" stay as
#             they were: farside's whole command and its search against the peer's search alone.
# Checks: FarSide's costs equal MCP's within 1e-6 relative (FarSide writes Float32) with the same reachable
# cells, 8 and 16 neighbours; r.cost 8 against MCP likewise. r.cost -k is compared for information only:
# its knight's move needs the two cells it crosses as well (cost averaged over 4 cells), where FarSide and
# MCP need only its end cells, so it finds some routes dearer.
#
# Timing: every timed tool (farside's whole command and its search, MCP's find_costs and its job, r.cost and
# r.cost -k) runs REPEAT times (default 3) and the least time is reported, as timeit and hyperfine do on a
# noisy machine; the peers' one-off preparation (gdaldem slope, the NumPy cost raster, r.in.gdal,
# r.out.gdal) runs once. REPEAT=1 gives the single-run figures of earlier versions.
# FARSIDE=path names the binary (default .build/x86_64-unknown-linux-gnu/release/farside). Python: the
# system python3 when it has scikit-image, else a venv at ../.venv-compare (made here, with the system's
# GDAL bindings and numpy: --system-site-packages, then pip install scikit-image).
set -euo pipefail
cd "$(dirname "$0")/.."
script_start=$(date +%s.%N)
size=${1:-4096}
resolution=20
max_slope=20
farside=${FARSIDE:-.build/x86_64-unknown-linux-gnu/release/farside}
repeat=${REPEAT:-3}
helper=$PWD/Scripts/compare_cost_distance.py
[ -x "$farside" ] || { echo "no farside binary at $farside (build it: swift build -c release, or set FARSIDE)" >&2; exit 2; }
for tool in gdaldem grass /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install gdal-bin grass-core time)" >&2; exit 2; }
done

py=/usr/bin/python3
if ! "$py" -c "import skimage, osgeo.gdal" 2>/dev/null; then
  venv=${COMPARE_VENV:-$PWD/../.venv-compare}
  if ! "$venv/bin/python" -c "import skimage, osgeo.gdal" 2>/dev/null; then
    echo "making $venv (scikit-image)" >&2
    /usr/bin/python3 -m venv --system-site-packages "$venv"
    # The system's GDAL bindings are built against its numpy: keep that numpy.
    system_numpy=$(/usr/bin/python3 -c "import numpy; print(numpy.__version__)")
    "$venv/bin/pip" install -q "numpy==$system_numpy" scikit-image >&2
  fi
  py=$venv/bin/python
fi

work=$(mktemp -d /tmp/farside-cost-distance.XXXXXX)
trap 'rm -rf "$work"' EXIT

"$farside" synth --preset south-pole --size "$size" --resolution "$resolution" -o "$work/dem.tif" --quiet
# The peers' own preparation (timed for the end-to-end rows): slope, then the cost raster and passability.
/usr/bin/time -f "%e" -o "$work/slope.time" \
  gdaldem slope -q -compute_edges "$work/dem.tif" "$work/slope.tif"   # edges as FarSide computes them
prepare_start=$(date +%s.%N)
read -r row col x y lat lon < <("$py" "$helper" prepare "$work/dem.tif" "$work/slope.tif" "$work" --max-slope "$max_slope")
prepare_time=$(awk -v s="$prepare_start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
slope_time=$(tail -1 "$work/slope.time")
echo "grid: ${size} x ${size} at ${resolution} m, south-pole preset; origin row $row col $col (x $x, y $y; lat $lat, lon $lon)"
echo "peers: $("$py" -c 'import skimage; print("scikit-image", skimage.__version__)'), $(grass --version 2>&1 | head -1)"

# FarSide: the whole command, and its own search time when it reports one.
declare -A fs_time fs_search
least() { awk 'NR == 1 || $1 < m { m = $1 } END { print m }'; }
for n in 8 16; do
  : > "$work/fs$n.times"; : > "$work/fs$n.searches"
  for ((k = 0; k < repeat; k++)); do
    rm -rf "$work/fs$n"
    /usr/bin/time -f "%e" -o "$work/fs$n.time" \
      "$farside" traverse "$work/dem.tif" -o "$work/fs$n" --from "$lat,$lon" --rover distance --neighbours "$n" \
      2> "$work/fs$n.log" || { cat "$work/fs$n.log" >&2; exit 1; }
    tail -1 "$work/fs$n.time" >> "$work/fs$n.times"
    grep -i 'search' "$work/fs$n.log" | grep -oE '[0-9]+(\.[0-9]+)? ?s\b' | head -1 | tr -d ' s' >> "$work/fs$n.searches" || true
  done
  fs_time[$n]=$(least < "$work/fs$n.times")
  fs_search[$n]=$(least < "$work/fs$n.searches")
done

# scikit-image: find_costs alone, and its job from the passability to a GeoTIFF of the costs.
declare -A mcp_time mcp_job
for n in 8 16; do
  read -r mcp_time[$n] mcp_job[$n] < <("$py" "$helper" mcp "$work" "$row" "$col" --neighbours "$n" --resolution "$resolution" \
                                          --geotiff "$work/dem.tif" --repeat "$repeat")
done

# GRASS r.cost and r.cost -k in a temporary location made from the DEM (same CRS and grid).
cat > "$work/rcost.sh" <<EOF
set -e
cd "$work"
/usr/bin/time -f "%e" -o import.time r.in.gdal --quiet -o input=cost.tif output=cost
g.region raster=cost
for ((k = 0; k < $repeat; k++)); do
  /usr/bin/time -a -f "%e" -o rc8.time r.cost --quiet --overwrite input=cost output=rc8 start_coordinates=$x,$y memory=2000
  /usr/bin/time -a -f "%e" -o rc16.time r.cost --quiet --overwrite -k input=cost output=rc16 start_coordinates=$x,$y memory=2000
done
# The GeoTIFF a user exports (Float32, tiled, as farside's), timed; the Float64 ones are for the checks.
/usr/bin/time -f "%e" -o export8.time r.out.gdal --quiet -c -f input=rc8 output=rc8-export.tif type=Float32 createopt=TILED=YES
/usr/bin/time -f "%e" -o export16.time r.out.gdal --quiet -c -f input=rc16 output=rc16-export.tif type=Float32 createopt=TILED=YES
r.out.gdal --quiet -c -f input=rc8 output=rc8.tif type=Float64
r.out.gdal --quiet -c -f input=rc16 output=rc16.tif type=Float64
EOF
grass --tmp-location "$work/dem.tif" --exec bash "$work/rcost.sh" > "$work/grass.log" 2>&1 || { cat "$work/grass.log" >&2; exit 1; }
rc8=$(least < "$work/rc8.time")
rc16=$(least < "$work/rc16.time")
import_time=$(tail -1 "$work/import.time")
export8=$(tail -1 "$work/export8.time")
export16=$(tail -1 "$work/export16.time")

echo
status=0
"$py" "$helper" compare "$work/mcp8.npy" "$work/fs8/cost_distance.tif" --label "farside 8 vs MCP_Geometric" || status=1
"$py" "$helper" compare "$work/mcp16.npy" "$work/fs16/cost_distance.tif" --label "farside 16 vs MCP (16 moves)" || status=1
"$py" "$helper" compare "$work/mcp8.npy" "$work/rc8.tif" --scale "$resolution" --label "r.cost vs MCP_Geometric" || status=1
"$py" "$helper" compare "$work/mcp16.npy" "$work/rc16.tif" --scale "$resolution" \
  --label "r.cost -k vs MCP (16 moves), information only" || true

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }'; }
echo
printf '%-44s %10s %12s %12s\n' "single source, ${size}^2, cost 1/m, best of $repeat" "seconds" "vs farside" "vs search"
for n in 8 16; do
  s=${fs_search[$n]:-}
  printf '%-44s %10s %12s %12s\n' "farside traverse --neighbours $n (whole)" "${fs_time[$n]}" "" ""
  [ -n "$s" ] && printf '%-44s %10.3f\n' "  its search, as it reports" "$s"
  label="MCP_Geometric find_costs"; [ "$n" = 16 ] && label="MCP_Flexible (16 moves) find_costs"
  printf '%-44s %10s %12s %12s\n' "$label" "${mcp_time[$n]}" "$(ratio "${mcp_time[$n]}" "${fs_time[$n]}")" \
    "$( [ -n "$s" ] && ratio "${mcp_time[$n]}" "$s" || echo -)"
  rc=$rc8; label="r.cost (whole)"; [ "$n" = 16 ] && { rc=$rc16; label="r.cost -k (whole)"; }
  printf '%-44s %10s %12s %12s\n' "$label" "$rc" "$(ratio "$rc" "${fs_time[$n]}")" "$( [ -n "$s" ] && ratio "$rc" "$s" || echo -)"
  # End to end, the same job as farside's whole command: DEM -> slope -> passability -> costs -> GeoTIFF.
  export=$export8; [ "$n" = 16 ] && export=$export16
  mcp_e2e=$(awk -v a="$slope_time" -v b="$prepare_time" -v c="${mcp_job[$n]}" 'BEGIN { printf "%.2f", a + b + c }')
  rc_e2e=$(awk -v a="$slope_time" -v b="$prepare_time" -v c="$import_time" -v d="$rc" -v e="$export" 'BEGIN { printf "%.2f", a + b + c + d + e }')
  label="MCP_Geometric"; [ "$n" = 16 ] && label="MCP_Flexible"
  printf '%-44s %10s %12s\n' "  end to end: $label job" "$mcp_e2e" "$(ratio "$mcp_e2e" "${fs_time[$n]}")"
  label="r.cost"; [ "$n" = 16 ] && label="r.cost -k"
  printf '%-44s %10s %12s\n' "  end to end: $label with import, export" "$rc_e2e" "$(ratio "$rc_e2e" "${fs_time[$n]}")"
done
echo "end to end (the same job as farside's whole command, DEM to GeoTIFF): gdaldem slope -compute_edges ${slope_time} s" \
     "+ the cost raster and passability (NumPy) ${prepare_time} s + the peer's job: MCP from the passability to its GeoTIFF" \
     "(set-up, find_costs, write); r.in.gdal ${import_time} s + r.cost + r.out.gdal (Float32, tiled) ${export8} / ${export16} s"
printf '%-44s %10.1f\n' "this script, total" "$(awk -v s="$script_start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')"
exit $status
