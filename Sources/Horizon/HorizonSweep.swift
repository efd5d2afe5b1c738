import Dispatch
import Foundation
import GeoRaster

/// Horizon maps by the upper-convex-hull sweep along parallel lines.
///
/// For one azimuth the grid is partitioned into parallel lines along that direction (Dozier, Bruno &
/// Downey 1981, "A faster solution to the horizon problem", Computers & Geosciences 7; Timonen &
/// Westerholm 2010, "Scalable algorithms for computing the horizon of a digital elevation model",
/// upper convex hulls along parallel lines). Each line is walked from its far end (the end the observer
/// looks toward) to its near end while keeping the upper convex hull of the points already visited;
/// the horizon of a point is the hull's tangent from it. Cost O(N) per azimuth, O(N A) in all.
///
/// ## Curvature identity
/// With d the distance along the line and z the height, an observer at (d_i, z_i) sees the point
/// (d_j, z_j), d_j > d_i, at the slope (tangent of the elevation angle), with the parabolic drop of a
/// sphere of radius R,
///
///     s_ij = (z_j - z_i)/(d_j - d_i) - (d_j - d_i)/(2R).
///
/// Writing H = z - d^2/(2R) this is exactly s_ij = (H_j - H_i)/(d_j - d_i) + d_i/R, and the second term
/// does not depend on j. So the target maximising s_ij is the tangent point of the upper convex hull of
/// the (d, H) points, and the hull needs no change for curvature. The parabola approximates the exact
/// sphere, tan e = ((R+z_j) cos θ - (R+z_i)) / ((R+z_j) sin θ) with θ = (d_j - d_i)/R, to a relative
/// error of order (d/R)^2/12 in the drop term (1e-3 relative at 190 km on the Moon), far below the
/// discretisation error of the grid.
///
/// ## Observer height
/// The observer stands at z_i + h; targets stay at ground height. The hull is built from ground points
/// only and h enters only the tangent query. Popping stays valid: a point is popped when it lies on or
/// below the segment between a newer (nearer) point and an older hull vertex, and such a point is never
/// a vertex of the upper hull of any superset, so it is never the tangent for any later observer at
/// any height. With h > 0 the tangent lies further along the hull, which the query finds by an
/// exponential-then-binary search of the (unimodal) slopes along the hull: O(log k) for a tangent k
/// vertices deep.
///
/// ## Discretisation
/// Lines are straight lines spaced one cell apart across the direction of travel, with one point per
/// crossing of the primary axis (the grid axis closer to the azimuth); a point's height interpolates
/// linearly between the two cells straddling the line. Every cell centre lies between two adjacent
/// lines; it is queried against both hulls (observer at its own centre and height), and each tangent
/// column is re-evaluated on the exact ray through the cell centre (linear interpolation across the
/// primary axis, as the brute-force reference's bilinear sampling gives there); the cell's horizon is
/// the larger. Distances are metric (cells may be non-square). Cells outside the DEM contribute nothing;
/// NaN (nodata) cells are not blockers (line points that would interpolate from them are dropped) and
/// get NaN horizons. A cell with no DEM at all in a direction gets -90 degrees.
///
/// ## Azimuths
/// Grid azimuth: degrees clockwise from the raster's up direction (the row-0 side) toward increasing
/// columns. For a north-up grid this is azimuth from grid north; converting to true azimuth needs the
/// grid convergence of the projection (DESIGN.md), which the caller applies.
public struct HorizonOptions: Sendable, Equatable {
    /// Number of azimuths A; band k is grid azimuth k * 360 / A degrees.
    public var azimuthCount: Int
    /// Observer height above the ground in metres.
    public var observerHeight: Double
    /// Body radius in metres (the Moon: 1,737,400).
    public var radius: Double
    /// Worker threads (results are identical for any count).
    public var threads: Int

    public init(azimuthCount: Int = 360, observerHeight: Double = 0, radius: Double = HorizonMap.moonRadius, threads: Int = 1) {
        precondition(azimuthCount >= 1, "azimuthCount must be >= 1")
        precondition(radius > 0, "radius must be > 0")
        self.azimuthCount = azimuthCount
        self.observerHeight = observerHeight
        self.radius = radius
        self.threads = max(1, threads)
    }
}

