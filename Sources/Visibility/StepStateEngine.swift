import Dispatch
import Foundation
import GeoRaster

/// Per-cell, per-step states over a time window, as runs of steps (`StepRuns`, cell index = row * width +
/// column of the window): when each cell is lit and when it sees the Earth. A time-dependent traverse asks
/// a cell "when do you next change" instead of reading a flag per step.
public struct StepStates: Sendable {
    /// Steps in which the cell is lit (see `StepStateEngine.sunPoint` and `minSunElevationDeg`).
    public var lit: StepRuns
    /// Steps in which the Earth's centre is above the terrain horizon and `minEarthElevationDeg`.
    public var earth: StepRuns
    /// Steps in which at least one relay satellite is linked (nil: no relays were given).
    public var relay: StepRuns?
    /// Steps with any link: the Earth or a relay (`earth` when no relays were given).
    public var linked: StepRuns

    public init(lit: StepRuns, earth: StepRuns, relay: StepRuns? = nil, linked: StepRuns? = nil) {
        self.lit = lit
        self.earth = earth
        self.relay = relay
        self.linked = linked ?? earth
    }
}

/// Lit and Earth-linked steps of every cell, with the illumination engine's geometry (`IlluminationEngine`):
/// the same raster-aligned tiles (the same automatic tile size, `rasterOrigin`, `rasterTransform`), each
/// tile in its centre cell's local frame, a first-order tilt correction per cell (`CellTilt`) and the
/// horizon interpolated linearly in azimuth, first at the bins (the horizon azimuths, rotated by the cell's
/// grid convergence) and then between bins at the body's azimuth, exactly as the darkness scan does. The
/// Earth is placed topocentrically from the tile's reference cell, as there.
///
/// A cell is LIT at a step when the Sun's centre (or, with `sunPoint = .upperLimb`, the top of its disc)
/// is above the terrain horizon, e > h, and the Sun's centre is at least `minSunElevationDeg` above the
/// cell's local horizontal plane (the rover's minimum Sun elevation for driving; the tilt correction
/// applies: e_cell = e_t + dx sin a + dy cos a). It is EARTH-LINKED when the Earth's centre is above the
/// terrain horizon and at least `minEarthElevationDeg` above the local horizontal.
///
/// Difference from the illumination engine's products: sun_fraction and psr count any visible part of the
/// disc (psr: no part seen at any step), here the default test is the disc's centre, which is 0.27 deg
/// stricter. With `sunPoint = .upperLimb` and `minSunElevationDeg = -90`, the test is the darkness scan's
/// own (the disc's top above the threshold, in the same Float arithmetic), so a cell without lit steps is
/// a cell with the longest darkness equal to the window, which is psr (up to steps grazing the threshold,
/// where psr's tabulated fraction and the per-step compare may differ).
///
/// Each tile's cells are processed in chunks of 32 (`DarknessScan`): per chunk, the thresholds (horizon
/// minus tilt, and the tilt term for the minimum elevation) per azimuth bin stay in cache while the steps
/// stream past; most steps are decided for the whole chunk by one compare against the chunk's bounds, the
/// others by 8-lane compares; state changes become run boundaries. Tiles run in parallel with their own
/// run lists, assembled in cell order at the end.
public struct StepStateEngine: Sendable {
    /// Which point of the Sun must clear the terrain horizon.
    public enum SunPoint: Sendable {
        /// The disc's centre (default: a rover's solar panels want the Sun, not a sliver of it).
        case centre
        /// The top of the disc: any part visible, the illumination engine's darkness and psr criterion.
        case upperLimb
    }

