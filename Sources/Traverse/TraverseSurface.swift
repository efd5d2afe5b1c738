import FarSideCore

/// The grid a route search runs over: elevations, which cells a rover may enter, and the metric cell sizes.
/// A cell is passable where `passable` is true and its elevation is not NaN.
public struct TraverseSurface: Sendable {
    public let width: Int
    public let height: Int
    /// Metres; NaN is nodata (never passable).
    public var elevation: [Float]
    /// The rover's cell rules (slope, roughness, permanent shadow), decided by the caller.
    public var passable: [Bool]
    /// Per-row metric cell sizes (`CellMetrics`).
    public var metrics: CellMetrics

    public init(elevation: Grid, passable: [Bool], metrics: CellMetrics) {
        precondition(passable.count == elevation.values.count && metrics.dx.count == elevation.height)
        width = elevation.width
        height = elevation.height
        self.elevation = elevation.values
        // NaN heights are never passable; the caller's array is kept (no copy) when it already says so (a
        // write, even of false, would copy it).
        var rules = passable
        elevation.values.withUnsafeBufferPointer { z in
            if let base = z.baseAddress, VectorMath.containsNaN(base, count: z.count) { for i in 0..<z.count where z[i].isNaN && rules[i] { rules[i] = false } }
        }
        self.passable = rules
        self.metrics = metrics
    }

    @inlinable public func index(row: Int, column: Int) -> Int { row * width + column }
    @inlinable public func isPassable(_ cell: Int) -> Bool { passable[cell] }
}