/// Horizon elevation maps of a DEM (see `HorizonOptions` for the method).
public enum HorizonMap {
    /// Mean lunar radius (LOLA/IAU), metres.
    public static let moonRadius: Double = 1_737_400

    /// Grid azimuth in degrees of band `k` of `count`.
    @inlinable
    public static func azimuth(band k: Int, count: Int) -> Double { Double(k) * 360 / Double(count) }

    /// Horizon elevation in degrees of every cell of `dem` toward one grid azimuth (degrees clockwise
    /// from up). `dx`, `dy`: cell width and height in metres.
    public static func horizon(_ dem: Grid, dx: Double, dy: Double, azimuthDegrees: Double,
                               observerHeight: Double = 0, radius: Double = moonRadius, threads: Int = 1) -> [Float] {
        var sweeper = HorizonSweeper(dem: dem, dx: dx, dy: dy, observerHeight: observerHeight, radius: radius, threads: threads)
        return sweeper.horizon(azimuthDegrees: azimuthDegrees)
    }

    /// Streams the horizon bands: calls `body(k, azimuthDegrees, elevationsDegrees)` for k = 0 ..< A in
    /// order, each band holding one Float per cell (row-major, NaN for nodata). Only one band is alive
    /// at a time. With `farField`, each band is combined with the far-field horizon (`FarField`).
    public static func forEachAzimuth(_ dem: Grid, dx: Double, dy: Double, options: HorizonOptions = HorizonOptions(),
                                      farField: FarField? = nil,
                                      _ body: (Int, Double, [Float]) throws -> Void) rethrows {
        var sweeper = HorizonSweeper(dem: dem, dx: dx, dy: dy, observerHeight: options.observerHeight,
                                     radius: options.radius, threads: options.threads)
        let farSampler = farField.map { FarFieldSampler($0, options: options, nearWidth: dem.width, nearHeight: dem.height) }
        for k in 0..<options.azimuthCount {
            let az = azimuth(band: k, count: options.azimuthCount)
            var band = sweeper.horizon(azimuthDegrees: az)
            if let farSampler { farSampler.combine(into: &band, azimuthDegrees: az) }
            try body(k, az, band)
        }
    }

    /// Convenience: `forEachAzimuth` with the metric cell size of uniform `CellMetrics` (projected grids).
    public static func forEachAzimuth(_ dem: Grid, metrics: CellMetrics, options: HorizonOptions = HorizonOptions(),
                                      farField: FarField? = nil,
                                      _ body: (Int, Double, [Float]) throws -> Void) rethrows {
        let (dx, dy) = uniformCellSize(metrics)
        try forEachAzimuth(dem, dx: dx, dy: dy, options: options, farField: farField, body)
    }

    /// All bands in one `HorizonCube` (A x N values; `storage` picks Float32 or Int16 centi-degrees).
    public static func cube(_ dem: Grid, dx: Double, dy: Double, options: HorizonOptions = HorizonOptions(),
                            farField: FarField? = nil, storage: HorizonCube.Storage = .float32) -> HorizonCube {
        var cube = HorizonCube(width: dem.width, height: dem.height, azimuthCount: options.azimuthCount, storage: storage)
        forEachAzimuth(dem, dx: dx, dy: dy, options: options, farField: farField) { k, _, band in
            cube.setBand(k, band)
        }
        return cube
    }

    /// `(dx, dy)` of uniform metrics; refuses per-row (geographic) metrics, whose lines are not straight.
    static func uniformCellSize(_ metrics: CellMetrics) -> (Double, Double) {
        guard let dx = metrics.dx.first, let dy = metrics.dy.first else { return (1, 1) }
        precondition(metrics.dx.allSatisfy { $0 == dx } && metrics.dy.allSatisfy { $0 == dy },
                     "horizon sweep needs uniform cell sizes (a projected grid)")
        return (dx, dy)
    }
}

/// Pointer wrapper for sharing buffers with `concurrentPerform` workers (disjoint writes only).
@usableFromInline
struct SharedPointer<T>: @unchecked Sendable {
    @usableFromInline let base: UnsafeMutablePointer<T>
    @usableFromInline init(_ base: UnsafeMutablePointer<T>) { self.base = base }
}

