"""Reference horizon for FarSide's comparison scripts, independent of the sweep: the exact-sphere elevation
of the bilinear surface through the cell centres along the exact ray from a cell centre (plus the observer
height), sampled every 0.05 cell to the ray's exit from the rectangle of cell centres (exit included), every
local maximum within 2 deg of the best refined by 400 samples over the two steps around it, and the limit at
the eye (1e-6 cell): the maximum along the ray to ~1e-4 deg, where a half-cell march misses crests by up to
~10 deg on 20 m polar terrain."""
import math
import numpy as np


def reference_horizon(dem, r, c, az, h, cell, R=1_737_400.0):
    """(degrees, metres to the maximum) for cell (r, c) of the square-celled `dem` toward grid azimuth `az`
    (radians clockwise from up); (-90, 0) when the ray has no DEM."""
    H, W = dem.shape
    su, cu = math.sin(az), math.cos(az)
    su = 0.0 if abs(su) < 1e-12 else su
    cu = 0.0 if abs(cu) < 1e-12 else cu
    smax = math.inf
    if su > 0: smax = min(smax, (W - 1 - c) * cell / su)
    if su < 0: smax = min(smax, c * cell / -su)
    if cu > 0: smax = min(smax, r * cell / cu)
    if cu < 0: smax = min(smax, (H - 1 - r) * cell / -cu)
    if not smax > 0: return -90.0, 0.0
    zi = dem[r, c] + h

    def elev(s):
        col = np.clip(c + s * su / cell, 0, W - 1); row = np.clip(r - s * cu / cell, 0, H - 1)
        c0 = np.minimum(np.floor(col).astype(int), W - 2); r0 = np.minimum(np.floor(row).astype(int), H - 2)
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
        ss = np.linspace(s[max(0, j - 1)], s[min(len(s) - 1, j + 1)], 401)
        ee = elev(ss); k = int(np.argmax(ee))
        if ee[k] > best: best, at = ee[k], ss[k]
    return math.degrees(best), at
