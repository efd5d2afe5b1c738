#!/usr/bin/env bash
# Side-by-side: `farside horizon` vs GRASS r.horizon on the same synthetic DEM, in one run, with the
# accuracy of both against a reference ray march (0.05 cell, crests refined, Moon sphere) at random cells.
# Usage: Scripts/compare-grass-horizon.sh [SIZE=2048] [AZIMUTHS=36] [THREADS=2] [SAMPLES=400]
# SIZE defaults to 2048, the DEM size of FarSide's horizon and illumination targets (r.horizon takes ~10-12 minutes
# there on one core). The ratio depends on the size: r.horizon marches every ray to the map edge, so its
# cost per cell-direction grows with the DEM, farside's does not, and farside's fixed start-up (~0.13 s:
# process start with GDAL's shared libraries, DEM read, frames) weighs more on small DEMs. Measured on a
# 2-core VM with the exact horizons (issue 18): 20-38x at 1024^2 x 36 (2 threads; README). The sampled
# sweep before issue 18 gave 150-200x there, with horizons up to 30 deg low on rugged polar terrain.
# Env: FARSIDE (binary; default .build/release/farside as Scripts/setup.sh builds it), WORKDIR (default: a temp dir).
#
# Conventions: farside band k = grid azimuth (k-1)*360/A clockwise from grid north, degrees.
# r.horizon writes maps hz_<angle> (radians, angle counterclockwise from east). In the DEM's own polar
# stereographic location GRASS converts every cell to longitude/latitude (printing "stere: Invalid
# longitude" on the Moon's CRS) and rotates its azimuths by the grid convergence, so its bands are not
# grid azimuths; it refuses an unprojected XY location. So GRASS gets the same heights and metre grid
# labelled EPSG:3857 at the equator (a projection with no grid convergence): identical geometry for a
# Cartesian horizon code. r.horizon uses the EARTH's radius for
# curvature (no option for another body); the script reports its accuracy against the Moon brute force
# (what a lunar user gets) and against the same brute force with the Earth's radius (its own model).
# Speed: cell-directions per second of each command, output files included. Two ratios, side by side:
# uncompressed against uncompressed (GRASS_COMPRESSOR=NONE for r.horizon, --compress none for farside:
# the computation's ratio) and default against default (each tool as a user runs it: r.horizon with
# GRASS's default raster compression, farside with its default output, uncompressed tiled GeoTIFF since
# issue 12). farside is also timed writing ZSTD level 1 (horizon angles are noise in their low
# bits: ZSTD saves ~9% of the file). farside's times are the median of 3 runs (it runs for about a second, so one run is at the
# mercy of a noisy neighbour; r.horizon runs for minutes). GRASS 8.2's r.horizon is single-threaded
# (nprocs arrived in 8.3); the ratio is printed for farside with THREADS and with 1.
set -euo pipefail
N=${1:-2048}; A=${2:-36}; THREADS=${3:-2}; SAMPLES=${4:-400}
FARSIDE=${FARSIDE:-.build/release/farside}
WORK=${WORKDIR:-$(mktemp -d /tmp/hzcmp.XXXXXX)}
mkdir -p "$WORK"
STEP=$(python3 -c "print(360/$A)")

if ! command -v grass >/dev/null 2>&1; then
  echo "installing grass-core ..." >&2
  apt-get install -y grass-core >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y grass-core >/dev/null; }
fi
[ -x "$FARSIDE" ] || { echo "farside binary not found at $FARSIDE (set FARSIDE=...)" >&2; exit 1; }
python3 -c "import numpy" 2>/dev/null || { echo "python3-numpy is required" >&2; exit 1; }

DEM=$WORK/dem.tif
"$FARSIDE" synth --preset south-pole --size "$N" -o "$DEM" --quiet