/// Reusable state for sweeping one DEM at many azimuths: scratch buffers sized once.
public struct HorizonSweeper {
    public let dem: Grid
    public let dx: Double
    public let dy: Double
    public let observerHeight: Double
    public let radius: Double
    public let threads: Int
    /// Ray crossings evaluated directly next to each cell before the hull takes over (default 8).
    public var nearCells: Int = 8
    /// Heights used as blockers (targets) when they differ from `dem` (the observers): NaN = no blocker.
    public let blockers: Grid?
    /// Per-cell tangent slopes from the line below/above each cell.
    var lowerSlopes: [Float]
    var upperSlopes: [Float]

    /// Sentinel slope for "nothing in this direction" (atan gives -90 degrees).
    static let nothing: Float = -1e30

    /// `blockers`: optional grid of the same size whose heights are the targets (NaN = not a blocker);
    /// observers always stand on `dem`. The far field uses it to leave the near DEM's footprint out.
    public init(dem: Grid, dx: Double, dy: Double, observerHeight: Double = 0, radius: Double = HorizonMap.moonRadius,
                threads: Int = 1, blockers: Grid? = nil) {
        precondition(dx > 0 && dy > 0, "cell sizes must be > 0")
        precondition(blockers.map { $0.width == dem.width && $0.height == dem.height } ?? true, "blockers must match the DEM")
        self.blockers = blockers
        self.dem = dem
        self.dx = dx
        self.dy = dy
        self.observerHeight = observerHeight
        self.radius = radius
        self.threads = max(1, threads)
        lowerSlopes = [Float](repeating: 0, count: dem.values.count)
        upperSlopes = [Float](repeating: 0, count: dem.values.count)
    }

    /// Horizon elevations in degrees toward grid azimuth `azimuthDegrees` for all cells.
    public mutating func horizon(azimuthDegrees: Double) -> [Float] {
        var out = [Float](repeating: .nan, count: dem.values.count)
        horizon(azimuthDegrees: azimuthDegrees, into: &out)
        return out
    }

    /// As `horizon(azimuthDegrees:)`, writing into `out` (count = cells).
    public mutating func horizon(azimuthDegrees: Double, into out: inout [Float]) {
        precondition(out.count == dem.values.count)
        let n = dem.values.count
        guard n > 0 else { return }
        let geometry = LineGeometry(width: dem.width, height: dem.height, dx: dx, dy: dy, azimuthRadians: azimuthDegrees * .pi / 180)
        let threads = self.threads
        let h = observerHeight, R = radius
        let blockerValues = blockers?.values ?? dem.values
        dem.values.withUnsafeBufferPointer { z in
          blockerValues.withUnsafeBufferPointer { zb in
            lowerSlopes.withUnsafeMutableBufferPointer { lo in
                upperSlopes.withUnsafeMutableBufferPointer { up in
                    let kernel = LineKernel(geometry: geometry, z: z.baseAddress!, zb: zb.baseAddress!, lower: SharedPointer(lo.baseAddress!),
                                            upper: SharedPointer(up.baseAddress!), observerHeight: h, radius: R,
                                            nearCells: nearCells, dx: dx, dy: dy)
                    let lines = geometry.lineRange
                    let count = lines.count
                    let workers = min(threads, count)
                    if workers <= 1 {
                        kernel.run(lines: lines)
                    } else {
                        let chunks = min(count, workers * 8)
                        DispatchQueue.concurrentPerform(iterations: chunks) { c in
                            let a = lines.lowerBound + c * count / chunks
                            let b = lines.lowerBound + (c + 1) * count / chunks
                            kernel.run(lines: a..<b)
                        }
                    }
                }
            }
          }
        }
        // Final pass: max of the two candidate slopes, then degrees.
        lowerSlopes.withUnsafeBufferPointer { lo in
            upperSlopes.withUnsafeBufferPointer { up in
                out.withUnsafeMutableBufferPointer { o in
                    let l = lo.baseAddress!, u = up.baseAddress!, op = SharedPointer(o.baseAddress!)
                    let workers = min(threads, max(1, n / 65_536))
                    if workers <= 1 {
                        HorizonVector.slopesToDegrees(l, u, op.base, count: n)
                    } else {
                        DispatchQueue.concurrentPerform(iterations: workers) { w in
                            let a = (w * n / workers) & ~7, b = w == workers - 1 ? n : ((w + 1) * n / workers) & ~7
                            HorizonVector.slopesToDegrees(l + a, u + a, op.base + a, count: b - a)
                        }
                    }
                }
            }
        }
    }
}

