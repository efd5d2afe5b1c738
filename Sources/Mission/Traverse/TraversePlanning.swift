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
    /// Bytes per cell the pipeline holds at most: while the rover's cell rules are decided, DEM, slope and
    /// roughness (4 B each) and passability (1 B); during the search DEM, passability and the cost (4 B
    /// each) and frontier; then the cost, which becomes the output in place. The time-dependent search adds its labels and
    /// the step runs.
    public static let bytesPerCell: Int64 = 16
    /// With a time window: the horizon sweep's frames and scratch, the lit and linked runs, and the label
    /// families, which grow with the cells reached and the window's state changes rather than with the cells:
    /// the 2048^2 30-day VIPER-class benchmark peaked at 157 heap bytes per cell (heaptrack, 2026-12-07), so
    /// 192 leaves a margin for longer windows.
    public static let bytesPerCellInTime: Int64 = 192

    public static func run(_ dataset: RasterDataset, request: TraverseRequest, ephemeris: (any EphemerisSource)?, scratchDirectory: String,
                           memoryBytes: Int64 = 2 << 30, progress: ((Double) -> Void)? = nil) throws -> TraverseResult {
        let rover = request.rover
        let timed = request.time != nil && rover.time != nil
        // The window finds permanent shadow for a rover kept out of it, time rules or not.
        if request.time != nil && rover.time == nil && rover.enterPSR && !request.toShadow {
            throw FarSideError.usage("rover \(rover.name) has no time rules (no time: section): a time window means nothing to it (it may enter permanent shadow)")
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
        // The grids live in `terrain` alone, so that letting them go there frees them.
        var terrain = try WindowTerrain.read(dataset, window: window, roughness: rover.maxRoughnessM != nil, threads: request.threads)
        progress?(0.1)

        // The rover's cell rules without shadow first: a bad origin is told before the long lighting work.
        var passable = terrain.passable(rover, psr: nil, threads: request.threads)
        let local = { (cell: (row: Int, column: Int)) in (cell.row - window.row) * window.width + cell.column - window.column }
        let originCell = local(origin)
        func refuseOrigin(_ psr: [Bool]?) throws {
            throw FarSideError.badInput("origin \(request.origin): the rover \(rover.name) may not stand there ("
                                        + terrain.refusal(rover, cell: originCell, psr: psr) + ")")
        }
        if !passable[originCell] { try refuseOrigin(nil) }
        // The static search (`CostDistance`). A timed rover that may enter permanent shadow has its
        // passability already: its search runs first, and only the cells it reaches get lit and linked states
        // (no route can reach another); a rover kept out of shadow gets them on its passable cells.
        let limit = request.maxCost.map { $0 / rover.costScale } ?? .infinity
        let clock = ContinuousClock()
        var searched: CostField?
        var searchTime = Duration.zero
        func staticSearch(_ surface: TraverseSurface) {
            searchTime = clock.measure {
                searched = CostDistance.compute(surface: surface, sources: [originCell], motion: rover.motion, neighbourhood: request.neighbourhood,
                                             costLimit: limit, threads: request.threads)
            }
        }
        if timed && rover.enterPSR { staticSearch(TraverseSurface(elevation: terrain.dem, passable: passable, metrics: metrics)) }
        // Sunlight and links (time-dependent runs), permanent shadow (rovers that may not enter it).
        var lighting: WindowLighting?
        if timed || !rover.enterPSR || request.toShadow {
            guard let time = request.time, let ephemeris else {
                throw FarSideError.usage(request.toShadow && rover.enterPSR ? "a route to permanent shadow needs a time window (--start/--end) to find it"
                                         : "rover \(rover.name) may not enter permanently shadowed cells, which need a time window to be found")
            }
            lighting = try WindowLighting.compute(dataset, window: window, dem: terrain.dem, time: time, request: request, ephemeris: ephemeris,
                                                  needPSR: !rover.enterPSR || request.toShadow, needStates: timed, cells: searched.map { $0.cost.map(\.isFinite) } ?? passable,
                                                  scratchDirectory: scratchDirectory,
                                                  progress: { progress?(0.1 + 0.5 * $0) })
            if !rover.enterPSR, let psr = lighting?.psr {
                passable = terrain.passable(rover, psr: psr, threads: request.threads)
                if !passable[originCell] { try refuseOrigin(psr) }
            }
        }
        // A static run's search holds the heights, passability and costs only (memory per cell): the slope
        // and roughness grids go, and the few cells that need them later read them back (`WindowTerrain`).
        if !timed { terrain.releaseKernels() }
        let passableCells = RoverProfile.count(passable, threads: request.threads)
        var surface = TraverseSurface(elevation: terrain.dem, passable: passable, metrics: metrics)
        passable = []
        for (k, t) in targets.enumerated() where !window.contains(RasterWindow(column: t.column, row: t.row, width: 1, height: 1)) {
            throw FarSideError.badInput("target \(k + 1) (\(request.targets[k])): beyond the cost limit's reach from the origin")
        }

        if searched == nil { staticSearch(surface) }
        var field = searched!
        searched = nil
        progress?(0.75)
        func context() -> RouteContext {
            RouteContext(window: window, dataset: dataset, transformer: transformer, terrain: terrain, surface: surface, rover: rover,
                         neighbourhood: request.neighbourhood)
        }
        var routes: [TraverseRoute] = []
        for (k, t) in targets.enumerated() {
            let cell = local(t)
            guard field.cost[cell].isFinite, let path = RouteTrace.trace(field: field, surface: surface, motion: rover.motion,
                                                                        neighbourhood: request.neighbourhood, to: cell) else {
                let why = surface.passable[cell] ? "no passable path within the rover's rules"
                    : "the rover may not stand there: " + terrain.refusal(rover, cell: cell, psr: lighting?.psr)
                throw FarSideError.badInput("target \(k + 1) (\(request.targets[k])): not reachable by rover \(rover.name) from the origin (\(why))")
            }
            routes.append(TraverseRoute(targetIndex: k, target: request.targets[k], vertices: context().vertices(path)))
        }
        // The nearest permanent shadow: the cheapest of its cells (the time search picks the earliest instead).
        var shadowCells: [Bool]?
        var shadowRoute: TraverseRoute?
        if request.toShadow, let psr = lighting?.psr {
            let cells = ShadowTargets.cells(psr: psr, passable: surface.passable, width: window.width, height: window.height, enterPSR: rover.enterPSR)
            shadowCells = cells
            if let cell = ShadowTargets.nearest(cells, by: { Double(field.cost[$0]) }),
               let path = RouteTrace.trace(field: field, surface: surface, motion: rover.motion, neighbourhood: request.neighbourhood, to: cell) {
                shadowRoute = TraverseRoute(shadow: context().vertices(path), index: targets.count)
            } else if !timed || !request.stopAtShadow {
                throw FarSideError.badInput("no permanently shadowed cell reachable by rover \(rover.name) from the origin "
                                            + (request.maxCost.map { "within --max-cost \($0) \(rover.costUnit)" } ?? "in the DEM"))
            }
        }
        // A static run is done with the window's grids: let them go before the Float32 costs are made.
        if !timed {
            terrain.releaseAll()
            surface = TraverseSurface(elevation: Grid(width: 0, height: 0, values: []), passable: [], metrics: CellMetrics(dx: [], dy: []))
        }
        let (cost, reachable) = Self.costGrid(&field, scale: rover.costScale, threads: request.threads)
        var result = TraverseResult(window: window, geometry: RasterGeometry(width: window.width, height: window.height,
                                                                             geoTransform: window.geoTransform(in: dataset.geoTransform), crsWKT: dataset.crs.wkt),
                                    cost: cost, travelTimeHours: nil, safeHavens: nil, routes: routes, passableCells: passableCells,
                                    reachableCells: reachable, searchSeconds: Self.seconds(searchTime), timeSearchSeconds: nil)
        result.notes = lighting?.notes ?? []
        result.shadowRoute = shadowRoute
        if timed, let lighting, let time = request.time {
            try TimedTraverse.run(&result, lighting: lighting, time: time, context: context(), originCell: originCell,
                                  targetCells: targets.map(local), shadowCells: shadowRoute == nil ? nil : shadowCells, request: request)
        }
        if let r = result.shadowRoute { result.routes.append(r) }   // (written with the others, numbered after them)
        progress?(1)
        return result
    }

    /// The window's heights, slope and (when asked) roughness: 3 x 3 Horn kernels over the window and one
    /// cell around it (`TerrainKernels`), cropped to the window.
    /// `blockCache`: read through a small GDAL block cache of its own (a large window read once); a few cells
    /// read through GDAL's shared cache.
    static func terrain(_ dataset: RasterDataset, window: RasterWindow, roughness: Bool, threads: Int,
                        blockCache: Bool = true) throws -> (Grid, Grid, Grid?) {
        let read = window.expanded(by: 1).clamped(width: dataset.width, height: dataset.height)
        // Read once, a row of blocks at a time: a cache of two block rows is enough.
        let blockRow = max(1, dataset.blockSize.height) * dataset.width * MemoryLayout<Float>.stride
        let readRaw = { try dataset.read(column: read.column, row: read.row, width: read.width, height: read.height) }
        let raw = blockCache ? try GDALEnvironment.withBlockCache(bytes: max(8 << 20, 2 * blockRow), readRaw) : try readRaw()
        let inner = window.relative(to: read)
        let products: Set<TerrainProduct> = roughness ? [.slope, .roughness] : [.slope]
        let terrain = TerrainKernels.compute(raw, metrics: dataset.cellMetrics.rows(read.rows), products: products, threads: threads)
        return (raw.window(rows: inner.rows, columns: inner.columns), terrain[.slope]!.window(rows: inner.rows, columns: inner.columns),
                terrain[.roughness].map { $0.window(rows: inner.rows, columns: inner.columns) })
    }

    /// The search's costs in the rover's unit (NaN where unreachable) and the reachable count, in parallel
    /// chunks, in the field's own storage: the field is left empty.
    static func costGrid(_ field: inout CostField, scale: Double, threads: Int) -> (Grid, Int) {
        let width = field.width, height = field.height, n = width * height
        var values: [Float] = []
        swap(&values, &field.cost)
        field = CostField(width: 0, height: 0, cost: [])
        let lock = NSLock()
        var reachable = 0
        values.withUnsafeMutableBufferPointer { buffer in
            guard n > 0 else { return }
            let c = SharedPointer(buffer.baseAddress!)
            ParallelChunks.forEach(count: n, chunks: max(1, threads * ParallelChunks.chunksPerThread)) { range in
                var reached = 0
                for i in range {
                    let v = c.base[i]
                    if v.isFinite {
                        if scale != 1 { c.base[i] = Float(Double(v) * scale) }
                        reached += 1
                    } else {
                        c.base[i] = .nan
                    }
                }
                lock.lock(); reachable += reached; lock.unlock()
            }
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