now() { date +%s.%N; }
# Median wall time of 3 runs of farside horizon with the given threads, compression ("default": no
# --compress, the default output) and output name.
timed() {
  local threads=$1 compress=$2 out=$3 runs=()
  local flags=(--compress "$compress")
  [ "$compress" = default ] && flags=()
  for _ in 1 2 3; do
    rm -f "$out"
    local a; a=$(now)
    "$FARSIDE" horizon "$DEM" -o "$out" --azimuths "$A" --threads "$threads" "${flags[@]}" --quiet
    runs+=("$(python3 -c "print($(now) - $a)")")
  done
  printf '%s\n' "${runs[@]}" | sort -g | sed -n 2p
}
fs=$(timed "$THREADS" none "$WORK/farside_hz.tif")
fsd=$(timed "$THREADS" default "$WORK/farside_hz_default.tif")
fsz=$(timed "$THREADS" zstd:1 "$WORK/farside_hz_zstd.tif")
fs1=$(timed 1 none "$WORK/farside_hz1.tif")

CELL=$(gdalinfo "$DEM" | sed -n 's/^Pixel Size = (\([0-9.]*\),.*/\1/p')
EXTENT=$(python3 -c "print($N * $CELL)")
gdal_translate -q -a_srs EPSG:3857 -a_ullr 0 "$EXTENT" "$EXTENT" 0 "$DEM" "$WORK/dem_grass.tif"
rm -rf "$WORK/grassloc"
grass -c EPSG:3857 "$WORK/grassloc" -e 2>>"$WORK/grass.log"
grass "$WORK/grassloc/PERMANENT" --exec r.in.gdal input="$WORK/dem_grass.tif" output=dem --quiet 2>>"$WORK/grass.log"
grass "$WORK/grassloc/PERMANENT" --exec g.region raster=dem --quiet 2>>"$WORK/grass.log"
t2=$(now)
GRASS_COMPRESSOR=NONE grass "$WORK/grassloc/PERMANENT" --exec r.horizon elevation=dem step="$STEP" output=hz --quiet 2>>"$WORK/grass.log"
t3=$(now)
# r.horizon again with GRASS's default compression (default against default).
grass "$WORK/grassloc/PERMANENT" --exec g.remove -f type=raster pattern="hz_*" --quiet 2>>"$WORK/grass.log"
t4=$(now)
grass "$WORK/grassloc/PERMANENT" --exec r.horizon elevation=dem step="$STEP" output=hz --quiet 2>>"$WORK/grass.log"
t5=$(now)
mkdir -p "$WORK/grass_out"
grass "$WORK/grassloc/PERMANENT" --exec bash -c 'for m in $(g.list raster pattern="hz_*"); do r.out.gdal input=$m output='"$WORK"'/grass_out/$m.tif format=GTiff type=Float32 --quiet -f; done' 2>>"$WORK/grass.log"
# Raw Float32 copies for numpy (the python GDAL bindings are not required).
gdal_translate -q -ot Float32 -of ENVI "$WORK/farside_hz.tif" "$WORK/farside_hz.raw"
gdal_translate -q -ot Float32 -of ENVI "$DEM" "$WORK/dem.raw"
ls "$WORK"/grass_out/hz_*.tif >/dev/null 2>&1 || { echo "r.horizon produced no maps; see $WORK/grass.log" >&2; exit 1; }
for f in "$WORK"/grass_out/hz_*.tif; do gdal_translate -q -ot Float32 -of ENVI "$f" "${f%.tif}.raw"; done

