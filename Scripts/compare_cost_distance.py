#!/usr/bin/env python3
"""Helper of Scripts/compare-cost-distance.sh: the scikit-image side and the checks.

  prepare DEM SLOPE WORK [--max-slope 20]
      Passability as farside's `--rover distance`: slope (gdaldem slope, degrees) <= max and not nodata.
      Writes WORK/passable.npy and WORK/cost.tif (Float32: 1 where passable, nodata elsewhere: r.cost's
      null). Picks the origin: the centre cell (the nearest passable cell if the centre is not), and prints
      one line "row col x y lat lon" (projected centre of the cell, and its planetocentric lat/lon in the
      DEM's own geographic CRS).
  mcp WORK ROW COL --neighbours 8|16 --resolution R
      scikit-image on cost 1 per metre (impassable: infinite cost): MCP_Geometric(fully_connected=True,
      sampling=(R, R)) for 8 neighbours; for 16, MCP_Flexible with the 16 moves and MCP_Geometric's own
      travel cost, length * (c_u + c_v) / 2 (MCP_Geometric accepts unit offsets only). Times find_costs
      alone, saves WORK/mcpN.npy (costs from 0 at the origin, inf where unreachable), prints "seconds".
      With --geotiff DEM it also writes the costs as a Float32 GeoTIFF on the DEM's grid (tiled, nodata
      where unreachable, as farside's cost_distance.tif) and prints a second figure: the whole job from
      loading the passability to the GeoTIFF written (array set-up, find_costs, the write).
  compare REF.npy OTHER.tif --label L [--scale S] [--tolerance T]
      Same reachable cells and |other * S - ref| <= T * ref; prints one line; exits 1 on a mismatch.
"""
import argparse
import sys
import time

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()

KING = [(-1, 0), (0, 1), (1, 0), (0, -1), (-1, 1), (1, 1), (1, -1), (-1, -1)]
KNIGHT = [(-2, 1), (-1, 2), (1, 2), (2, 1), (2, -1), (1, -2), (-1, -2), (-2, -1)]


def read(path):
    ds = gdal.Open(path)
    band = ds.GetRasterBand(1)
    values = band.ReadAsArray().astype(np.float64)
    nodata = band.GetNoDataValue()
    valid = np.isfinite(values)
    if nodata is not None:
        valid &= values != nodata
    return ds, values, valid


def prepare(args):
    dem_ds, dem, dem_valid = read(args.dem)
    _, slope, slope_valid = read(args.slope)
    passable = dem_valid & slope_valid & (slope <= args.max_slope)
    np.save(f"{args.work}/passable.npy", passable)
    driver = gdal.GetDriverByName("GTiff")
    out = driver.Create(f"{args.work}/cost.tif", dem_ds.RasterXSize, dem_ds.RasterYSize, 1, gdal.GDT_Float32,
                        ["TILED=YES"])
    out.SetGeoTransform(dem_ds.GetGeoTransform())
    out.SetProjection(dem_ds.GetProjection())
    band = out.GetRasterBand(1)
    band.SetNoDataValue(-9999)
    band.WriteArray(np.where(passable, 1, -9999).astype(np.float32))
    out = None

    rows, cols = passable.shape
    row, col = rows // 2, cols // 2
    if not passable[row, col]:
        r, c = np.nonzero(passable)
        if len(r) == 0:
            sys.exit("compare_cost_distance: no passable cell")
        k = np.argmin((r - row) ** 2 + (c - col) ** 2)
        row, col = int(r[k]), int(c[k])
    gt = dem_ds.GetGeoTransform()
    x = gt[0] + (col + 0.5) * gt[1] + (row + 0.5) * gt[2]
    y = gt[3] + (col + 0.5) * gt[4] + (row + 0.5) * gt[5]
    srs = osr.SpatialReference(wkt=dem_ds.GetProjection())
    geo = srs.CloneGeogCS()
    for s in (srs, geo):
        s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    lon, lat, _ = osr.CoordinateTransformation(srs, geo).TransformPoint(x, y)
    print(f"{row} {col} {x:.6f} {y:.6f} {lat:.12f} {lon:.12f}")


