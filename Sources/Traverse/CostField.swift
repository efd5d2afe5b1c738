import FarSideCore

/// The result of a static cost-distance search (`CostDistance.compute`): the least accumulated cost from the
/// nearest source to every cell, row-major like the surface it was computed on.
///
/// `cost[cell]` is +infinity where the cell is unreachable: impassable, cut off, or (with a cost limit)
/// dearer than the limit. Sources cost 0. No predecessors are stored; `RouteTrace` recovers a route from
/// the costs.
public struct CostField: Sendable {
    public let width: Int
    public let height: Int
    /// Accumulated cost per cell (metres, seconds or watt-hours, after the rover's objective), +infinity
    /// where unreachable: the search's Double cost rounded to the nearest Float (about 7 significant
    /// digits: 0.01 m at 100 km).
    public var cost: [Float]
    /// The cells the search started from (passable ones only: those that cost 0 by definition). Empty when
    /// unknown; then `RouteTrace` stops at any cell of cost 0.
    public var sources: [Int]

    public init(width: Int, height: Int, cost: [Float], sources: [Int] = []) {
        precondition(width >= 0 && height >= 0 && cost.count == width * height, "cost field size mismatch")
        self.width = width
        self.height = height
        self.cost = cost
        self.sources = sources
    }

    /// Whether `cell` was reached (finite cost).
    @inlinable public func isReachable(_ cell: Int) -> Bool { cost[cell].isFinite }

    /// Number of reached cells.
    public var reachableCount: Int { cost.reduce(0) { $0 + ($1.isFinite ? 1 : 0) } }

    /// The costs as a grid (for GeoTIFF output), NaN where unreachable.
    public func toGrid() -> Grid {
        Grid(width: width, height: height, values: cost.map { $0.isFinite ? $0 : .nan })
    }
}