/// The family of parallel lines for one azimuth, in index space.
///
/// The primary axis is the grid axis the direction moves along faster (in cells); lines advance one
/// primary index per step and `t` secondary indices (|t| <= 1). Line `L` passes secondary position
/// `L + t * i` at primary index `i`.
struct LineGeometry {
    let primaryCount: Int      // P
    let secondaryCount: Int    // S
    let primaryStride: Int     // offset of +1 primary in the row-major grid
    let secondaryStride: Int
    let t: Double
    /// Metres along the ray per primary step.
    let step: Double
    /// +1 when the look direction is toward increasing primary index.
    let forward: Bool
    /// floor(t * i) and t * i - floor(t * i) per primary index.
    let floorShift: [Int32]
    let fracShift: [Float]
    /// Distance along the ray (0 at the near end of the look direction, increasing toward it).
    let distance: [Double]

    init(width: Int, height: Int, dx: Double, dy: Double, azimuthRadians az: Double) {
        // Look direction in metres (right, up) and in cells per metre (columns, rows).
        var dc = sin(az) / dx
        var dr = -cos(az) / dy
        if abs(dc) < 1e-15 { dc = 0 }
        if abs(dr) < 1e-15 { dr = 0 }
        let dp: Double, ds: Double, tt: Double
        if abs(dc) >= abs(dr) {
            primaryCount = width; secondaryCount = height
            primaryStride = 1; secondaryStride = width
            tt = dr / dc; forward = dc > 0
            dp = dx; ds = dy
        } else {
            primaryCount = height; secondaryCount = width
            primaryStride = width; secondaryStride = 1
            tt = dc / dr; forward = dr > 0
            dp = dy; ds = dx
        }
        t = tt
        step = (dp * dp + tt * ds * tt * ds).squareRoot()
        var fl = [Int32](repeating: 0, count: primaryCount)
        var fr = [Float](repeating: 0, count: primaryCount)
        var d = [Double](repeating: 0, count: primaryCount)
        for i in 0..<primaryCount {
            let q = tt * Double(i)
            var f = q.rounded(.down)
            var r = q - f
            // Snap shifts within rounding of an integer (exact diagonals) onto the cell.
            if r > 1 - 1e-9 { f += 1; r = 0 } else if r < 1e-9 { r = 0 }
            fl[i] = Int32(f)
            fr[i] = Float(r)
            d[i] = Double(forward ? i : primaryCount - 1 - i) * step
        }
        floorShift = fl
        fracShift = fr
        distance = d
    }

    /// Lines that touch the grid: line L has cells L + ceil(t i) - 1 ... L + ceil(t i) at index i.
    var lineRange: Range<Int> {
        guard primaryCount > 0 else { return 0..<0 }
        let q0 = 0.0, q1 = t * Double(primaryCount - 1)
        let lo = Int((-max(q0, q1)).rounded(.down)) - 1
        let hi = Int((Double(secondaryCount) - min(q0, q1)).rounded(.up)) + 2
        return lo..<hi
    }
}

/// The per-line sweep (read-only state shared by all workers; scratch per call).
struct LineKernel: @unchecked Sendable {
    let g: LineGeometry
    let z: UnsafePointer<Float>
    let zb: UnsafePointer<Float>
    let lower: SharedPointer<Float>
    let upper: SharedPointer<Float>
    let observerHeight: Double
    let radius: Double
    /// Near field: the first `nearCells` crossings of the ray are evaluated directly; hulls hold the rest.
    let nearCells: Int
    /// Half-cell bilinear sample: its offset in primary and secondary index units.
    let halfPrimary: Double
    let halfSecondary: Double
    /// `g.distance` storage (kept alive by `g`; read-only).
    let distPtr: UnsafePointer<Double>