def mcp_once(args):
    """One MCP job: (find_costs seconds, job seconds or None, the costs)."""
    from skimage.graph import MCP_Flexible, MCP_Geometric

    job_start = time.perf_counter()
    passable = np.load(f"{args.work}/passable.npy")
    costs = np.where(passable, 1.0, np.inf)
    sampling = (args.resolution, args.resolution)
    if args.neighbours == 8:
        graph = MCP_Geometric(costs, fully_connected=True, sampling=sampling)
    else:
        class Geometric16(MCP_Flexible):
            def travel_cost(self, old_cost, new_cost, offset_length):
                return offset_length * 0.5 * (old_cost + new_cost)

        graph = Geometric16(costs, offsets=KING + KNIGHT, sampling=sampling)
    start = time.perf_counter()
    cumulative, _ = graph.find_costs([(args.row, args.col)])
    seconds = time.perf_counter() - start
    cumulative = np.asarray(cumulative, dtype=np.float64)
    cumulative -= cumulative[args.row, args.col]  # MCP_Flexible starts at the origin's own cost
    job = None
    if args.geotiff:
        dem_ds = gdal.Open(args.geotiff)
        out = gdal.GetDriverByName("GTiff").Create(f"{args.work}/mcp{args.neighbours}.tif", dem_ds.RasterXSize, dem_ds.RasterYSize, 1,
                                                   gdal.GDT_Float32, ["TILED=YES"])
        out.SetGeoTransform(dem_ds.GetGeoTransform())
        out.SetProjection(dem_ds.GetProjection())
        band = out.GetRasterBand(1)
        band.SetNoDataValue(-9999)
        band.WriteArray(np.where(np.isfinite(cumulative), cumulative, -9999).astype(np.float32))
        out = None
        job = time.perf_counter() - job_start
    return seconds, job, cumulative


def mcp(args):
    """The MCP job --repeat times; the least find_costs and job times (as the other tools, best of N)."""
    best, best_job, cumulative = float("inf"), float("inf"), None
    for _ in range(max(1, args.repeat)):
        seconds, job, cumulative = mcp_once(args)
        best = min(best, seconds)
        if job is not None:
            best_job = min(best_job, job)
    np.save(f"{args.work}/mcp{args.neighbours}.npy", cumulative)
    print(f"{best:.3f}" + (f" {best_job:.3f}" if args.geotiff else ""))


def compare(args):
    ref = np.load(args.ref)
    _, other, other_valid = read(args.other)
    other = np.where(other_valid, other * args.scale, np.inf)
    ref_reach, other_reach = np.isfinite(ref), np.isfinite(other)
    only_ref = int(np.count_nonzero(ref_reach & ~other_reach))
    only_other = int(np.count_nonzero(other_reach & ~ref_reach))
    both = ref_reach & other_reach
    rel = np.abs(other[both] - ref[both]) / np.maximum(ref[both], 1e-300)
    rel[ref[both] == 0] = np.abs(other[both][ref[both] == 0])
    worst = float(rel.max()) if rel.size else 0.0
    over = int(np.count_nonzero(rel > args.tolerance))
    ok = only_ref == 0 and only_other == 0 and over == 0
    where = ""
    if only_ref or only_other:
        diff = ref_reach != other_reach
        rows, cols = diff.shape
        edge = np.zeros_like(diff)
        edge[:2, :] = edge[-2:, :] = edge[:, :2] = edge[:, -2:] = True
        where = f" ({int(np.count_nonzero(diff & edge))} of them within 2 cells of the border)"
    print(f"{args.label}: {int(np.count_nonzero(both))} cells reached by both, {only_ref} only by the reference, "
          f"{only_other} only by this one{where}; max relative difference {worst:.2e}, "
          f"{over} cells over {args.tolerance:g}: {'OK' if ok else 'MISMATCH'}")
    sys.exit(0 if ok else 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("dem")
    p.add_argument("slope")
    p.add_argument("work")
    p.add_argument("--max-slope", type=float, default=20)
    p.set_defaults(run=prepare)
    p = sub.add_parser("mcp")
    p.add_argument("work")
    p.add_argument("row", type=int)
    p.add_argument("col", type=int)
    p.add_argument("--neighbours", type=int, choices=(8, 16), default=8)
    p.add_argument("--resolution", type=float, required=True)
    p.add_argument("--geotiff", metavar="DEM", help="also write the costs as a GeoTIFF on DEM's grid and time the whole job")
    p.add_argument("--repeat", type=int, default=1, help="run the job this many times and report the least times")
    p.set_defaults(run=mcp)
    p = sub.add_parser("compare")
    p.add_argument("ref")
    p.add_argument("other")
    p.add_argument("--label", required=True)
    p.add_argument("--scale", type=float, default=1)
    p.add_argument("--tolerance", type=float, default=1e-6)
    p.set_defaults(run=compare)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
