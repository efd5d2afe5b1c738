import Dispatch
import Foundation
import FarSideCore

/// Horizon maps by the upper-convex-hull sweep along parallel lines (Dozier, Bruno & Downey 1981, "A
/// faster solution to the horizon problem", Computers & Geosciences 7; Timonen & Westerholm 2010,
/// "Scalable algorithms for computing the horizon of a digital elevation model"), O(N A) for N cells and
/// A azimuths, with each cell's own ray then evaluated exactly over windows the hulls point to
/// (`RayWalker`, `RayPiece`: the bilinear surface's maximum in closed form per piece). A cell's horizon is
/// the largest elevation angle, from its centre plus the observer height, of the bilinear surface through
/// the cell centres along the exact ray, on the sphere (parabolic drop folded into the hull coordinates).
/// Measured against an independent ray march on 20 m polar terrain: RMS 0.002-0.008 degrees, p99 under
/// 0.001, max 0.1-0.3. The method in full (curvature identity, observer height, the model, the candidate
/// windows, performance, output windows): docs/methods/horizons.md.
///
/// Grid azimuth: degrees clockwise from the raster's up direction (the row-0 side) toward increasing
/// columns. For a north-up grid this is azimuth from grid north; converting to true azimuth needs the
/// grid convergence of the projection (docs/conventions.md), which the caller applies.
public struct HorizonOptions: Sendable, Equatable {
    /// Number of azimuths A; band k is grid azimuth k * 360 / A degrees.
    public var azimuthCount: Int
    /// Observer height above the ground in metres.
    public var observerHeight: Double
    /// Body radius in metres (the Moon: 1,737,400).
    public var radius: Double
    /// Worker threads (results are identical for any count).
    public var threads: Int
    /// The cells whose horizons are wanted, row-major over the output window (the DEM without one); nil:
    /// all. The others come out NaN, at a fraction of the cost (`HorizonSweeper.observers`).
    public var observers: [Bool]?

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
    /// Mean lunar radius (LOLA/IAU), metres: `CelestialBody.moonRadius`.
    public static let moonRadius = CelestialBody.moonRadius

    /// Grid azimuth in degrees of band `k` of `count`.
    @inlinable
    public static func azimuth(band k: Int, count: Int) -> Double { Double(k) * 360 / Double(count) }

    /// Horizon elevation in degrees of every cell of `dem` (or of `window`'s cells) toward one grid azimuth
    /// (degrees clockwise from up). `dx`, `dy`: cell width and height in metres.
    public static func horizon(_ dem: Grid, dx: Double, dy: Double, azimuthDegrees: Double,
                               observerHeight: Double = 0, radius: Double = moonRadius, threads: Int = 1,
                               window: RasterWindow? = nil) -> [Float] {
        var sweeper = HorizonSweeper(dem: dem, dx: dx, dy: dy, observerHeight: observerHeight, radius: radius, threads: threads)
        return sweeper.horizon(azimuthDegrees: azimuthDegrees, window: window)
    }

    /// Streams the horizon bands: calls `body(k, azimuthDegrees, elevationsDegrees)` for k = 0 ..< A in
    /// order, each band holding one Float per cell (row-major, NaN for nodata). Only one band is alive
    /// at a time: its storage is reused for the next band unless `body` keeps the array (copy on write).
    /// With `farField`, each band is combined with the far-field horizon (`FarField`).
    ///
    /// With `window` (inside the DEM), the bands hold its cells only (row-major, window.width x
    /// window.height), bit for bit the whole DEM's values there: every cell is terrain, but only the
    /// window's cells are observers (a tile's core read with a margin of terrain around it). The margin's
    /// cells then cost their share of the hulls, not the exact evaluation of their rays (see
    /// `HorizonSweeper.horizon(azimuthDegrees:window:into:)`).
    public static func forEachAzimuth(_ dem: Grid, dx: Double, dy: Double, options: HorizonOptions = HorizonOptions(),
                                      farField: FarField? = nil, window: RasterWindow? = nil,
                                      _ body: (Int, Double, [Float]) throws -> Void) rethrows {
        let sweep = bandSweep(dem, dx: dx, dy: dy, options: options, farField: farField, window: window)
        var band = [Float](repeating: .nan, count: window?.cellCount ?? dem.values.count)
        for k in 0..<options.azimuthCount {
            let az = azimuth(band: k, count: options.azimuthCount)
            sweep(az, &band)
            try body(k, az, band)
        }
    }

