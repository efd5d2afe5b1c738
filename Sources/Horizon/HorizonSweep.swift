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
/// any height. The query walks down from the newest vertex while the next one is steeper (slopes along
/// the hull are unimodal from an observer in front of it); with h > 0 the tangent lies a little deeper.
///
/// ## Discretisation
/// Near field: the ray from each cell centre is sampled every half (smaller) cell out to `nearCells`
/// smaller-cell sizes (bilinear heights), as a ray-marching reference samples it. Every sample lies at the
/// same fractional offset from every cell, so its bilinear weights are shared and the near field is a
/// vectorised stencil over rows (final pass). Far field: lines are straight lines spaced one cell apart
/// across the direction of travel, with one point per crossing of the primary axis (the grid axis closer
/// to the azimuth) beyond the near field; a point's height interpolates linearly between the two cells
/// straddling the line. Every cell centre lies between two adjacent lines; it is queried against both
/// hulls (observer at its own centre and height), each tangent column is re-evaluated on the exact ray
/// through the cell centre, and the ray's last sample before the DEM edge is added (vectorised, in the
/// final pass). The cell's horizon is the largest of these. Arithmetic is Float32 (hull, queries, stencil).
/// Distances are metric (cells may be non-square). Cells outside the DEM contribute nothing; NaN (nodata)
/// cells are not blockers (points that would interpolate from them are dropped) and get NaN horizons. A
/// cell with no DEM at all in a direction gets -90 degrees.
///
/// ## Performance
/// Each tangent query starts from the previous query's vertex on the same hull (neighbouring observers
/// share their tangent most of the time: about 0.3 steps of walk per query against a hull ~20-50 deep).
/// Lines are swept in groups of 16, block by block of 64 primary indices, so the rows a block touches
/// are reused from cache by the group's lines. The tangent column's re-evaluation uses integer and float
/// tables (no Double, branch-free cell/fraction split); large buffers are 2 MiB-aligned and advised for
/// transparent huge pages.
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
    /// Near-field radius in units of the smaller cell size: the ray is sampled every half (smaller) cell
    /// out to this distance directly (bilinear heights), the hulls cover the rest (default 12).
    public var nearCells: Int = 12
    /// Heights used as blockers (targets) when they differ from `dem` (the observers): NaN = no blocker.
    public let blockers: Grid?
    /// Per-cell best slopes from the line below/above each cell (tangent re-evaluated on the exact ray);
    /// scratch, replaced when shared with a copy of this sweeper.
    var lowerSlopes: HugeBuffer
    var upperSlopes: HugeBuffer
    /// Blocker heights with NaN replaced by `HorizonSweeper.deep` (never the maximum), for branch-free sampling.
    let targets: HugeBuffer
    /// Observer heights (NaN cells are restored at the end; without `blockers` this is `targets`).
    let observers: HugeBuffer

    /// Sentinel slope for "nothing in this direction" (atan gives -90 degrees).
    static let nothing: Float = -1e30
    /// Height standing in for nodata targets: any slope through it is hugely negative.
    static let deep: Float = -1e20

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
        let n = dem.values.count
        lowerSlopes = HugeBuffer(count: n, repeating: HorizonSweeper.nothing)
        upperSlopes = HugeBuffer(count: n, repeating: HorizonSweeper.nothing)
        let b = blockers?.values ?? dem.values
        targets = HugeBuffer(count: n, repeating: 0)
        for i in 0..<n { targets.base[i] = b[i].isNaN ? HorizonSweeper.deep : b[i] }
        if blockers == nil {
            // Observers on nodata cells get NaN in the end whatever their height, so the targets serve as
            // observer heights too (one array fewer in the cache).
            observers = targets
        } else {
            observers = HugeBuffer(count: n, repeating: 0)
            for i in 0..<n { observers.base[i] = dem.values[i].isNaN ? 0 : dem.values[i] }
        }
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
        let az = azimuthDegrees * .pi / 180
        let geometry = LineGeometry(width: dem.width, height: dem.height, dx: dx, dy: dy, azimuthRadians: az, radius: radius)
        let near = NearField(width: dem.width, height: dem.height, dx: dx, dy: dy, azimuthRadians: az,
                             radiusCells: nearCells, observerHeight: observerHeight, radius: radius)
        let threads = self.threads
        let h = observerHeight, R = radius
        let W = dem.width, H = dem.height
        if !isKnownUniquelyReferenced(&lowerSlopes) { lowerSlopes = HugeBuffer(count: n, repeating: HorizonSweeper.nothing) }
        if !isKnownUniquelyReferenced(&upperSlopes) { upperSlopes = HugeBuffer(count: n, repeating: HorizonSweeper.nothing) }
        let zb = UnsafeBufferPointer(start: targets.base, count: n), zo = UnsafeBufferPointer(start: observers.base, count: n)
        let lo = UnsafeMutableBufferPointer(start: lowerSlopes.base, count: n), up = UnsafeMutableBufferPointer(start: upperSlopes.base, count: n)
        withExtendedLifetime((targets, observers, lowerSlopes, upperSlopes)) {
            dem.values.withUnsafeBufferPointer { z in
                out.withUnsafeMutableBufferPointer { o in
                    let kernel = LineKernel(geometry: geometry, z: zo.baseAddress!, zb: zb.baseAddress!, lower: SharedPointer(lo.baseAddress!),
                                            upper: SharedPointer(up.baseAddress!), observerHeight: h, radius: R,
                                            nearSamples: near.count, sampleStep: near.step)
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
                    // Final pass per row: max of both lines' slopes and the near-field samples, then degrees.
                    let pass = FinalPass(near: near, width: W, height: H, z: z.baseAddress!, zo: zo.baseAddress!, zb: zb.baseAddress!,
                                         lower: lo.baseAddress!, upper: up.baseAddress!, out: SharedPointer(o.baseAddress!), observerHeight: Float(h))
                    let rowWorkers = min(threads, max(1, n / 65_536), H)
                    if rowWorkers <= 1 {
                        pass.run(rows: 0..<H)
                    } else {
                        let chunks = min(H, rowWorkers * 8)
                        DispatchQueue.concurrentPerform(iterations: chunks) { c in
                            pass.run(rows: (c * H / chunks)..<((c + 1) * H / chunks))
                        }
                    }
                }
            }
        }
    }
}