    public var threads = 1
    /// Tile edge in cells (0: the illumination engine's automatic size, so tiles and frames are its own).
    public var tileSize = 0
    /// As `IlluminationEngine.rasterOrigin`.
    public var rasterOrigin = RasterOrigin(row: 0, column: 0)
    /// As `IlluminationEngine.rasterTransform`.
    public var rasterTransform: GeoTransform?
    /// Observer height above the ground, metres, of the horizons given to `run`.
    public var observerHeight = 0.0
    /// Radius of the body's reference sphere, metres.
    public var radius = CelestialBody.moonRadius
    /// The Sun's centre must be at least this high above the cell's local horizontal plane, degrees
    /// (-90: no requirement beyond the terrain horizon).
    public var minSunElevationDeg = 0.0
    /// The Earth's centre must be at least this high above the cell's local horizontal plane, degrees.
    public var minEarthElevationDeg = 0.0
    public var sunPoint = SunPoint.centre
    /// The cells whose states are wanted (row-major over the DEM; nil: all). The others get no runs, as
    /// nodata, and chunks without a wanted cell are skipped: a traverse needs only the cells its rover can
    /// reach at all.
    public var cells: [Bool]?

    public init() {}

    /// `transform` is the DEM's (the window's) geotransform; see `rasterOrigin` and `rasterTransform` for
    /// windows of a larger raster. Nodata cells (in the DEM or any horizon azimuth) and cells
    /// outside `cells` have no runs.
    public func run(dem: Grid, transform: GeoTransform, transformer: CoordinateTransformer,
                    horizon: any HorizonProfiles, track: BodyTrack) throws -> StepStates {
        precondition(horizon.width == dem.width && horizon.height == dem.height)
        let w = dem.width, h = dem.height, T = track.count
        precondition(T < Int(UInt32.max))
        let raster = try rasterOrigin.rasterTransform(window: transform, raster: rasterTransform)
        let tileSize = try IlluminationEngine.tileSize(self.tileSize, transform: raster, transformer: transformer, radius: radius)
        let lit = TileRunSet(width: w, height: h, origin: rasterOrigin, tileSize: tileSize)
        let earth = TileRunSet(width: w, height: h, origin: rasterOrigin, tileSize: tileSize)
        // BlockTiles runs a block's tiles in parallel; a block of large tiles (20 m cells: one 256-cell tile)
        // has fewer tiles than threads, so the tiles' strips of chunks run in parallel too.
        let block = tileSize * max(1, BlockTiles.blockCells / tileSize)
        let inner = max(1, threads / ((block / tileSize) * (block / tileSize)))
        try BlockTiles.forEach(width: w, height: h, origin: rasterOrigin, tileSize: tileSize, horizon: horizon, threads: threads,
                               progress: nil) { rows, columns, source in
            let (l, e) = try runTile(rows: rows, columns: columns, dem: dem, raster: raster, transformer: transformer,
                                     horizon: source, track: track, workers: inner)
            lit.store(l, rows: rows, columns: columns)
            earth.store(e, rows: rows, columns: columns)
        }
        return StepStates(lit: lit.assemble(stepCount: T, threads: threads), earth: earth.assemble(stepCount: T, threads: threads))
    }

