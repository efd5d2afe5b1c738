#!/usr/bin/env bash
# Horizon accuracy on rugged polar terrain: `farside horizon` against an independent reference ray march
# (heights bilinear in the cell centres along the exact ray from the cell centre, exact sphere, sampled
# every 0.05 cell with every crest refined 400-fold, the limit at the eye and the ray's exit included),
# at random cells and the file's azimuths, for observers at 0 and 2 m. Prints mean / RMS / p99 / max of
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
python3 - "$WORK" "$N" "$A" "$SAMPLES" "$SEEDS" <<'PY'
import sys, math
import numpy as np
work, N, A, SAMPLES, seeds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5].split()
R, cell = 1_737_400.0, 20.0

def reference(dem, r, c, az, h):
    su, cu = math.sin(az), math.cos(az)
    su = 0.0 if abs(su) < 1e-12 else su; cu = 0.0 if abs(cu) < 1e-12 else cu
    smax = math.inf
    if su > 0: smax = min(smax, (N - 1 - c) * cell / su)
    if su < 0: smax = min(smax, c * cell / -su)
    if cu > 0: smax = min(smax, r * cell / cu)
    if cu < 0: smax = min(smax, (N - 1 - r) * cell / -cu)
    if not smax > 0: return -90.0, 0.0
    zi = dem[r, c] + h
    def elev(s):
        col = np.clip(c + s * su / cell, 0, N - 1); row = np.clip(r - s * cu / cell, 0, N - 1)
        c0 = np.minimum(np.floor(col).astype(int), N - 2); r0 = np.minimum(np.floor(row).astype(int), N - 2)
        wx, wy = col - c0, row - r0
        z = (dem[r0, c0] * (1 - wx) + dem[r0, c0 + 1] * wx) * (1 - wy) + (dem[r0 + 1, c0] * (1 - wx) + dem[r0 + 1, c0 + 1] * wx) * wy
        th = s / R
        return np.arctan2((R + z) * np.cos(th) - (R + zi), (R + z) * np.sin(th))
    ds = 0.05 * cell
    s = np.concatenate([[1e-6 * cell], ds * np.arange(1, int(math.floor(smax / ds - 1e-9)) + 1), [smax]])
    e = elev(s)
    j = int(np.argmax(e)); best, at = e[j], s[j]
    left = np.concatenate([[-np.inf], e[:-1]]); right = np.concatenate([e[1:], [-np.inf]])
    for j in np.nonzero((e >= left) & (e >= right) & (e >= best - math.radians(2)))[0]:
        ss = np.linspace(s[max(0, j - 1)], s[min(len(s) - 1, j + 1)], 401); ee = elev(ss); k = int(np.argmax(ee))
        if ee[k] > best: best, at = ee[k], ss[k]
    return math.degrees(best), at

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
            ref, at = reference(dem, r, c, math.radians(k * 360 / A), h)
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