/// Page-aligned Float storage (2 MiB-aligned and advised for transparent huge pages when large): the
/// sweeps touch one row per step along near-vertical lines, which with 4 KiB pages misses the TLB.
final class HugeBuffer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int, repeating value: Float) {
        self.count = count
        let bytes = Swift.max(1, count) * MemoryLayout<Float>.stride
        let huge = 1 << 21
        let align = bytes >= huge ? huge : 64
        let size = (bytes + align - 1) / align * align
        var raw: UnsafeMutableRawPointer? = nil
        if posix_memalign(&raw, align, size) != 0 || raw == nil { fatalError("HugeBuffer: out of memory") }
        #if os(Linux)
        if align == huge { _ = madvise(raw, size, Int32(MADV_HUGEPAGE)) }
        #endif
        base = raw!.bindMemory(to: Float.self, capacity: Swift.max(1, count))
        base.initialize(repeating: value, count: count)
    }

    deinit { free(base) }
}

/// The near field of one azimuth: the ray samples every half (smaller) cell, s_n = n ds, n = 1 ... count,
/// exactly as a ray-marching reference takes them. Each sample sits at the same fractional offset from
/// every cell, so its bilinear weights are shared and the samples are a vectorised stencil over rows.
struct NearField: @unchecked Sendable {
    struct Sample {
        var dr0: Int, dr1: Int, dc0: Int, dc1: Int   // row/column offsets of the 2x2 support (dr1 == dr0 when wy == 0)
        var wx: Float, wy: Float
        var invS: Float, curv: Float                 // 1/s and s/(2R)
    }
    let samples: [Sample]
    let count: Int
    let step: Double
    /// Column and row offsets of one sample step (sample n sits at n times these from the cell centre).
    let colStep: Double, rowStep: Double
    /// 1/(2R): the curvature drop of a sample at s metres is s/(2R).
    let inv2R: Double