    /// One tile: its cells' lit and Earth runs, tile row-major; its strips of chunks shared by `workers` threads.
    func runTile(rows: Range<Int>, columns: Range<Int>, dem: Grid, raster: GeoTransform, transformer: CoordinateTransformer,
                 horizon: IlluminationEngine.BlockProfiles, track: BodyTrack, workers: Int = 1) throws -> (TileRuns, TileRuns) {
        let centre = (rows.lowerBound + rows.count / 2, columns.lowerBound + columns.count / 2)
        let reference = try rasterOrigin.frames(raster: raster, transformer: transformer, rows: centre.0..<(centre.0 + 1),
                                                columns: centre.1..<(centre.1 + 1))[0]
        var illumination = IlluminationEngine()
        illumination.observerHeight = observerHeight
        illumination.radius = radius
        let earthDirections = track.earthDirections(from: illumination.referenceSite(reference, rows: rows, columns: columns, dem: dem))
        let A = horizon.azimuths, K = A, T = track.count
        let binWidth = 2 * Double.pi / Double(K)
        func place(_ a: Double) -> (Int32, Float) {
            let position = a / binWidth
            let low = Int(position.rounded(.down))
            return (Int32(low % K), Float(position - Double(low)))
        }
        // Per step, as the darkness scan places the Sun: the bin at or below the azimuth and the next bin's weight.
        let minSun = minSunElevationDeg * .pi / 180, minEarth = minEarthElevationDeg * .pi / 180
        var sunSteps = [StateStep](repeating: StateStep(point: 0, lift: 0, weight: 0, bin: 0), count: T), earthSteps = sunSteps
        for t in 0..<T {
            let s = reference.elevationAzimuth(track.sun[t])
            var (bin, weight) = place(s.azimuth)
            let point = sunPoint == .centre ? s.elevation : s.elevation + track.sunRadius[t]
            sunSteps[t] = StateStep(point: Float(point), lift: Float(s.elevation - minSun), weight: weight, bin: bin)
            let e = reference.elevationAzimuth(earthDirections[t])
            (bin, weight) = place(e.azimuth)
            earthSteps[t] = StateStep(point: Float(e.elevation), lift: Float(e.elevation - minEarth), weight: weight, bin: bin)
        }
        let sinA = (0..<K).map { sin(Double($0) * binWidth) }, cosA = (0..<K).map { cos(Double($0) * binWidth) }
        let floor = Float(IlluminationEngine.horizonFloor(observerHeight: observerHeight, radius: radius))
        let L = DarknessScan.lanes, cells = rows.count * columns.count
        let strips = (rows.count + DarknessScan.chunkRows - 1) / DarknessScan.chunkRows
        let workers = max(1, min(workers, strips))
        let parts = TileParts(workers)

        // Strips w, w + workers, ... of one worker, into its own run lists.
        func work(_ worker: Int) throws {
            // Per chunk: thresholds and tilt terms ((bins + 1) x lanes) and their per-bin bounds, in one allocation.
            let scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: 2 * (K + 1) * L + 4 * K)
            defer { scratch.deallocate() }
            let theta = scratch.baseAddress!, lift = theta + (K + 1) * L
            let hiH = lift + (K + 1) * L, loH = hiH + K, hiT = loH + K, loT = hiT + K
            let thresholds = StateScan.Thresholds(theta: theta, hiH: hiH, loH: loH, lift: lift, hiT: hiT, loT: loT)
            var chunk = ChunkThresholds(lanes: L, azimuths: A), strip = ChunkStrip(azimuths: A)
            let slab = strip.slabSize
            var litOut = TileRuns(cells: cells), earthOut = litOut
            var lanes = LaneRuns()
            for stripIndex in stride(from: worker, to: strips, by: workers) {
                let chunkRow = stripIndex * DarknessScan.chunkRows
                let stripRows = (rows.lowerBound + chunkRow)..<min(rows.upperBound, rows.lowerBound + chunkRow + DarknessScan.chunkRows)
                let frames = try rasterOrigin.frames(raster: raster, transformer: transformer, rows: stripRows, columns: columns)
                strip.gather(horizon, rows: stripRows, columns: columns, floor: floor)
                for (chunkIndex, chunkColumn) in stride(from: 0, to: columns.count, by: DarknessScan.chunkColumns).enumerated() {
                    // The tile cell (row-major) of a lane (nil: outside the tile).
                    func tileCell(_ lane: Int) -> Int? {
                        let ri = chunkRow + lane / DarknessScan.chunkColumns, ci = chunkColumn + lane % DarknessScan.chunkColumns
                        return ri < rows.count && ci < columns.count ? ri * columns.count + ci : nil
                    }
                    chunk.reset()
                    var valid: UInt32 = 0
                    for lane in 0..<L {
                        guard let i = tileCell(lane) else { continue }
                        let r = rows.lowerBound + i / columns.count, c = columns.lowerBound + i % columns.count
                        guard !dem.values[r * dem.width + c].isNaN, !strip.nodata[chunkIndex * L + lane].isNaN,
                              self.cells?[r * dem.width + c] ?? true else { continue }
                        chunk.set(lane: lane, tilt: CellTilt(frame: frames[i - chunkRow * columns.count], reference: reference, azimuths: A))
                        valid |= 1 << UInt32(lane)
                    }
                    guard valid != 0 else { continue }
                    let any = strip.values.withUnsafeMutableBufferPointer { values in
                        let profiles = values.baseAddress! + chunkIndex * slab
                        guard chunk.pad(profiles: profiles) else { return false }
                        chunk.thresholds(profiles: profiles, bins: K, sinA: sinA, cosA: cosA, theta: theta, lift: lift,
                                         hiH: hiH, loH: loH, hiT: hiT, loT: loT)
                        return true
                    }
                    guard any else { continue }
                    sunSteps.withUnsafeBufferPointer { StateScan.scan(thresholds, steps: $0, valid: valid, into: &lanes) }
                    for lane in 0..<L where valid & (1 << UInt32(lane)) != 0 { litOut.set(cell: tileCell(lane)!, runs: lanes.runs[lane]) }
                    earthSteps.withUnsafeBufferPointer { StateScan.scan(thresholds, steps: $0, valid: valid, into: &lanes) }
                    for lane in 0..<L where valid & (1 << UInt32(lane)) != 0 { earthOut.set(cell: tileCell(lane)!, runs: lanes.runs[lane]) }
                }
            }
            parts.store(worker, lit: litOut, earth: earthOut)
        }

