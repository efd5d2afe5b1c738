import Ephemeris
import Foundation
import GeoRaster
import Terrain
import Traverse
import Visibility

/// `traverse` as an engine call: a rover's cost distance from an origin over a DEM, its routes to targets,
/// and, with a time window, the earliest-arrival search through sunlight and links.
///
/// The pipeline: locate the origin and targets; choose the window (the whole DEM, or the part a cost limit
/// can reach: the limit over the rover's least cost per metre); read it with one cell around for the
/// 3 x 3 slope and roughness (Horn 1981); decide each cell's passability by the rover's cell rules
/// (slope, roughness, permanent shadow: sun fraction 0 over the window, as `rank`'s psr); run the static
/// search (`CostDistance`) and trace the routes (`RouteTrace`); with a time window, compute the window's
/// horizons and the per-cell runs of lit and linked steps (`StepStateEngine`) and run the earliest-arrival
/// search (`EarliestArrival`), whose routes replace the static ones.
public enum TraversePlanning {
    /// Bytes per cell the pipeline holds: DEM, slope, roughness and output (4 B each), passability (1 B),
    /// the search's cost (8 B) and frontier; the time-dependent search adds its labels and the step runs.
    public static let bytesPerCell: Int64 = 32
    public static let bytesPerCellInTime: Int64 = 96