    init(width W: Int, height H: Int, dx: Double, dy: Double, azimuthRadians az: Double, radiusCells: Int,
         observerHeight: Double, radius R: Double) {
        let ux = abs(sin(az)) < 1e-12 ? 0 : sin(az), uy = abs(cos(az)) < 1e-12 ? 0 : cos(az)
        let ds = 0.5 * min(dx, dy)
        step = ds
        colStep = ds * ux / dx
        rowStep = -ds * uy / dy
        inv2R = 1 / (2 * R)
        var out: [Sample] = []
        let nMax = max(0, 2 * radiusCells)
        for n in stride(from: 1, through: nMax, by: 1) {
            let s = Double(n) * ds
            let oc = s * ux / dx, orr = -s * uy / dy
            func split(_ v: Double) -> (Int, Int, Float) {
                var f = v.rounded(.down), w = v - f
                if w > 1 - 1e-9 { f += 1; w = 0 } else if w < 1e-9 { w = 0 }
                return (Int(f), w == 0 ? Int(f) : Int(f) + 1, Float(w))
            }
            let (c0, c1, wx) = split(oc), (r0, r1, wy) = split(orr)
            if abs(c0) > W && abs(r0) > H { break }
            out.append(Sample(dr0: r0, dr1: r1, dc0: c0, dc1: c1, wx: wx, wy: wy, invS: Float(1 / s), curv: Float(s / (2 * R))))
        }
        samples = out
        count = out.count
    }
}

/// Final pass over rows: slope = max(lower, upper, near samples), NaN for nodata, then degrees.
struct FinalPass: @unchecked Sendable {
    let near: NearField
    let width: Int, height: Int
    let z: UnsafePointer<Float>, zo: UnsafePointer<Float>, zb: UnsafePointer<Float>
    let lower: UnsafeMutablePointer<Float>, upper: UnsafeMutablePointer<Float>
    let out: SharedPointer<Float>
    let h: Float

    init(near: NearField, width: Int, height: Int, z: UnsafePointer<Float>, zo: UnsafePointer<Float>, zb: UnsafePointer<Float>,
         lower: UnsafeMutablePointer<Float>, upper: UnsafeMutablePointer<Float>, out: SharedPointer<Float>, observerHeight: Float) {
        self.near = near; self.width = width; self.height = height
        self.z = z; self.zo = zo; self.zb = zb; self.lower = lower; self.upper = upper; self.out = out
        self.h = observerHeight
    }