        if workers == 1 {
            try work(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                do { try work(worker) } catch { parts.fail(error) }
            }
        }
        if let error = parts.failure { throw error }
        // A cell's runs are in the part of its strip's worker.
        func merge(_ parts: [TileRuns?]) -> TileRuns {
            let parts = parts.map { $0! }
            guard workers > 1 else { return parts[0] }
            var out = TileRuns(cells: cells)
            var base = [UInt32](repeating: 0, count: workers)
            for w in 0..<workers {
                base[w] = UInt32(out.runs.count)
                out.runs += parts[w].runs
            }
            for w in 0..<workers {
                for stripIndex in stride(from: w, to: strips, by: workers) {
                    let first = stripIndex * DarknessScan.chunkRows * columns.count
                    for i in first..<min(cells, first + DarknessScan.chunkRows * columns.count) {
                        out.start[i] = parts[w].start[i] + base[w]
                        out.count[i] = parts[w].count[i]
                    }
                }
            }
            return out
        }
        return (merge(parts.lit), merge(parts.earth))
    }
}

/// The run lists of a tile's workers (each writes its own slot).
final class TileParts: @unchecked Sendable {
    var lit: [TileRuns?]
    var earth: [TileRuns?]
    private(set) var failure: Error?
    private let lock = NSLock()

    init(_ workers: Int) {
        lit = [TileRuns?](repeating: nil, count: workers)
        earth = lit
    }

    func store(_ worker: Int, lit l: TileRuns, earth e: TileRuns) {
        lock.lock(); defer { lock.unlock() }
        lit[worker] = l
        earth[worker] = e
    }

    func fail(_ error: Error) {
        lock.lock(); defer { lock.unlock() }
        failure = error
    }
}

/// One step of a body in a tile's frame, as the state scan needs it: the elevation compared with the
/// horizon threshold (`point`: the Sun's centre or top, the Earth's centre), the elevation less the minimum
/// elevation (`lift`, compared with the tilt term), the azimuth bin at or below the body and the next
/// bin's share (`weight`).
struct StateStep: Sendable {
    var point: Float
    var lift: Float
    var weight: Float
    var bin: Int32
}