    public static func run(_ dataset: RasterDataset, request: TraverseRequest, ephemeris: (any EphemerisSource)?, scratchDirectory: String,
                           memoryBytes: Int64 = 2 << 30, progress: ((Double) -> Void)? = nil) throws -> TraverseResult {
        let rover = request.rover
        let timed = request.time != nil && rover.time != nil
        if request.time != nil && rover.time == nil {
            throw FarSideError.usage("rover \(rover.name) has no time rules (no time: section): a time window means nothing to it")
        }
        let transformer = try CoordinateTransformer(crs: dataset.crs)
        let origin = try locate(request.origin, what: "origin", dataset: dataset, transformer: transformer)
        let targets = try request.targets.enumerated().map { try locate($1, what: "target \($0 + 1)", dataset: dataset, transformer: transformer) }
        let window = try searchWindow(dataset, origin: origin, request: request)
        try RouteGridCheck.check(dataset, window: window, what: "traverse")
        let perCell = timed ? bytesPerCellInTime : bytesPerCell
        let needed = Int64(window.cellCount) * perCell
        guard needed <= memoryBytes else {
            throw FarSideError.usage("the traverse needs \(window.width) x \(window.height) cells, about \(needed >> 20) MB, over the memory budget of \(memoryBytes >> 20) MB: "
                                     + "give a cost limit (it bounds the cells searched) or a larger budget")
        }
        StageLog.note("traverse: \(window.width) x \(window.height) cells, rover \(rover.name), \(request.neighbourhood.count) neighbours"
                      + (timed ? ", \(request.time!.count) steps" : ""))

        // Terrain: one cell around the window for the 3 x 3 kernels.
        let metrics = dataset.cellMetrics.rows(window.rows)
        // The read with its border and the kernels' own grids are let go before the search (memory per cell).
        // The slope is held by its variable alone: a static run hands its storage to the cost grid once the
        // routes are traced.
        let dem: Grid, roughness: Grid?
        var slope: Grid
        (dem, slope, roughness) = try Self.terrain(dataset, window: window, roughness: rover.maxRoughnessM != nil, threads: request.threads)
        progress?(0.1)

        // The rover's cell rules without shadow first: a bad origin is told before the long lighting work.
        var passable = rover.passable(dem: dem, slope: slope, roughness: roughness, threads: request.threads)
        let local = { (cell: (row: Int, column: Int)) in (cell.row - window.row) * window.width + cell.column - window.column }
        let originCell = local(origin)
        func refuseOrigin(_ psr: [Bool]?) throws {
            throw FarSideError.badInput("origin \(request.origin): the rover \(rover.name) may not stand there ("
                                        + rover.refusal(cell: originCell, dem: dem, slope: slope, roughness: roughness, psr: psr) + ")")
        }
        if !passable[originCell] { try refuseOrigin(nil) }
        // Sunlight and links (time-dependent runs), permanent shadow (rovers that may not enter it).
        var lighting: WindowLighting?
        if timed || !rover.enterPSR {
            guard let time = request.time, let ephemeris else {
                throw FarSideError.usage("rover \(rover.name) may not enter permanently shadowed cells, which need a time window to be found")
            }
            lighting = try WindowLighting.compute(dataset, window: window, dem: dem, time: time, request: request, ephemeris: ephemeris,
                                                  needStates: timed, scratchDirectory: scratchDirectory,
                                                  progress: { progress?(0.1 + 0.5 * $0) })
            if !rover.enterPSR, let psr = lighting?.psr {
                passable = rover.passable(dem: dem, slope: slope, roughness: roughness, psr: psr, threads: request.threads)
                if !passable[originCell] { try refuseOrigin(psr) }
            }
        }
        let surface = TraverseSurface(elevation: dem, passable: passable, metrics: metrics)
        for (k, t) in targets.enumerated() where !window.contains(RasterWindow(column: t.column, row: t.row, width: 1, height: 1)) {
            throw FarSideError.badInput("target \(k + 1) (\(request.targets[k])): beyond the cost limit's reach from the origin")
        }

        // The static search.
        let limit = request.maxCost.map { $0 / rover.costScale } ?? .infinity
        let clock = ContinuousClock()
        var field: CostField!
        let searchTime = clock.measure {
            field = CostDistance.compute(surface: surface, sources: [originCell], motion: rover.motion, neighbourhood: request.neighbourhood,
                                         costLimit: limit, threads: request.threads)
        }
        progress?(0.75)
        func context() -> RouteContext {
            RouteContext(window: window, dataset: dataset, transformer: transformer, dem: dem, slope: slope, surface: surface, rover: rover,
                         neighbourhood: request.neighbourhood)
        }
        var routes: [TraverseRoute] = []
        for (k, t) in targets.enumerated() {
            let cell = local(t)
            guard field.cost[cell].isFinite, let path = RouteTrace.trace(field: field, surface: surface, motion: rover.motion,
                                                                        neighbourhood: request.neighbourhood, to: cell) else {
                let why = passable[cell] ? "no passable path within the rover's rules"
                    : "the rover may not stand there: " + rover.refusal(cell: cell, dem: dem, slope: slope, roughness: roughness, psr: lighting?.psr)
                throw FarSideError.badInput("target \(k + 1) (\(request.targets[k])): not reachable by rover \(rover.name) from the origin (\(why))")
            }
            routes.append(TraverseRoute(targetIndex: k, target: request.targets[k], vertices: context().vertices(path)))
        }
        // A static run needs the slope no more: its Float32 storage takes the costs (no fresh 4 bytes per cell).
        var storage: [Float] = []
        if !timed { swap(&storage, &slope.values); slope = Grid(width: 0, height: 0, values: []) }
        let (cost, reachable) = Self.costGrid(field, width: window.width, height: window.height, scale: rover.costScale, threads: request.threads,
                                              reusing: &storage)
        var result = TraverseResult(window: window, geometry: RasterGeometry(width: window.width, height: window.height,
                                                                             geoTransform: window.geoTransform(in: dataset.geoTransform), crsWKT: dataset.crs.wkt),
                                    cost: cost, travelTimeHours: nil, safeHavens: nil, routes: routes, passableCells: RoverProfile.count(passable, threads: request.threads),
                                    reachableCells: reachable, searchSeconds: Self.seconds(searchTime), timeSearchSeconds: nil)
        result.notes = lighting?.notes ?? []
        if timed, let lighting, let time = request.time {
            try TimedTraverse.run(&result, lighting: lighting, time: time, context: context(), originCell: originCell,
                                  targetCells: targets.map(local), request: request)
        }
        progress?(1)
        return result
    }

