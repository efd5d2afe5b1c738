import Foundation
import GeoRaster

/// The part of a DEM a profile looks at: the region's bounding window, plus a margin of terrain around it
/// for horizons (distant mountains outside the region still shade it and block links).
public struct SiteGrid: @unchecked Sendable {
    public let dataset: RasterDataset
    /// The analysis window (rows, columns of the DEM).
    public let rows: Range<Int>
    public let columns: Range<Int>
    /// The window plus the horizon margin.
    public let outerRows: Range<Int>
    public let outerColumns: Range<Int>
    public let transformer: CoordinateTransformer
    /// 1 inside the region, 0 outside (on the window).
    public let inRegion: [Bool]

    public var width: Int { columns.count }
    public var height: Int { rows.count }
    public var transform: GeoTransform { dataset.geoTransform.offset(column: columns.lowerBound, row: rows.lowerBound) }
    public var outerTransform: GeoTransform { dataset.geoTransform.offset(column: outerColumns.lowerBound, row: outerRows.lowerBound) }
    public var geometry: RasterGeometry {
        RasterGeometry(width: width, height: height, geoTransform: transform, crsWKT: dataset.crs.wkt)
    }

    /// Finds the region's window in `dataset` (exit 3 when the DEM does not cover the region).
    public init(dataset: RasterDataset, region: MissionProfile.Region, horizonMarginKm: Double) throws {
        self.dataset = dataset
        transformer = try CoordinateTransformer(crs: dataset.crs)
        let outline = Self.outline(region)
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
        rows = r0..<r1
        columns = c0..<c1
        let metrics = dataset.cellMetrics
        let cell = min(metrics.dx[(r0 + r1) / 2], metrics.dy[(r0 + r1) / 2])
        let margin = Int((horizonMarginKm * 1000 / cell).rounded(.up))
        outerRows = max(0, r0 - margin)..<min(dataset.height, r1 + margin)
        outerColumns = max(0, c0 - margin)..<min(dataset.width, c1 + margin)
        var inside = [Bool](repeating: true, count: (r1 - r0) * (c1 - c0))
        if case .whole = region {} else {
            for r in rows {
                for c in columns {
                    let ll = dataset.latLon(column: Double(c), row: Double(r), using: transformer)
                    inside[(r - r0) * (c1 - c0) + (c - c0)] = ll.map { Self.contains(region, lat: $0.lat, lon: $0.lon) } ?? false
                }
            }
        }
        inRegion = inside
        guard inside.contains(true) else { throw FarSideError.badInput("\(dataset.path): no cell centre lies inside the profile's region") }
    }

    /// Points along the region's boundary (and its centre), degrees.
    static func outline(_ region: MissionProfile.Region) -> [(lat: Double, lon: Double)] {
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
        case let .circle(lat, lon, radiusKm):
            var points = [(lat: lat, lon: lon)]
            let d = radiusKm / 1737.4, p1 = lat * .pi / 180, l1 = lon * .pi / 180
            for k in 0..<360 {
                let bearing = Double(k) * .pi / 180
                let p2 = asin(sin(p1) * cos(d) + cos(p1) * sin(d) * cos(bearing))
                let l2 = l1 + atan2(sin(bearing) * sin(d) * cos(p1), cos(d) - sin(p1) * sin(p2))
                points.append((p2 * 180 / .pi, l2 * 180 / .pi))
            }
            return points
        }
    }

    /// Whether a point lies inside the region.
    static func contains(_ region: MissionProfile.Region, lat: Double, lon: Double) -> Bool {
        switch region {
        case .whole:
            return true
        case let .box(latMin, latMax, lonMin, lonMax):
            guard lat >= latMin, lat <= latMax else { return false }
            for l in [lon, lon + 360, lon - 360] where l >= lonMin && l <= lonMax { return true }
            return false
        case let .circle(clat, clon, radiusKm):
            let p1 = clat * .pi / 180, p2 = lat * .pi / 180, dl = (lon - clon) * .pi / 180
            let h = pow(sin((p2 - p1) / 2), 2) + cos(p1) * cos(p2) * pow(sin(dl / 2), 2)
            return 2 * 1737.4 * asin(min(1, h.squareRoot())) <= radiusKm
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