extension ChunkThresholds {
    /// The thresholds of `compute` without the tables: theta(k) (horizon minus tilt, bit-identical to
    /// `compute`'s) at theta[k * lanes + l] and the tilt term alone, -(dx_l sin a_k + dy_l cos a_k), at
    /// lift[k * lanes + l] (a cell sees a body at elevation e_t in the reference frame at e_t - lift to
    /// first order, so it clears a minimum elevation m when e_t - m >= lift), for k < bins, row `bins`
    /// repeating row 0; and per bin k the bounds of both over bins k and k + 1 (`hiH`/`loH`, `hiT`/`loT`),
    /// widened as `DarknessScan.bounds` widens them (computed here in the same pass, without its buffers).
    func thresholds(profiles: UnsafePointer<Float>, bins K: Int, sinA: [Double], cosA: [Double],
                    theta: UnsafeMutablePointer<Float>, lift: UnsafeMutablePointer<Float>,
                    hiH: UnsafeMutablePointer<Float>, loH: UnsafeMutablePointer<Float>,
                    hiT: UnsafeMutablePointer<Float>, loT: UnsafeMutablePointer<Float>) {
        let n = lanes, A = azimuths
        var position = tilts.map(\.position)
        let increment = Double(A) / Double(K)
        var largestH: Float = 0, largestT: Float = 0
        // Row k's max / min kept in hi / lo [k] until the pairs are formed (row K is row 0).
        tilts.withUnsafeBufferPointer { tilts in
            position.withUnsafeMutableBufferPointer { position in
                for k in 0..<K {
                    let s = sinA[k], c = cosA[k], row = theta + k * n, liftRow = lift + k * n
                    var maxH = -Float.infinity, minH = Float.infinity, maxT = -Float.infinity, minT = Float.infinity
                    for v in 0..<n {
                        let p = position[v]
                        let (th, term) = Self.threshold(profiles: profiles, lane: v, lanes: n, azimuths: A, position: p,
                                                        tilt: tilts[v], sin: s, cos: c)
                        let h = Float(th), t = Float(-term)
                        row[v] = h
                        liftRow[v] = t
                        maxH = Swift.max(maxH, h); minH = Swift.min(minH, h)
                        maxT = Swift.max(maxT, t); minT = Swift.min(minT, t)
                        position[v] = p + increment >= Double(A) ? p + increment - Double(A) : p + increment
                    }
                    hiH[k] = maxH; loH[k] = minH; hiT[k] = maxT; loT[k] = minT
                    largestH = Swift.max(largestH, Swift.max(Swift.abs(maxH), Swift.abs(minH)))
                    largestT = Swift.max(largestT, Swift.max(Swift.abs(maxT), Swift.abs(minT)))
                }
            }
        }
        for v in 0..<n { theta[K * n + v] = theta[v]; lift[K * n + v] = lift[v] }
        let marginH = largestH * 1e-5 + 1e-30, marginT = largestT * 1e-5 + 1e-30
        let first = (hiH[0], loH[0], hiT[0], loT[0])
        for k in 0..<K {
            let next = k + 1 < K ? (hiH[k + 1], loH[k + 1], hiT[k + 1], loT[k + 1]) : first
            hiH[k] = Swift.max(hiH[k], next.0) + marginH
            loH[k] = Swift.min(loH[k], next.1) - marginH
            hiT[k] = Swift.max(hiT[k], next.2) + marginT
            loT[k] = Swift.min(loT[k], next.3) - marginT
        }
    }
}

/// A chunk's run lists, one per lane, refilled by each scan.
struct LaneRuns {
    var runs = [[StepRuns.Run]](repeating: [], count: DarknessScan.lanes)
    var start = [UInt32](repeating: 0, count: DarknessScan.lanes)
}

/// The state scan of one chunk over all steps, the darkness scan's pattern (`DarknessScan`): per step,
/// one compare against the chunk's bounds decides most steps for all 32 lanes; otherwise 8-lane compares
/// of the interpolated thresholds. A lane is on at a step when point > theta (the horizon) and
/// lift >= the tilt term (the minimum elevation), thresholds interpolated a + (b - a) w in Float.
enum StateScan {
    typealias V = SIMD8<Float>