    /// The band of one azimuth (near sweep, then the far field's when given; `window`'s cells when given),
    /// with the sweeper's frames and scratch kept between calls.
    static func bandSweep(_ dem: Grid, dx: Double, dy: Double, options: HorizonOptions,
                          farField: FarField?, window: RasterWindow?) -> (Double, inout [Float]) -> Void {
        var sweeper = HorizonSweeper(dem: dem, dx: dx, dy: dy, observerHeight: options.observerHeight,
                                     radius: options.radius, threads: options.threads)
        let window = HorizonSweeper.checked(window, dem)
        if let wanted = options.observers {
            precondition(wanted.count == (window?.cellCount ?? dem.values.count), "observers must cover the output window")
            if let window {
                var all = [Bool](repeating: false, count: dem.values.count)
                for r in 0..<window.height {
                    for c in 0..<window.width where wanted[r * window.width + c] { all[(window.row + r) * dem.width + window.column + c] = true }
                }
                sweeper.observers = all
            } else {
                sweeper.observers = wanted
            }
        }
        let farSampler = farField.map { FarFieldSampler($0, options: options, nearWidth: dem.width, nearHeight: dem.height, window: window) }
        return { az, band in
            sweeper.horizon(azimuthDegrees: az, window: window, into: &band)
            if let farSampler { farSampler.combine(into: &band, azimuthDegrees: az) }
        }
    }

    /// As `forEachAzimuth`, with `consume` running on a background thread so that band k is consumed
    /// (converted, compressed, written) while band k + 1 is swept. Two band buffers alternate; `consume`
    /// may use its band as scratch (it is overwritten by a later azimuth). Calls come in band order, one
    /// at a time. The first error `consume` throws stops the stream and is rethrown here once the
    /// consumer has finished; no band is consumed after it. With `window`, bands of its cells only.
    public static func streamAzimuths(_ dem: Grid, dx: Double, dy: Double, options: HorizonOptions = HorizonOptions(),
                                      farField: FarField? = nil, window: RasterWindow? = nil,
                                      consume: @escaping @Sendable (Int, Double, inout [Float]) throws -> Void) throws {
        let sweep = bandSweep(dem, dx: dx, dy: dy, options: options, farField: farField, window: window)
        let slots = (0..<2).map { _ in BandSlot(count: window?.cellCount ?? dem.values.count) }
        let failure = FirstError()
        let consumer = DispatchQueue(label: "farside.horizon.consumer")
        for k in 0..<options.azimuthCount {
            let slot = slots[k % 2]
            slot.free.wait()                        // the consumer is done with this buffer
            if failure.error != nil { slot.free.signal(); break }
            let az = azimuth(band: k, count: options.azimuthCount)
            sweep(az, &slot.band)
            consumer.async {
                defer { slot.free.signal() }
                guard failure.error == nil else { return }
                do { try consume(k, az, &slot.band) } catch { failure.record(error) }
            }
        }
        consumer.sync {}                            // drain
        if let error = failure.error { throw error }
    }

    /// A band buffer handed between the sweeping thread and the consumer; `free` is signalled when the
    /// consumer no longer uses it.
    private final class BandSlot: @unchecked Sendable {
        var band: [Float]
        let free = DispatchSemaphore(value: 1)
        init(count: Int) { band = [Float](repeating: .nan, count: count) }
    }

