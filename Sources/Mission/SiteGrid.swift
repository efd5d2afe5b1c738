import Foundation
import GeoRaster

/// The part of a DEM a profile looks at: the region's bounding window (or a tile of it, `restricted(to:)`),
/// and which of its cells lie inside the region. Horizons add their own margin of terrain around it
/// (`HorizonSettings`).
public struct SiteGrid: @unchecked Sendable {
    public let dataset: RasterDataset
    /// The region's bounding window in DEM cells (ranks and candidates count rows and columns from it).
    public let region: RasterWindow
    /// The analysis window (rows, columns of the DEM): the region's window, or a tile of it.
    public let rows: Range<Int>
    public let columns: Range<Int>
    public let transformer: CoordinateTransformer
    /// 1 inside the region, 0 outside (on the window).
    public let inRegion: [Bool]
    /// Metric cell sizes per row of the whole DEM for ranking (slopes, ellipses, separations, distances):
    /// true sizes on the body's sphere on geographic and cylindrical grids (a cylindrical projection's
    /// metres are true only on its standard parallel: near the pole LDEM_4's 7.6 km columns are 30 m
    /// wide on the ground), else the grid's own (`--distances`).
    public let cellMetrics: CellMetrics

    public var width: Int { columns.count }
    public var height: Int { rows.count }
    public var transform: GeoTransform { dataset.geoTransform.offset(column: columns.lowerBound, row: rows.lowerBound) }
    /// The window in DEM cells.
    public var window: RasterWindow { RasterWindow(rows: rows, columns: columns) }
    public var geometry: RasterGeometry {
        RasterGeometry(width: width, height: height, geoTransform: transform, crsWKT: dataset.crs.wkt)
    }

    /// Finds the region's window in `dataset` (exit 3 when the DEM does not cover the region); the grid
    /// covers that window, or only its part inside `limit` (a tile and its halo: region membership is then
    /// computed for those cells only).
    public init(dataset: RasterDataset, region: MissionProfile.Region, limit: RasterWindow? = nil) throws {
        self.dataset = dataset
        transformer = try CoordinateTransformer(crs: dataset.crs)
        let radiusKm = dataset.radius / 1000
        var outline = Self.outline(region, radiusKm: radiusKm)
        // A region containing a pole: its boundary never reaches the pole, but its window must (on a
        // geographic or cylindrical grid the pole is an edge row).
        for pole in [-90.0, 90.0] where !outline.isEmpty && Self.contains(region, lat: pole, lon: 0, radiusKm: radiusKm) {
            outline += stride(from: -180.0, to: 180, by: 15).map { (pole, $0) }
        }
        var minC = Double.infinity, maxC = -Double.infinity, minR = Double.infinity, maxR = -Double.infinity
        if outline.isEmpty {
            (minC, maxC, minR, maxR) = (0, Double(dataset.width), 0, Double(dataset.height))
        }
        for p in outline {
            // The longitude variant that lands inside (grids running 0..360), else the first that maps.
            var best: (column: Double, row: Double)?
            for lon in [p.lon, p.lon + 360, p.lon - 360] {
                guard let m = transformer.map(lat: p.lat, lon: lon) else { continue }
                let px = dataset.geoTransform.pixel(x: m.x, y: m.y)
                if best == nil { best = px }
                if px.column >= 0, px.column <= Double(dataset.width), px.row >= 0, px.row <= Double(dataset.height) { best = px; break }
            }
            guard let b = best else { continue }
            minC = min(minC, b.column); maxC = max(maxC, b.column); minR = min(minR, b.row); maxR = max(maxR, b.row)
        }
        let c0 = max(0, Int(minC.rounded(.down))), c1 = min(dataset.width, Int(maxC.rounded(.up)))
        let r0 = max(0, Int(minR.rounded(.down))), r1 = min(dataset.height, Int(maxR.rounded(.up)))
        guard c0 < c1, r0 < r1 else { throw FarSideError.badInput("\(dataset.path): does not cover the profile's region") }
        let regionWindow = RasterWindow(rows: r0..<r1, columns: c0..<c1)
        self.region = regionWindow
        // An empty limit: the region's corner cell only (`bounds`).
        let window = limit.map { $0.isEmpty ? RasterWindow(column: regionWindow.column, row: regionWindow.row, width: 1, height: 1)
                                            : regionWindow.intersection($0) } ?? regionWindow
        guard !window.isEmpty else { throw FarSideError.badInput("\(dataset.path): the window \(limit!) lies outside the profile's region") }
        rows = window.rows
        columns = window.columns
        var metrics = dataset.cellMetrics
        if dataset.crs.isProjected && RasterDataset.isLatLonLike(dataset.crs) {
            let sizes = dataset.trueCellSizes(rows: 0..<dataset.height, column: Double(dataset.width) / 2, transformer: transformer)
            for (r, s) in sizes.enumerated() where s.dx > 0 && s.dy > 0 { metrics.dx[r] = s.dx; metrics.dy[r] = s.dy }
        }
        cellMetrics = metrics
        var inside = [Bool](repeating: true, count: window.cellCount)
        if case .whole = region {} else {
            for r in window.rows {
                for c in window.columns {
                    let ll = dataset.latLon(column: Double(c), row: Double(r), using: transformer)
                    inside[(r - window.row) * window.width + (c - window.column)] = ll.map { Self.contains(region, lat: $0.lat, lon: $0.lon, radiusKm: radiusKm) } ?? false
                }
            }
        }
        inRegion = inside
        guard limit != nil || inside.contains(true) else { throw FarSideError.badInput("\(dataset.path): no cell centre lies inside the profile's region") }
    }

