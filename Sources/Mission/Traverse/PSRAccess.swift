import Foundation
import GeoRaster
import Traverse

/// Rover access to permanent shadow, for `rank`: from every cell, the profile rover's cost to the nearest
/// permanently shadowed cell it may enter, by one multi-source search from all of them (Dijkstra from
/// many sources at cost 0; `CostDistance`).
///
/// - psr_traverse_m: metres along the shortest path through cells the rover may enter (its slope and
///   roughness limits) with moves within its grade limit (the distance objective);
/// - psr_traverse_h: the rover's driving hours along its fastest path (its speed against the grade, uphill
///   and downhill differing): the search runs from the shadowed cells over reversed moves with the mirrored
///   speed table, so each value is the time *from* the cell *to* the shadow. It is a driving time: the
///   waits that sunlight and links impose on a real drive are `farside traverse --start/--end`'s job.
///
/// Both are exact up to the reach (`MissionProfile.psrReachM`, metres; for hours the reach over the
/// rover's top speed) and infinite beyond, as psr_distance_m: a path no longer than the reach stays within
/// the reach of its start, so a window grown by it gives every cell of the core the same value as a search
/// over the whole raster. (Dijkstra's result is each cell's least fl(cost(u) + w) over its neighbours in
/// Double, whatever the order of the search, rounded once to Float, so the values agree to the bit; the
/// FIFO queues of the distance objective may keep a candidate one Double rounding dearer, which changes a
/// written Float only where it straddles a rounding boundary: see `CostDistance`.) 16 neighbours (knight's moves).
enum PSRAccess {
    static func layers(_ dataset: RasterDataset, window: RasterWindow, dem: Grid, shadowed: Grid, rover: RoverProfile, reachM: Double,
                       metres: Bool, hours: Bool, threads: Int) throws -> (metres: Grid?, hours: Grid?) {
        try RouteGridCheck.check(dataset, window: window, what: metres ? "psr_traverse_m" : "psr_traverse_h")
        let (_, slope, roughness) = try TraversePlanning.terrain(dataset, window: window, roughness: true, threads: threads)
        let passable = rover.passable(dem: dem, slope: slope, roughness: roughness)
        let sources = passable.indices.filter { passable[$0] && shadowed.values[$0] == 1 }
        let surface = TraverseSurface(elevation: dem, passable: passable, metrics: dataset.cellMetrics.rows(window.rows))
        func grid(_ field: CostField, scale: Double) -> Grid {
            Grid(width: window.width, height: window.height, values: field.cost.map { $0.isFinite ? (scale == 1 ? $0 : Float(Double($0) * scale)) : .infinity })
        }
        var m: Grid?, h: Grid?
        if metres {
            let motion = RoverMotion(objective: .distance, maxGradeDeg: rover.motion.maxGradeDeg)
            m = grid(CostDistance.compute(surface: surface, sources: sources, motion: motion, neighbourhood: .sixteen, costLimit: reachM), scale: 1)
        }
        if hours {
            let motion = RoverMotion(objective: .time, maxGradeDeg: rover.motion.maxGradeDeg, speed: rover.motion.speed).reversed
            h = grid(CostDistance.compute(surface: surface, sources: sources, motion: motion, neighbourhood: .sixteen,
                                          costLimit: reachM / rover.motion.topSpeed), scale: 1.0 / 3600)
        }
        // Nodata stays nodata; cells the rover may not enter, or beyond the reach, are infinitely far.
        for i in 0..<window.cellCount where dem.values[i].isNaN {
            m?.values[i] = .nan
            h?.values[i] = .nan
        }
        return (m, h)
    }
}