    struct Thresholds {
        let theta, hiH, loH, lift, hiT, loT: UnsafePointer<Float>
    }

    static let laneBits = SIMD8<UInt32>(1, 2, 4, 8, 16, 32, 64, 128)

    /// Lanes (bit l) whose interpolated threshold row pair at `row` is below `x` (`strict`: x > limit, else
    /// x >= limit).
    @inline(__always)
    static func mask(_ row: UnsafePointer<Float>, _ x: Float, _ w: Float, strict: Bool) -> UInt32 {
        let L = DarknessScan.lanes
        var bits: UInt32 = 0
        let xv = V(repeating: x), wv = V(repeating: w)
        for g in 0..<(L / 8) {
            let a = UnsafeRawPointer(row + 8 * g).loadUnaligned(as: V.self)
            let b = UnsafeRawPointer(row + L + 8 * g).loadUnaligned(as: V.self)
            let limit = a + (b - a) * wv
            let on = strict ? xv .> limit : xv .>= limit
            bits |= SIMD8<UInt32>(repeating: 0).replacing(with: laneBits, where: on).wrappedSum() << UInt32(8 * g)
        }
        return bits
    }

    /// Scans `steps` for the lanes in `valid`, leaving each lane's runs in `lanes.runs`.
    static func scan(_ th: Thresholds, steps: UnsafeBufferPointer<StateStep>, valid: UInt32, into lanes: inout LaneRuns) {
        let L = DarknessScan.lanes
        for l in 0..<L { lanes.runs[l].removeAll(keepingCapacity: true) }
        var on: UInt32 = 0
        for t in 0..<steps.count {
            let s = steps[t], k = Int(s.bin)
            var now: UInt32
            if s.point <= th.loH[k] || s.lift < th.loT[k] {
                now = 0
            } else {
                now = valid
                if !(s.point > th.hiH[k]) { now &= mask(th.theta + k * L, s.point, s.weight, strict: true) }
                if !(s.lift >= th.hiT[k]) && now != 0 { now &= mask(th.lift + k * L, s.lift, s.weight, strict: false) }
            }
            if now != on {
                var changed = now ^ on
                while changed != 0 {
                    let l = changed.trailingZeroBitCount
                    changed &= changed - 1
                    if now & (1 << UInt32(l)) != 0 {
                        lanes.start[l] = UInt32(t)
                    } else {
                        lanes.runs[l].append(StepRuns.Run(start: lanes.start[l], end: UInt32(t)))
                    }
                }
                on = now
            }
        }
        while on != 0 {
            let l = on.trailingZeroBitCount
            on &= on - 1
            lanes.runs[l].append(StepRuns.Run(start: lanes.start[l], end: UInt32(steps.count)))
        }
    }
}

/// One tile's runs: per tile cell (row-major), its runs at runs[start ..< start + count].
struct TileRuns: Sendable {
    var start: [UInt32]
    var count: [UInt32]
    var runs: [StepRuns.Run] = []

    init(cells: Int) {
        start = [UInt32](repeating: 0, count: cells)
        count = start
    }

    mutating func set(cell: Int, runs cellRuns: [StepRuns.Run]) {
        start[cell] = UInt32(runs.count)
        count[cell] = UInt32(cellRuns.count)
        runs += cellRuns
    }

    /// From (tile cell, run) pairs in step order per cell (a stable counting sort by cell).
    init(cells: Int, events: [(cell: UInt32, run: StepRuns.Run)]) {
        self.init(cells: cells)
        for e in events { count[Int(e.cell)] += 1 }
        var next: UInt32 = 0
        for i in 0..<cells { start[i] = next; next += count[i] }
        var fill = start
        runs = [StepRuns.Run](repeating: StepRuns.Run(start: 0, end: 0), count: events.count)
        for e in events {
            runs[Int(fill[Int(e.cell)])] = e.run
            fill[Int(e.cell)] += 1
        }
    }
}