    /// The ray's last sample inside the rectangle of cell centres (a ray-marching reference's last sample
    /// before leaving the DEM): on ground rising toward the edge the horizon is the edge itself, which the
    /// hull of a line that leaves the grid at a different place does not hold. Sample n of a cell sits at
    /// n (colStep, rowStep) from its centre; the last one has n = floor(min(steps to the column edge,
    /// steps to the row edge)). acc = max(acc, slope of that sample) for the cells of row r.
    @inline(__always)
    func exitSamples(row r: Int, acc: UnsafeMutablePointer<Float>, gather: UnsafeMutablePointer<Float>) {
        typealias V = HorizonVector.V
        let W = width, H = height
        let cs = near.colStep, rs = near.rowStep
        let rowLim: Float = rs > 0 ? Float(Double(H - 1 - r) / rs) : (rs < 0 ? Float(Double(r) / -rs) : .infinity)
        // Steps to the column edge: (colA - c) * colB.
        let colA: Float = cs > 0 ? Float(W - 1) : 0
        let colB: Float = cs == 0 ? 0 : Float(1 / cs)
        let colInf: Float = cs == 0 ? .infinity : 0
        let csF = V(repeating: Float(cs)), rsF = V(repeating: Float(rs))
        let ds = near.step
        let invDs = V(repeating: Float(1 / ds)), dsV = V(repeating: Float(ds)), curvPer = V(repeating: Float(ds * near.inv2R))
        let hV = V(repeating: h)
        let lane = V(0, 1, 2, 3, 4, 5, 6, 7)
        let maxC = Float(max(0, W - 2)), maxR = Float(max(0, H - 2))
        let c1 = W > 1 ? 1 : 0, r1 = H > 1 ? W : 0
        let rowF = V(repeating: Float(r))
        let zr = zo + r * W
        let one = V(repeating: 1), zero = V(repeating: 0), tiny = V(repeating: 1e-5)
        var c = 0
        while c < W {
            let cv = VectorMath.min(V(repeating: Float(c)) + lane, V(repeating: Float(W - 1)))
            var colLim = (V(repeating: colA) - cv) * V(repeating: colB) + V(repeating: colInf)
            colLim = VectorMath.min(colLim, V(repeating: rowLim))   // one of them is finite
            let nf = (colLim + V(repeating: 1e-3)).rounded(.down)
            let n = VectorMath.selectNegative(nf - one, one, nf)     // n < 1: no sample (masked below)
            let pc = cv + n * csF, pr = rowF + n * rsF
            var c0 = pc.rounded(.down), r0 = pr.rounded(.down)
            let maxCV = V(repeating: maxC), maxRV = V(repeating: maxR)
            c0 = VectorMath.min(VectorMath.max(c0, zero), maxCV)
            r0 = VectorMath.min(VectorMath.max(r0, zero), maxRV)
            var wx = VectorMath.min(VectorMath.max(pc - c0, zero), one)
            var wy = VectorMath.min(VectorMath.max(pr - r0, zero), one)
            // Snap weights within 1e-5 of 0 or 1.
            wx = VectorMath.selectNegative(wx - tiny, zero, VectorMath.selectNegative(one - tiny - wx, one, wx))
            wy = VectorMath.selectNegative(wy - tiny, zero, VectorMath.selectNegative(one - tiny - wy, one, wy))
            // Integer indices by the 2^23 trick (c0, r0 are whole numbers in [0, 2^23)), then the four corners.
            let magic = V(repeating: 8_388_608)
            let ci = VectorMath.bits(c0 + magic) &- VectorMath.bits(magic)
            let ri = VectorMath.bits(r0 + magic) &- VectorMath.bits(magic)
            let base = ri &* Int32(truncatingIfNeeded: W) &+ ci
            for l in 0..<8 {
                let b = Int(base[l])
                gather[l] = zb[b]; gather[8 &+ l] = zb[b &+ c1]
                gather[16 &+ l] = zb[b &+ r1]; gather[24 &+ l] = zb[b &+ r1 &+ c1]
            }
            let g = UnsafeRawPointer(gather)
            let z00 = g.loadUnaligned(as: V.self), z01 = g.loadUnaligned(fromByteOffset: 32, as: V.self)
            let z10 = g.loadUnaligned(fromByteOffset: 64, as: V.self), z11 = g.loadUnaligned(fromByteOffset: 96, as: V.self)
            // Convex combinations (exact at weights 0 and 1, so nodata neighbours with zero weight do not leak).
            let a = z00 * (one - wx) + z01 * wx, b = z10 * (one - wx) + z11 * wx
            let zs = a * (one - wy) + b * wy
            var zoV = V()
            if c &+ 8 <= W {
                zoV = UnsafeRawPointer(zr + c).loadUnaligned(as: V.self)
            } else {
                for l in 0..<8 { zoV[l] = zr[Swift.min(c &+ l, W &- 1)] }
            }
            let invS = invDs / n
            var slope = (zs - zoV) * invS - (n * curvPer + hV * invS)
            _ = dsV
            slope = VectorMath.selectNegative(nf - one, V(repeating: HorizonSweeper.nothing), slope)
            let m = Swift.min(8, W - c)
            if m == 8 {
                let cur = UnsafeRawPointer(acc + c).loadUnaligned(as: V.self)
                UnsafeMutableRawPointer(acc + c).storeBytes(of: VectorMath.max(cur, slope), as: V.self)
            } else {
                for l in 0..<m where slope[l] > acc[c + l] { acc[c + l] = slope[l] }
            }
            c += 8
        }
    }

