#!/usr/bin/env bash
# Horizon accuracy on rugged polar terrain: `farside horizon` against an independent reference ray march
# (heights bilinear in the cell centres along the exact ray from the cell centre, exact sphere, sampled
# every 0.05 cell with every crest refined 400-fold, the limit at the eye and the ray's exit included),
# at random cells and the file's azimuths that are not multiples of 45 deg, for observers at 0 and 2 m. Prints mean / RMS / p99 / max of
# farside - reference, for all horizons and for those within 3 cells (near field) separately.
# Usage: Scripts/horizon-accuracy.sh [SIZE=512] [SEEDS="7 3 11"] [AZIMUTHS=36] [SAMPLES=1200]
# Env: FARSIDE (binary; default .build/release/farside), WORKDIR (default: a temp dir).
set -euo pipefail
N=${1:-512}; SEEDS=${2:-"7 3 11"}; A=${3:-36}; SAMPLES=${4:-1200}
FARSIDE=${FARSIDE:-.build/release/farside}
WORK=${WORKDIR:-$(mktemp -d /tmp/hzacc.XXXXXX)}
[ -x "$FARSIDE" ] || { echo "farside binary not found at $FARSIDE (set FARSIDE=...)" >&2; exit 1; }
python3 -c "import numpy" 2>/dev/null || { echo "python3-numpy is required" >&2; exit 1; }
for seed in $SEEDS; do
  "$FARSIDE" synth --preset south-pole --size "$N" --resolution 20 --seed "$seed" -o "$WORK/dem_$seed.tif" --quiet
  gdal_translate -q -ot Float32 -of ENVI "$WORK/dem_$seed.tif" "$WORK/dem_$seed.raw"
  for h in 0 2; do
    "$FARSIDE" horizon "$WORK/dem_$seed.tif" -o "$WORK/hz_${seed}_$h.tif" --azimuths "$A" --height-m "$h" --compress none --quiet
    gdal_translate -q -ot Float32 -of ENVI "$WORK/hz_${seed}_$h.tif" "$WORK/hz_${seed}_$h.raw"
  done
done
FARSIDE_SCRIPTS="$(cd "$(dirname "$0")" && pwd)" python3 - "$WORK" "$N" "$A" "$SAMPLES" "$SEEDS" <<'PY'
import sys, os, math
import numpy as np
work, N, A, SAMPLES, seeds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5].split()
cell = 20.0

sys.path.insert(0, os.environ["FARSIDE_SCRIPTS"])
from horizon_reference import reference_horizon

def stats(d):
    d = np.array(d); a = np.abs(d)
    if len(d) == 0: return "n=0"
    return f"n={len(d)} mean {d.mean():+.4f} RMS {math.sqrt((d**2).mean()):.4f} p99 {np.percentile(a, 99):.4f} max {a.max():.4f} deg"

total = {0: [], 2: []}
for seed in seeds:
    dem = np.fromfile(f"{work}/dem_{seed}.raw", dtype=np.float32).reshape(N, N).astype(np.float64)
    for h in (0, 2):
        hz = np.fromfile(f"{work}/hz_{seed}_{h}.raw", dtype=np.float32).reshape(A, N, N)
        rng = np.random.default_rng(int(seed) * 10 + h)
        d, near, worst = [], [], (0, None)
        for _ in range(SAMPLES):
            k, r, c = int(rng.integers(A)), int(rng.integers(N)), int(rng.integers(N))
            if (k * 360 / A) % 45 == 0: continue                       # off the axes and diagonals only
            ref, at = reference_horizon(dem, r, c, math.radians(k * 360 / A), h, cell)
            v = float(hz[k, r, c])
            if not math.isfinite(v) or not math.isfinite(ref): continue
            d.append(v - ref)
            if 0 < at <= 3 * cell: near.append(v - ref)
            if abs(v - ref) > worst[0]: worst = (abs(v - ref), (r, c, k * 360 / A, round(v, 3), round(ref, 3)))
        total[h] += d
        print(f"seed {seed} {N}^2 h={h} m: {stats(d)}; within 3 cells: {stats(near)}; worst (row, col, az, farside, ref) {worst[1]}")
for h in (0, 2):
    print(f"all seeds, h={h} m: {stats(total[h])}")
PY
echo "work dir: $WORK"