/// The tiles of a window (raster-aligned segments, as `BlockTiles` cuts them) and their runs, stored by
/// the tile workers (each its own slot) and assembled into one `StepRuns` over the window's cells.
final class TileRunSet: @unchecked Sendable {
    let width: Int
    let height: Int
    let rowSegments: [Range<Int>]
    let columnSegments: [Range<Int>]
    /// The segment of every window row / column.
    let rowSegment: [Int]
    let columnSegment: [Int]
    private let slots: UnsafeMutableBufferPointer<TileRuns?>

    init(width: Int, height: Int, origin: RasterOrigin, tileSize: Int) {
        self.width = width
        self.height = height
        rowSegments = BlockTiles.segments(0..<height, origin: origin.row, size: tileSize)
        columnSegments = BlockTiles.segments(0..<width, origin: origin.column, size: tileSize)
        var rs = [Int](repeating: 0, count: height), cs = [Int](repeating: 0, count: width)
        for (i, s) in rowSegments.enumerated() { for r in s { rs[r] = i } }
        for (i, s) in columnSegments.enumerated() { for c in s { cs[c] = i } }
        rowSegment = rs
        columnSegment = cs
        slots = .allocate(capacity: rowSegments.count * columnSegments.count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.baseAddress!.deinitialize(count: slots.count)
        slots.deallocate()
    }

    /// Stores the tile at (`rows`, `columns`) (one of the segments' tiles; each tile from one worker).
    func store(_ runs: TileRuns, rows: Range<Int>, columns: Range<Int>) {
        let tr = rowSegment[rows.lowerBound], tc = columnSegment[columns.lowerBound]
        precondition(rowSegments[tr] == rows && columnSegments[tc] == columns, "tiles are the raster-aligned segments")
        slots[tr * columnSegments.count + tc] = runs
    }

    /// All cells' runs, row-major over the window (a tile never stored: no runs).
    func assemble(stepCount: Int, threads: Int) -> StepRuns {
        let w = width, h = height, nc = columnSegments.count
        var offsets = [UInt32](repeating: 0, count: w * h + 1)
        var total = 0
        for r in 0..<h {
            let tr = rowSegment[r], ri = r - rowSegments[tr].lowerBound
            for tc in 0..<nc {
                let columns = columnSegments[tc]
                guard let tile = slots[tr * nc + tc] else {
                    for c in columns { offsets[r * w + c + 1] = UInt32(total) }
                    continue
                }
                for (ci, c) in columns.enumerated() {
                    total += Int(tile.count[ri * columns.count + ci])
                    offsets[r * w + c + 1] = UInt32(truncatingIfNeeded: total)
                }
            }
        }
        precondition(total < Int(UInt32.max), "more than 2^32 runs: use a smaller window")
        let runs = [StepRuns.Run](unsafeUninitializedCapacity: total) { buffer, count in
            let out = SendableBuffer(buffer)
            ParallelChunks.forEach(count: h, chunks: threads * ParallelChunks.chunksPerThread) { band in
                for r in band {
                    let tr = rowSegment[r], ri = r - rowSegments[tr].lowerBound
                    for tc in 0..<nc {
                        guard let tile = slots[tr * nc + tc] else { continue }
                        let columns = columnSegments[tc]
                        tile.runs.withUnsafeBufferPointer { source in
                            for (ci, c) in columns.enumerated() {
                                let i = ri * columns.count + ci, n = Int(tile.count[i])
                                guard n > 0 else { continue }
                                (out.base + Int(offsets[r * w + c])).initialize(from: source.baseAddress! + Int(tile.start[i]), count: n)
                            }
                        }
                    }
                }
            }
            count = total
        }
        return StepRuns(cellCount: w * h, stepCount: stepCount, offsets: offsets, runs: runs)
    }
}

/// A buffer written at disjoint places by concurrent workers.
struct SendableBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { base = buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)! }
}