    /// The window's heights, slope and (when asked) roughness: 3 x 3 Horn kernels over the window and one
    /// cell around it (`TerrainKernels`), cropped to the window.
    static func terrain(_ dataset: RasterDataset, window: RasterWindow, roughness: Bool, threads: Int) throws -> (Grid, Grid, Grid?) {
        let read = window.expanded(by: 1).clamped(width: dataset.width, height: dataset.height)
        // Read once, a row of blocks at a time: a cache of two block rows is enough.
        let blockRow = max(1, dataset.blockSize.height) * dataset.width * MemoryLayout<Float>.stride
        let raw = try GDALEnvironment.withBlockCache(bytes: max(8 << 20, 2 * blockRow)) {
            try dataset.read(column: read.column, row: read.row, width: read.width, height: read.height)
        }
        let inner = window.relative(to: read)
        let products: Set<TerrainProduct> = roughness ? [.slope, .roughness] : [.slope]
        let terrain = TerrainKernels.compute(raw, metrics: dataset.cellMetrics.rows(read.rows), products: products, threads: threads)
        return (raw.window(rows: inner.rows, columns: inner.columns), terrain[.slope]!.window(rows: inner.rows, columns: inner.columns),
                terrain[.roughness].map { $0.window(rows: inner.rows, columns: inner.columns) })
    }

    /// The search's costs in the rover's unit as Float32 (NaN where unreachable) and the reachable count,
    /// in parallel chunks. The values go into `storage`'s array when it has n values (taken, leaving
    /// `storage` empty; overwritten in place when nothing else shares it), else into a new one.
    static func costGrid(_ field: CostField, width: Int, height: Int, scale: Double, threads: Int, reusing storage: inout [Float]) -> (Grid, Int) {
        let n = width * height
        let lock = NSLock()
        var reachable = 0
        func fill(_ out: UnsafeMutableBufferPointer<Float>) {
            guard n > 0 else { return }
            let o = SharedPointer(out.baseAddress!)
            field.cost.withUnsafeBufferPointer { c in
                ParallelChunks.forEach(count: n, chunks: max(1, threads * ParallelChunks.chunksPerThread)) { range in
                    var reached = 0
                    for i in range {
                        let v = c[i]
                        if v.isFinite { o.base[i] = Float(v * scale); reached += 1 } else { o.base[i] = .nan }
                    }
                    lock.lock(); reachable += reached; lock.unlock()
                }
            }
        }
        var values: [Float] = []
        swap(&values, &storage)
        if values.count == n {
            values.withUnsafeMutableBufferPointer { fill($0) }
        } else {
            values = [Float](unsafeUninitializedCapacity: n) { out, initialized in fill(out); initialized = n }
        }
        return (Grid(width: width, height: height, values: values), reachable)
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }

    /// Raster row and column of a lat/lon point (bad input when it is off the DEM).
    static func locate(_ p: GeoPoint, what: String, dataset: RasterDataset, transformer: CoordinateTransformer) throws -> (row: Int, column: Int) {
        guard let xy = transformer.map(lat: p.lat, lon: p.lon) else { throw FarSideError.badInput("\(what) \(p): cannot be placed on the DEM's CRS") }
        let px = dataset.geoTransform.pixel(x: xy.x, y: xy.y)
        let row = Int(px.row.rounded(.down)), column = Int(px.column.rounded(.down))
        guard px.row.isFinite, px.column.isFinite, (0..<dataset.height).contains(row), (0..<dataset.width).contains(column) else {
            throw FarSideError.badInput("\(what) \(p): outside the DEM \(dataset.path)")
        }
        return (row, column)
    }

    /// The whole DEM, or the cells within the cost limit's reach of the origin (plus the moves' reach).
    static func searchWindow(_ dataset: RasterDataset, origin: (row: Int, column: Int), request: TraverseRequest) throws -> RasterWindow {
        let whole = RasterWindow.whole(width: dataset.width, height: dataset.height)
        guard let maxCost = request.maxCost else { return whole }
        let perMetre = request.rover.motion.leastCostPerMetre
        guard perMetre > 0 else { return whole }
        let reachM = maxCost / request.rover.costScale / perMetre
        let metrics = dataset.cellMetrics
        let cell = min(metrics.dx.min() ?? 1, metrics.dy.min() ?? 1)
        let halo = Int((reachM / cell).rounded(.up)) + request.neighbourhood.reach
        let w = RasterWindow(column: origin.column, row: origin.row, width: 1, height: 1).expanded(by: min(halo, max(dataset.width, dataset.height)))
        return w.clamped(width: dataset.width, height: dataset.height)
    }
}