    init(geometry: LineGeometry, z: UnsafePointer<Float>, zb: UnsafePointer<Float>, lower: SharedPointer<Float>, upper: SharedPointer<Float>,
         observerHeight: Double, radius: Double, nearCells: Int, dx: Double, dy: Double) {
        self.g = geometry; self.z = z; self.zb = zb; self.lower = lower; self.upper = upper
        self.observerHeight = observerHeight; self.radius = radius
        self.nearCells = nearCells
        let half = 0.5 * min(dx, dy)
        halfPrimary = (geometry.forward ? 1 : -1) * half / geometry.step
        halfSecondary = geometry.t * halfPrimary
        distPtr = geometry.distance.withUnsafeBufferPointer { $0.baseAddress! }
    }

    func run(lines: Range<Int>) {
        let P = g.primaryCount
        // Hull stack: distance, reduced height H = z - d^2/2R, primary index.
        let hd = UnsafeMutablePointer<Double>.allocate(capacity: P + 1)
        let hH = UnsafeMutablePointer<Double>.allocate(capacity: P + 1)
        let hk = UnsafeMutablePointer<Int32>.allocate(capacity: P + 1)
        defer { hd.deallocate(); hH.deallocate(); hk.deallocate() }
        g.floorShift.withUnsafeBufferPointer { fl in
            g.fracShift.withUnsafeBufferPointer { fr in
                g.distance.withUnsafeBufferPointer { dist in
                    for L in lines {
                        sweep(line: L, fl: fl.baseAddress!, fr: fr.baseAddress!, dist: dist.baseAddress!, hd: hd, hH: hH, hk: hk)
                    }
                }
            }
        }
    }

    /// Primary index range where line L has a point or a neighbouring cell inside the grid.
    @inline(__always)
    func activeRange(line L: Int) -> Range<Int> {
        let P = g.primaryCount, S = Double(g.secondaryCount)
        let t = g.t
        // Need -1 <= L + t i <= S, widened by one step for rounding.
        if t == 0 {
            return (L >= -1 && L <= g.secondaryCount) ? 0..<P : 0..<0
        }
        let a = (-1 - Double(L)) / t, b = (S - Double(L)) / t
        let lo = max(0, Int(min(a, b).rounded(.down)) - 1)
        let hi = min(P, Int(max(a, b).rounded(.up)) + 2)
        return lo < hi ? lo..<hi : 0..<0
    }

    @inline(__always)
    func sweep(line L: Int, fl: UnsafePointer<Int32>, fr: UnsafePointer<Float>, dist: UnsafePointer<Double>,
               hd: UnsafeMutablePointer<Double>, hH: UnsafeMutablePointer<Double>, hk: UnsafeMutablePointer<Int32>) {
        let range = activeRange(line: L)
        if range.isEmpty { return }
        let S = g.secondaryCount
        let ps = g.primaryStride, ss = g.secondaryStride
        let inv2R = 1 / (2 * radius)
        let invR = 1 / radius
        let h = observerHeight
        var n = 0
        // Walk from the far end (largest distance) to the near end; the hull lags nearCells + 1 steps.
        var i = g.forward ? range.upperBound - 1 : range.lowerBound
        let di = g.forward ? -1 : 1
        let lag = g.forward ? nearCells + 1 : -(nearCells + 1)
        let end = g.forward ? range.lowerBound - 1 : range.upperBound
        while i != end {
            // Insert the line point at p = i + lag (the nearest point the hull may hold for observers at i).
            let p = i + lag
            if p >= range.lowerBound && p < range.upperBound {
                let m = L + Int(fl[p]), r = fr[p]
                if m >= 0 && m < S {
                    var zp = zb[p * ps + m * ss]
                    var ok = true
                    if r > 0 {
                        if m + 1 < S {
                            let z1 = zb[p * ps + (m + 1) * ss]
                            zp += r * (z1 - zp)
                        } else {
                            ok = false
                        }
                    }
                    if ok && !zp.isNaN {
                        let d = dist[p]
                        let H = Double(zp) - d * d * inv2R
                        // Pop vertices on or below the segment from the new point to the vertex beyond them.
                        while n >= 2 {
                            let d1 = hd[n - 1], H1 = hH[n - 1], d2 = hd[n - 2], H2 = hH[n - 2]
                            // slope(P, top) <= slope(P, next) <=> (H1-H)(d2-d) <= (H2-H)(d1-d)
                            if (H1 - H) * (d2 - d) <= (H2 - H) * (d1 - d) { n -= 1 } else { break }
                        }
                        hd[n] = d; hH[n] = H; hk[n] = Int32(p)
                        n += 1
                    }
                }
            }
            let f = Int(fl[i]), r = fr[i]
            let a = L + f + (r > 0 ? 1 : 0)        // cell whose lower line is L
            let d = dist[i]
            let curv = d * d * inv2R
            // Queries: cell a (line L below it; also evaluates its near field) and cell a - 1 (line L above it).
            if a >= 0 && a < S {
                let cell = i * ps + a * ss
                lower.base[cell] = query(cell: cell, secondary: a, primary: i, d: d, curv: curv, n: n,
                                         hd: hd, hH: hH, hk: hk, h: h, inv2R: inv2R, invR: invR, near: true)
            }
            let b = a - 1
            if b >= 0 && b < S {
                let cell = i * ps + b * ss
                upper.base[cell] = query(cell: cell, secondary: b, primary: i, d: d, curv: curv, n: n,
                                         hd: hd, hH: hH, hk: hk, h: h, inv2R: inv2R, invR: invR, near: false)
            }
            i += di
        }
    }