    /// The first error of a stream (set on the consumer's thread, read on the sweeping thread).
    private final class FirstError: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Error?
        var error: Error? { lock.lock(); defer { lock.unlock() }; return stored }
        func record(_ e: Error) { lock.lock(); if stored == nil { stored = e }; lock.unlock() }
    }

    /// Convenience: `forEachAzimuth` with the metric cell size of uniform `CellMetrics` (projected grids).
    public static func forEachAzimuth(_ dem: Grid, metrics: CellMetrics, options: HorizonOptions = HorizonOptions(),
                                      farField: FarField? = nil, window: RasterWindow? = nil,
                                      _ body: (Int, Double, [Float]) throws -> Void) rethrows {
        let (dx, dy) = uniformCellSize(metrics)
        try forEachAzimuth(dem, dx: dx, dy: dy, options: options, farField: farField, window: window, body)
    }

    /// All bands in one `HorizonCube` (A x N values; `storage` picks Float32 or Int16 centi-degrees), of
    /// `window`'s cells when given (a window-sized cube).
    public static func cube(_ dem: Grid, dx: Double, dy: Double, options: HorizonOptions = HorizonOptions(),
                            farField: FarField? = nil, window: RasterWindow? = nil, storage: HorizonCube.Storage = .float32) -> HorizonCube {
        var cube = HorizonCube(width: window?.width ?? dem.width, height: window?.height ?? dem.height,
                               azimuthCount: options.azimuthCount, storage: storage)
        forEachAzimuth(dem, dx: dx, dy: dy, options: options, farField: farField, window: window) { k, _, band in
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

/// Reusable state for sweeping one DEM at many azimuths: padded frames (the grid and its transpose) and
/// scratch buffers, made once. Any azimuth may have its own output window (`horizon(azimuthDegrees:window:into:)`).
public struct HorizonSweeper {
    public let dem: Grid
    public let dx: Double
    public let dy: Double
    public let observerHeight: Double
    public let radius: Double
    public let threads: Int
    /// Near-field radius in units of the smaller cell size: every piece of the ray out to this distance
    /// (rounded up to whole row steps) is evaluated for every cell; beyond it the hulls choose where
    /// (default 12).
    public var nearCells: Int = 12
    /// Heights used as blockers (targets) when they differ from `dem` (the observers): NaN = no blocker.
    public let blockers: Grid?
    /// The grid as the row-primary directions sweep it, and its transpose for the column-primary ones
    /// (made on first use).
    let frame: SweepFrame
    var transposedFrame: SweepFrame?
    /// Per-cell best slopes of the final pass (padded like the frames, sized for either orientation) and
    /// the transposed frame's output band; scratch, replaced when shared with a copy of this sweeper.
    var slopes: HugeBuffer
    /// The hull queries' candidate codes per cell (padded like `slopes`; `CandidateCode`) and the rows of
    /// the farthest nearly tangent vertices (`LaneSweepKernel.farthestNearlyTangent`).
    var candidates: HugeBuffer
    var farthest: HugeBuffer
    var transposedBand: HugeBuffer?
    /// The cells whose horizons are wanted (row-major over the DEM; nil: all). The others come out NaN and
    /// cost only their share of the hulls and queues: the final pass walks the rays of the wanted cells and
    /// of those within 16 columns of them along the frame's rows, by the output window's rules, so a wanted
    /// cell's value is the one of the whole sweep (tested bit for bit). A traverse wants only the cells its
    /// rover can reach.
    public var observers: [Bool]? {
        didSet { observerMasks = [nil, nil] }
    }
    /// `observers` in each frame's layout (plain, transposed), made on first use (`FinalPass.mask`).
    var observerMasks: [ObserverMask?] = [nil, nil]

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
        frame = SweepFrame(dem: dem, dx: dx, dy: dy, blockers: blockers, transposed: false, threads: self.threads)
        let scratch = HorizonSweeper.scratchCount(dem)
        slopes = HugeBuffer(count: scratch, repeating: RayPiece.nothing, threads: self.threads)
        candidates = HugeBuffer(count: scratch, repeating: CandidateCode.noHull, threads: self.threads)
        farthest = HugeBuffer(count: scratch, repeating: -1, threads: self.threads)
    }

    /// True when a DEM of this size can be swept whole (its padded frames stay within 2^31 cells).
    public static func supports(width: Int, height: Int) -> Bool { SweepFrame.fits(width: width, height: height) }

    /// Padded cells of the larger orientation.
    static func scratchCount(_ dem: Grid) -> Int {
        max((dem.width + 2 * SweepFrame.pad) * dem.height, (dem.height + 2 * SweepFrame.pad) * dem.width)
    }

    /// Horizon elevations in degrees toward grid azimuth `azimuthDegrees` for all cells, or for the cells of
    /// `window` (inside the DEM; row-major, window-sized): the whole DEM's values there, with only the
    /// window's cells as observers (see "Output windows" at `HorizonOptions`).
    public mutating func horizon(azimuthDegrees: Double, window: RasterWindow? = nil) -> [Float] {
        var out = [Float](repeating: .nan, count: window?.cellCount ?? dem.values.count)
        horizon(azimuthDegrees: azimuthDegrees, window: window, into: &out)
        return out
    }

    /// As `horizon(azimuthDegrees:window:)`, writing into `out` (count = cells of the window or the DEM).
    public mutating func horizon(azimuthDegrees: Double, window: RasterWindow? = nil, into out: inout [Float]) {
        let window = HorizonSweeper.checked(window, dem)
        precondition(out.count == (window?.cellCount ?? dem.values.count))
        let n = dem.values.count
        guard n > 0, out.count > 0 else { return }
        let direction = LookDirection(azimuthRadians: azimuthDegrees * .pi / 180)
        let scratch = HorizonSweeper.scratchCount(dem)
        if !isKnownUniquelyReferenced(&slopes) { slopes = HugeBuffer(count: scratch, repeating: RayPiece.nothing, threads: threads) }
        if !isKnownUniquelyReferenced(&candidates) {
            candidates = HugeBuffer(count: scratch, repeating: CandidateCode.noHull, threads: threads)
        }
        if !isKnownUniquelyReferenced(&farthest) { farthest = HugeBuffer(count: scratch, repeating: -1, threads: threads) }
        if direction.isRowPrimary(dx: dx, dy: dy) {
            let mask = observerMask(transposed: false)
            out.withUnsafeMutableBufferPointer { o in
                sweep(frame: frame, direction: direction, window: window, mask: mask, into: o.baseAddress!)
            }
            return
        }
        // Column-primary: sweep the transposed grid, where the direction is row-primary, and transpose back.
        if transposedFrame == nil {
            transposedFrame = SweepFrame(dem: dem, dx: dx, dy: dy, blockers: blockers, transposed: true, threads: threads)
        }
        if transposedBand == nil || !isKnownUniquelyReferenced(&transposedBand!) {
            transposedBand = HugeBuffer(count: n, repeating: .nan, threads: threads)
        }
        let tf = transposedFrame!, band = transposedBand!
        let transposedWindow = window.map { RasterWindow(column: $0.row, row: $0.column, width: $0.height, height: $0.width) }
        let mask = observerMask(transposed: true)
        out.withUnsafeMutableBufferPointer { o in
            sweep(frame: tf, direction: direction.transposed, window: transposedWindow, mask: mask, into: band.base,
                  transposedInto: o.baseAddress!)
        }
    }

    /// `observers` in the layout of the plain or transposed frame: 2 where wanted, 1 within 16 columns of a
    /// wanted cell along the frame's row, 0 elsewhere (`FinalPass.mask`); nil without observers.
    mutating func observerMask(transposed: Bool) -> ObserverMask? {
        guard let observers else { return nil }
        let k = transposed ? 1 : 0
        if let m = observerMasks[k] { return m }
        let W = transposed ? dem.height : dem.width, H = transposed ? dem.width : dem.height
        let m = ObserverMask(count: W * H)
        let out = SharedPointer(m.base), reach = 16
        ParallelChunks.forEach(count: H, chunks: max(1, threads * 4)) { rows in
            for r in rows {
                let row = out.base + r * W
                @inline(__always) func wanted(_ c: Int) -> Bool { transposed ? observers[c * H + r] : observers[r * W + c] }
                // Distance to the nearest wanted cell on the left, then on the right.
                var last = -Int.max / 2
                for c in 0..<W {
                    if wanted(c) { last = c; row[c] = 2 } else if c - last <= reach { row[c] = 1 }
                }
                last = Int.max / 2
                for c in stride(from: W - 1, through: 0, by: -1) {
                    if row[c] == 2 { last = c } else if last - c <= reach { row[c] = 1 }
                }
            }
        }
        observerMasks[k] = m
        return m
    }

    /// `window` unless it is the whole DEM (nil then); it must lie inside the DEM.
    static func checked(_ window: RasterWindow?, _ dem: Grid) -> RasterWindow? {
        guard let window else { return nil }
        precondition(window.column >= 0 && window.row >= 0 && window.columns.upperBound <= dem.width && window.rows.upperBound <= dem.height,
                     "horizon window \(window) is not inside the \(dem.width) x \(dem.height) DEM")
        return window == .whole(width: dem.width, height: dem.height) ? nil : window
    }

    /// Sweeps a row-primary `direction` over `frame`, writing degrees into `out` (frame layout, unpadded;
    /// the cells of `window`, in frame rows and columns, when given). With `transposedInto`, each chunk of
    /// finished rows is also transposed into it (the grid's own layout for a transposed frame) while the
    /// chunk is still in cache.
    func sweep(frame: SweepFrame, direction: LookDirection, window: RasterWindow? = nil, mask: ObserverMask? = nil,
               into out: UnsafeMutablePointer<Float>, transposedInto: UnsafeMutablePointer<Float>? = nil) {
        let geometry = LineGeometry(width: frame.width, height: frame.height, dx: frame.dx, dy: frame.dy, direction: direction)
        let near = NearField(dx: frame.dx, dy: frame.dy, direction: direction, geometry: geometry, radiusCells: nearCells)
        let best = SharedPointer(slopes.base), codes = SharedPointer(candidates.base)
        let farRows = SharedPointer(farthest.base)
        withExtendedLifetime((frame, slopes, candidates, farthest, mask)) {
            let kernel = LaneSweepKernel(geometry: geometry, frame: frame, candidates: codes, farthest: farRows,
                                         observerHeight: observerHeight, radius: radius, near: near, queryRows: window?.rows)
            let lines = geometry.lineRange
            let groups = LaneSweepKernel.groupCount(lines)
            let workers = min(threads, groups)
            ParallelChunks.forEach(count: groups, chunks: workers <= 1 ? 1 : workers * 8) { part in
                kernel.run(groups: part, firstLine: lines.lowerBound)
            }
            // Final pass per row: the exact ray over the near field and the candidates' windows, then degrees.
            let pass = FinalPass(near: near, walker: RayWalker(frame: frame, geometry: geometry, radius: radius), frame: frame,
                                 slopes: best, candidates: codes, farthest: farRows, out: SharedPointer(out),
                                 observerHeight: Float(observerHeight), window: window, mask: mask.map { UnsafePointer($0.base) })
            let r0 = pass.window.row, H = pass.window.height, W = pass.window.width
            let rowWorkers = min(threads, max(1, W * H / 65_536), H)
            let final = transposedInto.map(SharedPointer.init)
            let finish = { (part: Range<Int>) in
                pass.run(rows: (r0 + part.lowerBound)..<(r0 + part.upperBound))
                if let final {
                    transpose(out + part.lowerBound * W, width: W, height: part.count, into: final.base + part.lowerBound,
                              pitch: H, threads: 1)
                }
            }
            ParallelChunks.forEach(count: H, chunks: rowWorkers <= 1 ? 1 : rowWorkers * 8, finish)
        }
    }
}