FARSIDE_SCRIPTS="$(cd "$(dirname "$0")" && pwd)" python3 - "$WORK" "$N" "$A" "$SAMPLES" "$CELL" "$fs" "$fsz" "$fs1" "$t2" "$t3" "$THREADS" "$fsd" "$t4" "$t5" <<'PY'
import sys, glob, os, re, math
import numpy as np
work, N, A, SAMPLES, cell = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
fs, fsz, fs1, t2, t3 = map(float, sys.argv[6:11]); threads = int(sys.argv[11])
fsd, t4, t5 = map(float, sys.argv[12:15])
cells = N * N * A
gs, gsd = t3 - t2, t5 - t4
print(f"DEM {N} x {N} ({cell:g} m cells), {A} azimuths: {cells:.3g} cell-directions; Float32 output")
print(f"farside horizon ({threads} threads, uncompressed): {fs:8.3f} s  {cells/fs:11.4g} cell-directions/s")
print(f"farside horizon ({threads} threads, default)     : {fsd:8.3f} s  {cells/fsd:11.4g} cell-directions/s")
print(f"farside horizon ({threads} threads, ZSTD-1)      : {fsz:8.3f} s  {cells/fsz:11.4g} cell-directions/s")
print(f"farside horizon (1 thread, uncompressed) : {fs1:8.3f} s  {cells/fs1:11.4g} cell-directions/s")
print(f"GRASS r.horizon (1 thread, uncompressed) : {gs:8.2f} s  {cells/gs:11.4g} cell-directions/s")
print(f"GRASS r.horizon (1 thread, default)      : {gsd:8.2f} s  {cells/gsd:11.4g} cell-directions/s")
print(f"speed ratio farside/GRASS, uncompressed against uncompressed: {gs/fs:.1f}x ({threads} threads), {gs/fs1:.1f}x (1 thread each); "
      f"default against default: {gsd/fsd:.1f}x ({threads} threads); {gs/fsz:.1f}x with farside writing ZSTD-1 ({threads} threads)")

dem = np.fromfile(f"{work}/dem.raw", dtype=np.float32).reshape(N, N).astype(np.float64)
fz = np.fromfile(f"{work}/farside_hz.raw", dtype=np.float32).reshape(A, N, N)   # band sequential
grass = {}
for f in glob.glob(f"{work}/grass_out/hz_*.raw"):
    ang = float(re.sub(r"^hz_", "", os.path.basename(f)[:-4]).replace("_", "."))  # CCW from east
    k = round(((90 - ang) % 360) / (360 / A)) % A                                # band of the same grid azimuth
    grass[k] = np.degrees(np.fromfile(f, dtype=np.float32).reshape(N, N))        # radians -> degrees

sys.path.insert(0, os.environ["FARSIDE_SCRIPTS"])
from horizon_reference import reference_horizon

def brute(r, c, az, R):
    """The reference ray march (Scripts/horizon_reference.py) with the body radius R."""
    return reference_horizon(dem, r, c, az, 0.0, cell, R)[0]

rng = np.random.default_rng(7)
ks = sorted(grass)
dF, dG, dGE = [], [], []
for _ in range(SAMPLES):
    k = ks[rng.integers(len(ks))]; r, c = int(rng.integers(N)), int(rng.integers(N))
    az = math.radians(k * 360 / A)
    moon = brute(r, c, az, 1_737_400.0); earth = brute(r, c, az, 6_371_000.0)
    f, g = float(fz[k, r, c]), float(grass[k][r, c])
    if moon <= -89 or not (math.isfinite(f) and math.isfinite(g)) or g <= -89: continue
    dF.append(f - moon); dG.append(g - moon); dGE.append(g - earth)
def stats(d):
    d = np.abs(np.array(d)); return f"RMS {math.sqrt((d**2).mean()):.3f} deg, p99 {np.percentile(d, 99):.3f} deg, max {d.max():.3f} deg"
print(f"accuracy against the reference ray march (0.05 cell, crests refined) with the Moon's radius, {len(dF)} random (cell, azimuth) samples:")
print(f"  farside horizon : {stats(dF)}")
print(f"  GRASS r.horizon : {stats(dG)}   (Earth-radius curvature)")
print(f"  GRASS r.horizon against the same reference with the Earth's radius: {stats(dGE)}")
PY
echo "work dir: $WORK"