    /// The region's window, metrics and transformer, without the region membership of its cells (a grid of
    /// the region's corner cell).
    public static func bounds(dataset: RasterDataset, region: MissionProfile.Region) throws -> SiteGrid {
        try SiteGrid(dataset: dataset, region: region, limit: RasterWindow(column: 0, row: 0, width: 0, height: 0))
    }

    private init(dataset: RasterDataset, region: RasterWindow, rows: Range<Int>, columns: Range<Int>, transformer: CoordinateTransformer,
                 inRegion: [Bool], cellMetrics: CellMetrics) {
        self.dataset = dataset
        self.region = region
        self.rows = rows
        self.columns = columns
        self.transformer = transformer
        self.inRegion = inRegion
        self.cellMetrics = cellMetrics
    }

    /// The part of this grid inside `window` (DEM cells): a tile of the region, with the same metrics and
    /// region membership per cell.
    public func restricted(to window: RasterWindow) -> SiteGrid {
        let w = window.intersection(self.window)
        var inside = [Bool](repeating: false, count: w.cellCount)
        for r in 0..<w.height {
            let from = (w.row + r - rows.lowerBound) * columns.count + (w.column - columns.lowerBound)
            for c in 0..<w.width { inside[r * w.width + c] = inRegion[from + c] }
        }
        return SiteGrid(dataset: dataset, region: region, rows: w.rows, columns: w.columns, transformer: transformer, inRegion: inside, cellMetrics: cellMetrics)
    }

    /// Points along the region's boundary (and its centre), degrees, on the body's sphere of `radiusKm`.
    static func outline(_ region: MissionProfile.Region, radiusKm: Double) -> [(lat: Double, lon: Double)] {
        switch region {
        case .whole:
            return []
        case let .box(latMin, latMax, lonMin, lonMax):
            var points: [(lat: Double, lon: Double)] = []
            for k in 0...64 {
                let f = Double(k) / 64
                let lat = latMin + (latMax - latMin) * f, lon = lonMin + (lonMax - lonMin) * f
                points += [(lat, lonMin), (lat, lonMax), (latMin, lon), (latMax, lon)]
            }
            return points
        case let .circle(lat, lon, regionRadiusKm):
            let d = regionRadiusKm / radiusKm
            return [(lat: lat, lon: lon)] + (0..<360).map { k in
                GreatCircle.destination(lat: lat, lon: lon, bearing: Double(k) * .pi / 180, angle: d)
            }
        }
    }

    /// Whether a point lies inside the region (circles measured on the body's sphere of `radiusKm`).
    static func contains(_ region: MissionProfile.Region, lat: Double, lon: Double, radiusKm: Double) -> Bool {
        switch region {
        case .whole:
            return true
        case let .box(latMin, latMax, lonMin, lonMax):
            guard lat >= latMin, lat <= latMax else { return false }
            for l in [lon, lon + 360, lon - 360] where l >= lonMin && l <= lonMax { return true }
            return false
        case let .circle(clat, clon, regionRadiusKm):
            return GreatCircle.distance(lat1: clat, lon1: clon, lat2: lat, lon2: lon, radius: radiusKm) <= regionRadiusKm
        }
    }

    /// Lat/lon (degrees) of a window cell's centre.
    public func latLon(row: Int, column: Int) -> (lat: Double, lon: Double)? {
        dataset.latLon(column: Double(columns.lowerBound + column), row: Double(rows.lowerBound + row), using: transformer)
    }

    /// Map x, y of a window cell's centre.
    public func mapXY(row: Int, column: Int) -> (x: Double, y: Double) {
        transform.map(column: Double(column) + 0.5, row: Double(row) + 0.5)
    }
}
