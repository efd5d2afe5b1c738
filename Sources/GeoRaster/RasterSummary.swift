import Foundation

/// What `farside info` reports about a DEM: size, CRS, body, metric cell sizes, lat/lon bounds,
/// nodata, scale/offset interpretation and height statistics with the places of the extremes.
public struct RasterSummary: Codable, Sendable {
    public struct Place: Codable, Sendable { public var lat: Double; public var lon: Double; public var height_m: Double }
    public struct Bounds: Codable, Sendable { public var lat_min, lat_max, lon_min, lon_max: Double }
    public struct CellSize: Codable, Sendable { public var x_min_m, x_max_m, y_m: Double }

    public var file: String
    public var driver: String
    public var width: Int
    public var height: Int
    public var crs_name: String
    public var crs_kind: String
    public var body: String
    public var radius_m: Double
    public var cell_size: CellSize
    public var bounds: Bounds
    public var nodata: Double?
    public var scale: Double
    public var offset: Double
    public var offset_is_radius: Bool
    public var valid_cells: Int
    /// False when the statistics come from a sample or an overview (the default above
    /// `RasterStatistics.exactLimit` cells, as gdalinfo -approx_stats); valid_cells is then an estimate.
    public var statistics_exact: Bool
    public var min_m: Double?
    public var max_m: Double?
    public var mean_m: Double?
    public var min_at: Place?
    public var max_at: Place?

    /// `exactStatistics`: scan every cell (else approximate above `RasterStatistics.exactLimit` cells).
    public static func make(_ dataset: RasterDataset, exactStatistics: Bool = false) throws -> RasterSummary {
        let transformer = try CoordinateTransformer(crs: dataset.crs)
        let (stats, exact) = exactStatistics ? (try RasterStatistics.compute(dataset), true) : try RasterStatistics.approximate(dataset)
        let metrics = dataset.cellMetrics
        func place(_ at: (column: Int, row: Int), _ value: Float) -> Place? {
            guard stats.validCount > 0, let ll = dataset.latLon(column: Double(at.column), row: Double(at.row), using: transformer) else { return nil }
            return Place(lat: ll.lat, lon: ll.lon, height_m: Double(value))
        }
        return RasterSummary(
            file: dataset.path, driver: dataset.driverName, width: dataset.width, height: dataset.height,
            crs_name: dataset.crs.name, crs_kind: dataset.crs.isGeographic ? "geographic" : (dataset.crs.projectionMethod ?? "projected"),
            body: dataset.body.description, radius_m: dataset.radius,
            cell_size: CellSize(x_min_m: metrics.dx.min() ?? 0, x_max_m: metrics.dx.max() ?? 0, y_m: metrics.dy.first ?? 0),
            bounds: latLonBounds(dataset, transformer: transformer),
            nodata: dataset.nodata, scale: dataset.scale, offset: dataset.declaredOffset, offset_is_radius: dataset.offsetIsRadius,
            valid_cells: stats.validCount, statistics_exact: exact,
            min_m: stats.validCount > 0 ? Double(stats.minimum) : nil, max_m: stats.validCount > 0 ? Double(stats.maximum) : nil,
            mean_m: stats.validCount > 0 ? stats.mean : nil,
            min_at: place(stats.minimumAt, stats.minimum), max_at: place(stats.maximumAt, stats.maximum))
    }

    /// Lat/lon extent from a 65 x 65 lattice over the raster (edges included), widened to a pole or to
    /// all longitudes when the raster contains a pole.
    static func latLonBounds(_ dataset: RasterDataset, transformer: CoordinateTransformer) -> Bounds {
        var b = Bounds(lat_min: 90, lat_max: -90, lon_min: 180, lon_max: -180)
        let n = 64
        for i in 0...n {
            for j in 0...n {
                let p = dataset.geoTransform.map(column: Double(dataset.width) * Double(i) / Double(n), row: Double(dataset.height) * Double(j) / Double(n))
                guard let ll = transformer.latLon(x: p.x, y: p.y) else { continue }
                b.lat_min = min(b.lat_min, ll.lat); b.lat_max = max(b.lat_max, ll.lat)
                b.lon_min = min(b.lon_min, ll.lon); b.lon_max = max(b.lon_max, ll.lon)
            }
        }
        for pole in [-90.0, 90.0] where dataset.pixel(lat: pole, lon: 0, using: transformer) != nil {
            if pole < 0 { b.lat_min = -90 } else { b.lat_max = 90 }
            b.lon_min = -180; b.lon_max = 180
        }
        return b
    }

    /// Human-readable lines.
    public var text: String {
        func f(_ v: Double?, _ digits: Int = 1) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "n/a" }
        var lines = [
            "File: \(file)", "Driver: \(driver)", "Size: \(width) x \(height)",
            "CRS: \(crs_name) (\(crs_kind)), body \(body), radius \(f(radius_m, 0)) m",
            cell_size.x_min_m == cell_size.x_max_m
                ? "Cell size: \(f(cell_size.x_min_m, 3)) x \(f(cell_size.y_m, 3)) m"
                : "Cell size: \(f(cell_size.x_min_m, 3)) ... \(f(cell_size.x_max_m, 3)) (east-west, per row) x \(f(cell_size.y_m, 3)) m",
            "Bounds: lat \(f(bounds.lat_min, 4)) ... \(f(bounds.lat_max, 4)), lon \(f(bounds.lon_min, 4)) ... \(f(bounds.lon_max, 4))",
            "Nodata: \(nodata.map { "\($0)" } ?? "none")",
            "Scale/offset: \(scale) / \(offset)" + (offset_is_radius ? " (offset is the reference radius: height = value x scale)" : ""),
            statistics_exact ? "Valid cells: \(valid_cells) of \(width * height)"
                : "Valid cells: about \(valid_cells) of \(width * height) (approximate statistics from a sample; {exactStatistics} scans every cell)",
        ]
        if let min_at, let max_at {
            lines.append("Height min: \(f(min_m)) m at lat \(f(min_at.lat, 3)), lon \(f(min_at.lon, 3))")
            lines.append("Height max: \(f(max_m)) m at lat \(f(max_at.lat, 3)), lon \(f(max_at.lon, 3))")
            lines.append("Height mean: \(f(mean_m)) m")
        }
        return lines.joined(separator: "\n")
    }
}