    func run(rows: Range<Int>) {
        typealias V = HorizonVector.V
        let W = width, H = height
        let acc = UnsafeMutablePointer<Float>.allocate(capacity: W + 8)
        let gather = UnsafeMutablePointer<Float>.allocate(capacity: 32)
        defer { acc.deallocate(); gather.deallocate() }
        near.samples.withUnsafeBufferPointer { smp in
            for r in rows {
                let row = r * W
                // acc = max(lower, upper)
                var c = 0
                while c + 8 <= W {
                    let a = UnsafeRawPointer(lower + row + c).loadUnaligned(as: V.self)
                    let b = UnsafeRawPointer(upper + row + c).loadUnaligned(as: V.self)
                    UnsafeMutableRawPointer(acc + c).storeBytes(of: VectorMath.max(a, b), as: V.self)
                    c += 8
                }
                while c < W { acc[c] = Swift.max(lower[row + c], upper[row + c]); c += 1 }
                for sp in smp {
                    let ra = r + sp.dr0, rb = r + sp.dr1
                    if ra < 0 || rb < 0 || ra >= H || rb >= H { continue }
                    let cLo = Swift.max(0, -sp.dc0), cHi = Swift.min(W - 1 - sp.dc1, W - 1)
                    if cLo > cHi { continue }
                    let pa = zb + ra * W + sp.dc0, pa1 = zb + ra * W + sp.dc1
                    let pb = zb + rb * W + sp.dc0, pb1 = zb + rb * W + sp.dc1
                    let o = zo + row
                    let wx = V(repeating: sp.wx), wy = V(repeating: sp.wy)
                    let invS = V(repeating: sp.invS), cv = V(repeating: sp.curv + h * sp.invS)
                    var c = cLo
                    while c + 8 <= cHi + 1 {
                        let a0 = UnsafeRawPointer(pa + c).loadUnaligned(as: V.self)
                        let a1 = UnsafeRawPointer(pa1 + c).loadUnaligned(as: V.self)
                        let b0 = UnsafeRawPointer(pb + c).loadUnaligned(as: V.self)
                        let b1 = UnsafeRawPointer(pb1 + c).loadUnaligned(as: V.self)
                        let ta = a0.addingProduct(wx, a1 - a0), tb = b0.addingProduct(wx, b1 - b0)
                        let zs = ta.addingProduct(wy, tb - ta)
                        let zz = UnsafeRawPointer(o + c).loadUnaligned(as: V.self)
                        let s = (zs - zz) * invS - cv
                        let cur = UnsafeRawPointer(acc + c).loadUnaligned(as: V.self)
                        UnsafeMutableRawPointer(acc + c).storeBytes(of: VectorMath.max(cur, s), as: V.self)
                        c += 8
                    }
                    while c <= cHi {
                        let ta = pa[c] + sp.wx * (pa1[c] - pa[c]), tb = pb[c] + sp.wx * (pb1[c] - pb[c])
                        let zs = ta + sp.wy * (tb - ta)
                        let s = (zs - o[c]) * sp.invS - (sp.curv + h * sp.invS)
                        if s > acc[c] { acc[c] = s }
                        c += 1
                    }
                }
                exitSamples(row: r, acc: acc, gather: gather)
                // Degrees; NaN observers stay NaN.
                let zr = z + row, op = out.base + row
                let deg = V(repeating: 180 / .pi)
                c = 0
                while c + 8 <= W {
                    let a = UnsafeRawPointer(acc + c).loadUnaligned(as: V.self)
                    let zz = UnsafeRawPointer(zr + c).loadUnaligned(as: V.self)
                    // zz - zz is 0 or NaN: adding it carries the observer's NaN into the result.
                    UnsafeMutableRawPointer(op + c).storeBytes(of: VectorMath.atan(a) * deg + (zz - zz), as: V.self)
                    c += 8
                }
                while c < W {
                    op[c] = zr[c].isNaN ? .nan : VectorMath.atan(V(repeating: acc[c]))[0] * deg[0]
                    c += 1
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
    /// floor(t * i) and t * i - floor(t * i) per primary index; t * i itself.
    let floorShift: [Int32]
    let fracShift: [Float]
    let shift: [Double]
    /// Distance along the ray (0 at the near end of the look direction, increasing toward it).
    let distance: [Float]
    /// 1 / (n step) and n step / (2R) for n primary steps (index 0 unused).
    let invStep: [Float]
    let curvStep: [Float]

    init(width: Int, height: Int, dx: Double, dy: Double, azimuthRadians az: Double, radius: Double = HorizonMap.moonRadius) {
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
        var sh = [Double](repeating: 0, count: primaryCount)
        var d = [Float](repeating: 0, count: primaryCount)
        var inv = [Float](repeating: 0, count: primaryCount + 1)
        var cv = [Float](repeating: 0, count: primaryCount + 1)
        for i in 0..<primaryCount {
            let q = tt * Double(i)
            sh[i] = q
            var f = q.rounded(.down)
            var r = q - f
            // Snap shifts within rounding of an integer (exact diagonals) onto the cell.
            if r > 1 - 1e-9 { f += 1; r = 0 } else if r < 1e-9 { r = 0 }
            fl[i] = Int32(f)
            fr[i] = Float(r)
            d[i] = Float(Double(forward ? i : primaryCount - 1 - i) * step)
        }
        for n in 1...max(1, primaryCount) {
            inv[n] = Float(1 / (Double(n) * step))
            cv[n] = Float(Double(n) * step / (2 * radius))
        }
        floorShift = fl
        fracShift = fr
        shift = sh
        distance = d
        invStep = inv
        curvStep = cv
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
    /// Observer heights (nodata cells: any finite height; they become NaN at the end) and target heights
    /// (NaN replaced by `HorizonSweeper.deep`).
    let z: UnsafePointer<Float>
    let zb: UnsafePointer<Float>
    let lower: SharedPointer<Float>
    let upper: SharedPointer<Float>
    let observerHeight: Double
    let radius: Double
    /// Near-field samples per cell (handled by the final pass) and their spacing in metres.
    let nearSamples: Int
    let sampleStep: Double

    init(geometry: LineGeometry, z: UnsafePointer<Float>, zb: UnsafePointer<Float>, lower: SharedPointer<Float>, upper: SharedPointer<Float>,
         observerHeight: Double, radius: Double, nearSamples: Int, sampleStep: Double) {
        self.g = geometry; self.z = z; self.zb = zb; self.lower = lower; self.upper = upper
        self.observerHeight = observerHeight; self.radius = radius
        self.nearSamples = nearSamples; self.sampleStep = sampleStep
    }

    /// Lines per group and primary indices per block: a group's lines are swept block by block (each line
    /// through one block, then the next line), so the rows a block touches are reused by the group's lines
    /// from cache instead of once per line from memory. Each line's own sequence of operations is unchanged.
    static let groupLines = 16
    static let blockSteps = 64

    struct LineState {
        var L: Int, i: Int, end: Int, lo: Int, hi: Int, n: Int, hint: Int
    }

    func run(lines: Range<Int>) {
        let P = g.primaryCount
        let K = LineKernel.groupLines, B = LineKernel.blockSteps
        let stride = P + 1
        // Hull stacks (one per line of a group): distance, reduced height H = z - d^2/2R, primary index.
        let hd = UnsafeMutablePointer<Float>.allocate(capacity: K * stride)
        let hH = UnsafeMutablePointer<Float>.allocate(capacity: K * stride)
        let hk = UnsafeMutablePointer<Int32>.allocate(capacity: K * stride)
        let states = UnsafeMutablePointer<LineState>.allocate(capacity: K)
        defer { hd.deallocate(); hH.deallocate(); hk.deallocate(); states.deallocate() }
        let blocks = (P + B - 1) / B
        g.floorShift.withUnsafeBufferPointer { fl in
          g.fracShift.withUnsafeBufferPointer { fr in
            g.distance.withUnsafeBufferPointer { dist in
              g.invStep.withUnsafeBufferPointer { inv in
                g.curvStep.withUnsafeBufferPointer { cv in
                  let tab = Tables(fl: fl.baseAddress!, fr: fr.baseAddress!, dist: dist.baseAddress!,
                                   inv: inv.baseAddress!, curv: cv.baseAddress!)
                  var first = lines.lowerBound
                  while first < lines.upperBound {
                      let count = min(K, lines.upperBound - first)
                      var anyActive = false
                      for l in 0..<count {
                          let L = first + l
                          let r = activeRange(line: L)
                          // Walk from the far end (largest distance) to the near end.
                          let i0 = g.forward ? r.upperBound - 1 : r.lowerBound
                          let end = g.forward ? r.lowerBound - 1 : r.upperBound
                          states[l] = LineState(L: L, i: r.isEmpty ? end : i0, end: end, lo: r.lowerBound, hi: r.upperBound, n: 0, hint: 0)
                          anyActive = anyActive || !r.isEmpty
                      }
                      if anyActive {
                          for bb in 0..<blocks {
                              let blk = g.forward ? blocks - 1 - bb : bb
                              let bLo = blk * B, bHi = min(P, bLo + B)
                              for l in 0..<count where states[l].i != states[l].end {
                                  sweep(&states[l], blockLo: bLo, blockHi: bHi, tab: tab,
                                        hd: hd + l * stride, hH: hH + l * stride, hk: hk + l * stride)
                              }
                          }
                      }
                      first += count
                  }
                }
              }
            }
          }
        }
    }

    struct Tables {
        let fl: UnsafePointer<Int32>, fr: UnsafePointer<Float>, dist: UnsafePointer<Float>
        let inv: UnsafePointer<Float>, curv: UnsafePointer<Float>
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

    /// Advances one line's sweep through the primary indices blockLo ..< blockHi (or to its end).
    @inline(__always)
    func sweep(_ st: inout LineState, blockLo: Int, blockHi: Int, tab: Tables,
               hd: UnsafeMutablePointer<Float>, hH: UnsafeMutablePointer<Float>, hk: UnsafeMutablePointer<Int32>) {
        let L = st.L
        let S = g.secondaryCount
        let ps = g.primaryStride, ss = g.secondaryStride
        let inv2R = Float(1 / (2 * radius))
        let hF = Float(observerHeight)
        let fl = tab.fl, fr = tab.fr, dist = tab.dist
        let rangeLo = st.lo, rangeHi = st.hi
        var n = st.n
        var hint = st.hint
        var i = st.i
        let di = g.forward ? -1 : 1
        let end = st.end
        let deepLimit = HorizonSweeper.deep * 0.5
        let lag = Int((Double(nearSamples) * sampleStep / g.step * (1 + 1e-12)).rounded(.down)) + 1
        defer { st.n = n; st.hint = hint; st.i = i }
        while i != end && i >= blockLo && i < blockHi {
            // Insert the line point `lag` steps beyond the observers at i (nearer points are the near field's).
            let p = i &- di &* lag
            if p >= rangeLo && p < rangeHi {
                let m = L &+ Int(fl[p]), r = fr[p]
                if m >= 0 && m < S && (r == 0 || m &+ 1 < S) {
                    var zp = zb[p &* ps &+ m &* ss]
                    if r > 0 {
                        let z1 = zb[p &* ps &+ (m &+ 1) &* ss]
                        zp = Swift.min(zp, z1) < deepLimit ? HorizonSweeper.deep : zp + r * (z1 - zp)
                    }
                    if zp > deepLimit {
                        let d = dist[p]
                        let H = zp - d * d * inv2R
                        // Pop vertices on or below the segment from the new point to the vertex beyond them.
                        while n >= 2 {
                            let d1 = hd[n &- 1], H1 = hH[n &- 1], d2 = hd[n &- 2], H2 = hH[n &- 2]
                            if (H1 - H) * (d2 - d) <= (H2 - H) * (d1 - d) { n &-= 1 } else { break }
                        }
                        hd[n] = d; hH[n] = H; hk[n] = Int32(truncatingIfNeeded: p)
                        n &+= 1
                    }
                }
            }
            if n > 0 {
                let f = Int(fl[i]), r = fr[i]
                let a = L &+ f &+ (r > 0 ? 1 : 0)        // cell whose lower line is L
                let d = dist[i]
                let curv = d * d * inv2R
                if hint >= n { hint = n &- 1 }
                if a >= 0 && a < S {
                    let cell = i &* ps &+ a &* ss
                    let zo = z[cell] + hF
                    hint = tangent(from: hint, Ho: zo - curv, d: d, n: n, hd: hd, hH: hH)
                    let best = reevaluate(vertex: hint, secondary: a, primary: i, zo: zo, hk: hk, tab: tab)
                    lower.base[cell] = best
                }
                let b = a &- 1
                if b >= 0 && b < S {
                    let cell = i &* ps &+ b &* ss
                    let zo = z[cell] + hF
                    hint = tangent(from: hint, Ho: zo - curv, d: d, n: n, hd: hd, hH: hH)
                    upper.base[cell] = reevaluate(vertex: hint, secondary: b, primary: i, zo: zo, hk: hk, tab: tab)
                }
            } else {
                let f = Int(fl[i]), r = fr[i]
                let a = L &+ f &+ (r > 0 ? 1 : 0)
                if a >= 0 && a < S {
                    let cell = i &* ps &+ a &* ss
                    lower.base[cell] = HorizonSweeper.nothing
                }
                let b = a &- 1
                if b >= 0 && b < S { upper.base[i &* ps &+ b &* ss] = HorizonSweeper.nothing }
            }
            i &+= di
        }
    }

    /// The hull vertex tangent from the observer (reduced height Ho at distance d), found by walking from
    /// vertex `v` (slopes along the hull are unimodal from an observer in front of it): up while the newer
    /// vertex is steeper, else down while the older one is steeper. n >= 1, 0 <= v < n.
    @inline(__always)
    func tangent(from v0: Int, Ho: Float, d: Float, n: Int, hd: UnsafeMutablePointer<Float>, hH: UnsafeMutablePointer<Float>) -> Int {
        var v = v0
        // steeper(u, w): the slope to vertex u exceeds the slope to w ((H - Ho)/(hd - d), hd > d).
        if v &+ 1 < n && (hH[v &+ 1] - Ho) * (hd[v] - d) > (hH[v] - Ho) * (hd[v &+ 1] - d) {
            v &+= 1
            while v &+ 1 < n && (hH[v &+ 1] - Ho) * (hd[v] - d) > (hH[v] - Ho) * (hd[v &+ 1] - d) { v &+= 1 }
            return v
        }
        while v > 0 && (hH[v &- 1] - Ho) * (hd[v] - d) > (hH[v] - Ho) * (hd[v &- 1] - d) { v &-= 1 }
        return v
    }

    /// Slope of the exact ray through the cell centre (secondary j, primary i) at the primary index of hull vertex v.
    @inline(__always)
    func reevaluate(vertex v: Int, secondary j: Int, primary i: Int, zo: Float, hk: UnsafeMutablePointer<Int32>, tab: Tables) -> Float {
        let k = Int(hk[v])
        let S = g.secondaryCount
        // Exact ray through the cell centre at primary k: secondary j + (t k - t i), split into cell + fraction
        // (branch-free: the sign of the fraction difference is data-dependent).
        let w0 = tab.fr[k] - tab.fr[i]
        let neg = w0 < 0
        var m = j &+ Int(tab.fl[k]) &- Int(tab.fl[i]) &- (neg ? 1 : 0)
        var w = neg ? w0 + 1 : w0
        let up = w > 1 - 1e-6
        m &+= up ? 1 : 0
        w = (up || w < 1e-6) ? 0 : w
        if m < 0 || m >= S || (m == S &- 1 && w > 0) { return HorizonSweeper.nothing }
        let base = k &* g.primaryStride &+ m &* g.secondaryStride
        let z0 = zb[base]
        let z1 = zb[base &+ (m < S &- 1 ? g.secondaryStride : 0)]
        let zr = z0 + w * (z1 - z0)
        let steps = k > i ? k &- i : i &- k
        return (zr - zo) * tab.inv[steps] - tab.curv[steps]
    }
}
