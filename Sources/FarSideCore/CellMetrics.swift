import Foundation

/// How cell sizes in metres are derived for a projected grid.
public enum DistanceModel: String, Sendable, CaseIterable {
    /// Grid distances in projected metres, as gdaldem uses them (the default for projected CRSs).
    case grid
    /// True ground distances on the body's sphere, per row, for cylindrical projections
    /// (equirectangular: east-west cell size times cos(lat)/cos(lat_ts)).
    case `true`
}

/// Metric cell sizes per row of a raster: east-west (`dx`) and north-south (`dy`) in metres.
///
/// Geographic grids get true sizes on the body's sphere from the row's centre latitude:
/// dx = R cos(lat) dlon, dy = R dlat (R = the CRS's semi-major axis, 1,737,400 m on the Moon).
/// `ySign` is +1 when row 0 is the north (up) edge, -1 for south-up grids; `xSign` likewise for columns.
public struct CellMetrics: Sendable, Equatable {
    public var dx: [Double]
    public var dy: [Double]
    public var xSign: Double
    public var ySign: Double

    public init(dx: [Double], dy: [Double], xSign: Double = 1, ySign: Double = 1) {
        precondition(dx.count == dy.count)
        self.dx = dx
        self.dy = dy
        self.xSign = xSign
        self.ySign = ySign
    }

    /// Constant square-or-rectangular cells (projected grids, synthetic tests).
    public static func uniform(rows: Int, dx: Double, dy: Double) -> CellMetrics {
        CellMetrics(dx: [Double](repeating: dx, count: rows), dy: [Double](repeating: dy, count: rows))
    }

    /// Per-row sizes of a geographic grid on a sphere of `radius` metres; the geotransform is in the CRS's
    /// angular unit (`unitRadians` radians each).
    public static func geographic(rows: Int, transform: GeoTransform, radius: Double, unitRadians: Double) -> CellMetrics {
        let dLat = abs(transform.pixelHeight) * unitRadians
        let dLon = abs(transform.pixelWidth) * unitRadians
        var dx = [Double](repeating: 0, count: rows)
        for r in 0..<rows {
            let lat = (transform.originY + (Double(r) + 0.5) * transform.pixelHeight) * unitRadians
            dx[r] = radius * cos(lat) * dLon
        }
        return CellMetrics(dx: dx, dy: [Double](repeating: radius * dLat, count: rows),
                           xSign: transform.pixelWidth < 0 ? -1 : 1, ySign: transform.pixelHeight > 0 ? -1 : 1)
    }

    /// Rows `range` of these metrics.
    public func rows(_ range: Range<Int>) -> CellMetrics {
        CellMetrics(dx: Array(dx[range]), dy: Array(dy[range]), xSign: xSign, ySign: ySign)
    }
}