    /// Horizon slope of the observer at `cell` (secondary index `j`, primary `i`): the far-field hull's
    /// tangent column re-evaluated on the exact ray through the cell centre and, when `near`, the ray's
    /// first `nearCells` crossings plus a bilinear sample half a cell out.
    @inline(__always)
    func query(cell: Int, secondary j: Int, primary i: Int, d: Double, curv: Double, n: Int,
               hd: UnsafeMutablePointer<Double>, hH: UnsafeMutablePointer<Double>, hk: UnsafeMutablePointer<Int32>,
               h: Double, inv2R: Double, invR: Double, near: Bool) -> Float {
        let zo = z[cell]
        if zo.isNaN { return .nan }
        var best = HorizonSweeper.nothing
        var outside = false
        if near {
            let step = g.forward ? 1 : -1
            var k = i + step
            var c = 0
            while c < nearCells && k >= 0 && k < g.primaryCount {
                switch raySlope(k: k, j: j, i: i, zo: zo, d: d, h: h, inv2R: inv2R) {
                case .outside: outside = true
                case .nodata: break
                case .value(let s): if s > best { best = s }
                }
                if outside { break }
                k += step; c += 1
            }
            if let s = halfCellSlope(j: j, i: i, zo: zo, h: h, inv2R: inv2R), s > best { best = s }
            if let s = exitSlope(j: j, i: i, zo: zo, h: h, inv2R: inv2R), s > best { best = s }
            if outside { return best }
        }
        if n == 0 { return best }
        let Ho = Double(zo) + h - curv
        // better(v): the vertex v - 1 (one further away) gives a larger slope than v.
        @inline(__always) func better(_ v: Int) -> Bool {
            (hH[v - 1] - Ho) * (hd[v] - d) > (hH[v] - Ho) * (hd[v - 1] - d)
        }
        var v = n - 1
        if v > 0 && better(v) {
            // Exponential search down the stack, then binary search: find the largest v with !better(v).
            var hiTrue = v          // better(hiTrue) is true
            var stepLen = 1
            var lo = 0
            while true {
                let c = hiTrue - stepLen
                if c <= 0 { lo = 0; break }
                if better(c) { hiTrue = c; stepLen &*= 2 } else { lo = c; break }
            }
            var a = lo, b = hiTrue
            while b - a > 1 {
                let mid = (a + b) >> 1
                if better(mid) { b = mid } else { a = mid }
            }
            v = a
        }
        // Re-evaluate on the exact ray through the cell centre at the tangent's primary index.
        switch raySlope(k: Int(hk[v]), j: j, i: i, zo: zo, d: d, h: h, inv2R: inv2R) {
        case .outside: break                            // the ray has left the DEM before k
        case .nodata:                                   // keep the line's own tangent
            let lineSlope = Float((hH[v] - Ho) / (hd[v] - d) + d * invR)
            if lineSlope > best { best = lineSlope }
        case .value(let s): if s > best { best = s }
        }
        return best
    }

