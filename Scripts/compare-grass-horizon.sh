#!/usr/bin/env bash
# Side-by-side: `farside horizon` vs GRASS r.horizon on the same synthetic DEM, in one run.
# Usage: Scripts/compare-grass-horizon.sh [SIZE=512] [AZIMUTHS=36] [THREADS=2]
# Env: FARSIDE (binary; default .build/release/farside), WORKDIR (default: a temp dir).
# Conventions: farside band k = grid azimuth (k-1)*360/A clockwise from grid north (degrees).
# r.horizon: output maps hz_<angle> with angle counterclockwise from EAST; it uses the EARTH's radius for
# curvature (no option for the Moon), so horizons differ by the curvature term (~d/2 * (1/R_earth - 1/R_moon)).
set -euo pipefail
N=${1:-512}; A=${2:-36}; THREADS=${3:-2}
FARSIDE=${FARSIDE:-.build/release/farside}
WORK=${WORKDIR:-$(mktemp -d /tmp/hzcmp.XXXXXX)}
STEP=$(python3 -c "print(360/$A)")

if ! command -v grass >/dev/null 2>&1; then
  echo "installing grass-core ..." >&2
  apt-get install -y grass-core >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y grass-core >/dev/null; }
fi
[ -x "$FARSIDE" ] || { echo "farside binary not found at $FARSIDE (set FARSIDE=...)" >&2; exit 1; }
"$FARSIDE" horizon --help >/dev/null 2>&1 || { echo "this farside has no 'horizon' command yet" >&2; exit 1; }

DEM=$WORK/dem.tif
"$FARSIDE" synth --preset south-pole --size "$N" -o "$DEM"

t0=$(date +%s.%N)
"$FARSIDE" horizon "$DEM" -o "$WORK/farside_hz.tif" --azimuths "$A" --threads "$THREADS"
t1=$(date +%s.%N)

rm -rf "$WORK/grassloc"
grass -c "$DEM" "$WORK/grassloc" --exec r.in.gdal input="$DEM" output=dem -o --quiet
t2=$(date +%s.%N)
# r.horizon is single-threaded unless built with OpenMP (nprocs); give it the same thread count where supported.
# (r.horizon's PROJ calls print "stere: Invalid longitude" per cell on a polar grid: kept out of the terminal.)
grass "$WORK/grassloc/PERMANENT" --exec bash -c "g.region raster=dem && (r.horizon elevation=dem step=$STEP output=hz nprocs=$THREADS --quiet 2>/dev/null || r.horizon elevation=dem step=$STEP output=hz --quiet)" 2>"$WORK/rhorizon.log"
t3=$(date +%s.%N)
mkdir -p "$WORK/grass_out"
grass "$WORK/grassloc/PERMANENT" --exec bash -c 'for m in $(g.list raster pattern="hz_*"); do r.out.gdal input=$m output='"$WORK"'/grass_out/$m.tif format=GTiff type=Float32 --quiet -f; done' 2>>"$WORK/rhorizon.log"
# Raw Float32 copies for numpy (the python GDAL bindings are not required).
gdal_translate -q -ot Float32 -of ENVI "$WORK/farside_hz.tif" "$WORK/farside_hz.raw"
for f in "$WORK"/grass_out/hz_*.tif; do gdal_translate -q -ot Float32 -of ENVI "$f" "${f%.tif}.raw"; done

python3 - "$WORK" "$N" "$A" "$t0" "$t1" "$t2" "$t3" <<'PY'
import sys, glob, os, re, math, random
import numpy as np
work, N, A, t0, t1, t2, t3 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), *map(float, sys.argv[4:8])
cells = N * N * A
fs, gs = t1 - t0, t3 - t2
print(f"farside horizon : {fs:8.2f} s  {cells/fs:12.4g} cell-directions/s")
print(f"GRASS r.horizon : {gs:8.2f} s  {cells/gs:12.4g} cell-directions/s  (Earth radius curvature, CCW from east)")
print(f"speed ratio farside/GRASS: {gs/fs:.1f}x")
fz = np.fromfile(f"{work}/farside_hz.raw", dtype=np.float32).reshape(A, N, N)   # ENVI default: band sequential
diffs = []
random.seed(1)
for f in sorted(glob.glob(f"{work}/grass_out/hz_*.raw")):
    ang = float(re.sub(r"^hz_", "", os.path.basename(f)[:-4]).replace("_", "."))   # CCW from east
    az = (90 - ang) % 360                                                          # CW from north
    k = round(az / (360 / A)) % A
    g = np.fromfile(f, dtype=np.float32).reshape(N, N)
    h = fz[k]
    gu = g * (180 / math.pi) if abs(g).max() <= math.pi / 2 + 1e-3 else g          # r.horizon writes radians by default
    for _ in range(200):
        r, c = random.randrange(N), random.randrange(N)
        a, b = float(h[r, c]), float(gu[r, c])
        if math.isfinite(a) and math.isfinite(b) and b > -89: diffs.append(a - b)
if diffs:
    m = sum(diffs) / len(diffs); rms = math.sqrt(sum(d * d for d in diffs) / len(diffs))
    print(f"horizon difference farside - GRASS over {len(diffs)} samples: mean {m:+.3f} deg, RMS {rms:.3f} deg")
PY
echo "work dir: $WORK"
