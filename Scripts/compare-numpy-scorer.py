#!/usr/bin/env python3
"""Side-by-side: the SiteSelection SIMD scorer against the same formula in NumPy, same data, same run.

Makes 6 random Float32 layers (fixed seed; slope, roughness, sun, earth, relay, distance-to-ice scales,
about 0.1 % NaN), writes them as raw little-endian float32 files, runs the Swift scorer on them and NumPy
on the arrays in memory, and prints both kernel times (file I/O excluded on both sides), cells/s, the
ratio (target >= 5x) and the largest differences of score and feasibility.

Usage: Scripts/compare-numpy-scorer.py SWIFT_CMD [--size N] [--threads T] [--repeats R] [--seed S]
  SWIFT_CMD is the command that scores files, e.g. ".build/release/scorebench files" (quoted; split like a
  shell would). It is called as: SWIFT_CMD DIR N THREADS REPEATS, reads DIR/layer0..5.f32 (N x N),
  writes DIR/score.f32 and DIR/feasible.f32 and prints "kernel_seconds S" (best of REPEATS).
  Default SWIFT_CMD: $FARSIDE_SCOREBENCH, else the `scorebench` executable of the Benchmarks package,
  built here (release, AVX2 where available) when missing.

The criteria must match the Swift side's (scorebench's `benchCriteria`):
  (layer, min, max, membership, weight)
"""
import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import time

import numpy as np


def build_scorebench(package):
    """Builds Benchmarks' scorebench in release (with the kernels' AVX2 flags where the CPU has them)."""
    env = dict(os.environ)
    try:
        cpuinfo = open("/proc/cpuinfo").read()
        if "FARSIDE_TARGET_CPU" not in env and " avx2" in cpuinfo and " fma" in cpuinfo:
            env["FARSIDE_TARGET_CPU"] = "haswell"
    except OSError:
        pass
    subprocess.run(["swift", "build", "-c", "release", "--product", "scorebench", "--package-path", package],
                   check=True, env=env, stdout=sys.stderr)
    binpath = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path", "--package-path", package],
                             check=True, env=env, capture_output=True, text=True).stdout.strip()
    return shlex.quote(os.path.join(binpath, "scorebench"))

# layer, hard min, hard max, ("linear", from, to) | ("threshold", at, above), weight
CRITERIA = [
    (0, None, 8.0, ("linear", 8.0, 0.0), 3.0),          # slope, deg
    (1, None, 1.5, ("linear", 1.5, 0.1), 2.0),          # roughness, m
    (2, 0.2, None, ("linear", 0.2, 0.9), 2.0),          # sun fraction
    (3, None, None, ("threshold", 0.5, True), 1.0),     # earth fraction
    (4, None, None, ("linear", 0.3, 1.0), 1.5),         # relay fraction
    (5, None, 5000.0, ("linear", 5000.0, 500.0), 1.0),  # distance to ice, m
]
SCALES = [12.0, 2.0, 1.0, 1.0, 1.0, 8000.0]


def make_layers(n, seed):
    rng = np.random.default_rng(seed)
    layers = []
    for s in SCALES:
        a = (rng.random((n, n), dtype=np.float32) * np.float32(s)).astype(np.float32)
        a[rng.random((n, n)) < 0.001] = np.nan
        layers.append(a)
    return layers


def numpy_score(layers):
    """The scorer's formula: score = sum(w m(x)) / sum(w); feasible = all hard limits; NaN in any layer -> NaN."""
    shape = layers[0].shape
    acc = np.zeros(shape, dtype=np.float32)
    ok = np.ones(shape, dtype=bool)
    nan = np.zeros(shape, dtype=bool)
    total = np.float32(sum(c[4] for c in CRITERIA))
    for layer, lo, hi, mem, w in CRITERIA:
        x = layers[layer]
        nan |= np.isnan(x)
        if lo is not None:
            ok &= x >= np.float32(lo)
        if hi is not None:
            ok &= x <= np.float32(hi)
        if mem[0] == "linear":
            a, b = np.float32(mem[1]), np.float32(mem[2])
            m = np.clip((x - a) / (b - a), np.float32(0), np.float32(1))
        else:
            t, above = np.float32(mem[1]), mem[2]
            m = (x >= t if above else x <= t).astype(np.float32)
        acc += np.float32(w) * m
    score = acc / total
    score[nan] = np.nan
    feasible = ok.astype(np.float32)
    feasible[nan] = np.nan
    return score, feasible


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_cmd = os.environ.get("FARSIDE_SCOREBENCH") or build_scorebench(os.path.join(here, "..", "Benchmarks")) + " files"
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("swift_cmd", nargs="?", default=default_cmd)
    p.add_argument("--size", type=int, default=4096)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--seed", type=int, default=20240601)
    args = p.parse_args()
    n = args.size

    layers = make_layers(n, args.seed)
    with tempfile.TemporaryDirectory(prefix="farside-scorer.") as d:
        for k, a in enumerate(layers):
            a.astype("<f4").tofile(os.path.join(d, f"layer{k}.f32"))
        cmd = shlex.split(args.swift_cmd) + [d, str(n), str(args.threads), str(args.repeats)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        t_swift = next(float(l.split()[1]) for l in out.splitlines() if l.startswith("kernel_seconds"))
        s_swift = np.fromfile(os.path.join(d, "score.f32"), dtype="<f4").reshape(n, n)
        f_swift = np.fromfile(os.path.join(d, "feasible.f32"), dtype="<f4").reshape(n, n)

    t_np = float("inf")
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        s_np, f_np = numpy_score(layers)
        t_np = min(t_np, time.perf_counter() - t0)

    cells = n * n
    nan_mismatch = int(np.count_nonzero(np.isnan(s_swift) != np.isnan(s_np)) +
                       np.count_nonzero(np.isnan(f_swift) != np.isnan(f_np)))
    valid = ~np.isnan(s_np) & ~np.isnan(s_swift)
    max_score_diff = float(np.max(np.abs(s_swift[valid] - s_np[valid]))) if valid.any() else 0.0
    feas_diff = int(np.count_nonzero(f_swift[valid] != f_np[valid]))

    print(f"layers: 6 x {n} x {n} float32 ({cells:,} cells), seed {args.seed}, "
          f"{int(np.count_nonzero(np.isnan(s_np))):,} nodata cells, "
          f"{int(np.nansum(f_np)):,} feasible; numpy {np.__version__}")
    print(f"{'kernel time, best of ' + str(args.repeats):<40} {'seconds':>9} {'Mcells/s':>10}")
    print(f"{'numpy (1 thread)':<40} {t_np:9.4f} {cells / t_np / 1e6:10.1f}")
    print(f"{'swift scorer, ' + str(args.threads) + ' thread(s)':<40} {t_swift:9.4f} {cells / t_swift / 1e6:10.1f}")
    print(f"ratio numpy / swift: {t_np / t_swift:.1f}x (target >= 5x)")
    print(f"max |score difference|: {max_score_diff:.3g}; feasibility differences: {feas_diff}; "
          f"nodata mismatches: {nan_mismatch}")
    ok = max_score_diff < 1e-5 and feas_diff == 0 and nan_mismatch == 0
    if not ok:
        print("MISMATCH between Swift and NumPy", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