    /// Bilinear sample half the smaller cell size out along the ray (as a ray-marching reference takes it).
    @inline(__always)
    func halfCellSlope(j: Int, i: Int, zo: Float, h: Double, inv2R: Double) -> Float? {
        bilinearSlope(primary: Double(i) + halfPrimary, secondary: Double(j) + halfSecondary, delta: abs(halfPrimary) * g.step,
                      zo: zo, h: h, inv2R: inv2R)
    }

    /// The ray's last points in the DEM: its exit through the rectangle of cell centres, and the last
    /// primary crossing before it (on ground rising toward the edge the horizon is the edge itself, and
    /// the hull of a line that leaves the grid earlier than the ray does not hold it).
    @inline(__always)
    func exitSlope(j: Int, i: Int, zo: Float, h: Double, inv2R: Double) -> Float? {
        let P = g.primaryCount, S = g.secondaryCount
        let dir: Double = g.forward ? 1 : -1
        var u = g.forward ? Double(P - 1 - i) : Double(i)          // primary steps to the primary edge
        let ts = g.t * dir                                           // secondary change per step
        if ts > 0 { u = min(u, (Double(S - 1) - Double(j)) / ts) } else if ts < 0 { u = min(u, Double(j) / -ts) }
        guard u > 0 else { return nil }
        var best: Float? = bilinearSlope(primary: Double(i) + dir * u, secondary: Double(j) + ts * u, delta: u * g.step,
                                         zo: zo, h: h, inv2R: inv2R)
        let uk = u.rounded(.down)
        if uk >= 1 && uk < u {
            let k = i + Int(dir * uk)
            if case .value(let s) = raySlope(k: k, j: j, i: i, zo: zo, d: distPtr[i], h: h, inv2R: inv2R) {
                best = max(best ?? s, s)
            }
        }
        return best
    }

    /// Slope to the bilinear height at fractional (primary, secondary) position `delta` metres away.
    @inline(__always)
    func bilinearSlope(primary pp: Double, secondary sp: Double, delta: Double, zo: Float, h: Double, inv2R: Double) -> Float? {
        let P = g.primaryCount, S = g.secondaryCount
        guard pp >= -1e-9 && sp >= -1e-9 && pp <= Double(P - 1) + 1e-9 && sp <= Double(S - 1) + 1e-9 else { return nil }
        let p0 = min(max(0, Int(pp)), max(0, P - 2)), s0 = min(max(0, Int(sp)), max(0, S - 2))
        let wp = Float(min(1, max(0, pp - Double(p0)))), ws = Float(min(1, max(0, sp - Double(s0))))
        let base = p0 * g.primaryStride + s0 * g.secondaryStride
        let p1 = P > 1 ? g.primaryStride : 0, s1 = S > 1 ? g.secondaryStride : 0
        let z00 = zb[base], z10 = zb[base + p1], z01 = zb[base + s1], z11 = zb[base + p1 + s1]
        // Zero weights must not pull NaN neighbours in.
        let a = wp == 0 ? z00 : (wp == 1 ? z10 : z00 + wp * (z10 - z00))
        let b = wp == 0 ? z01 : (wp == 1 ? z11 : z01 + wp * (z11 - z01))
        let zr = ws == 0 ? a : (ws == 1 ? b : a + ws * (b - a))
        if zr.isNaN || delta <= 0 { return nil }
        return Float((Double(zr) - Double(zo) - h) / delta - delta * inv2R)
    }

    enum RaySample { case outside, nodata, value(Float) }

    /// Slope from the observer (secondary j, primary i) to the ray through its centre at primary index k.
    @inline(__always)
    func raySlope(k: Int, j: Int, i: Int, zo: Float, d: Double, h: Double, inv2R: Double) -> RaySample {
        let y = Double(j) + g.t * Double(k - i)
        let S = g.secondaryCount
        guard y >= 0 && y <= Double(S - 1) else { return .outside }
        let m = Int(y)
        let w = Float(y - Double(m))
        var zr = zb[k * g.primaryStride + m * g.secondaryStride]
        if w > 0 && m + 1 < S {
            let z1 = zb[k * g.primaryStride + (m + 1) * g.secondaryStride]
            zr += w * (z1 - zr)
        }
        if zr.isNaN { return .nodata }
        let delta = distPtr[k] - d
        return .value(Float((Double(zr) - Double(zo) - h) / delta - delta * inv2R))
    }
}
