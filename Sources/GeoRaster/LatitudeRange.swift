import Foundation

extension RasterDataset {
    /// Whether a CRS is geographic or a cylindrical projection (equirectangular, equidistant cylindrical,
    /// plate carree, Mercator, cylindrical equal area...): grids whose rows are parallels of latitude.
    public static func isLatLonLike(_ crs: SpatialReference) -> Bool {
        if crs.isGeographic { return true }
        guard let method = crs.projectionMethod?.lowercased() else { return false }
        return ["cylindrical", "equirectangular", "plate_carree", "mercator"].contains { method.contains($0) }
    }

    /// Refuses a geographic or cylindrical grid whose rows run past a pole (latitudes beyond +-90): such
    /// rows have no place on the body (negative cell widths, heights "at lat -90.3"). Edges within 1 % of
    /// a cell of the pole are accepted (PDS products round the pixel size: LDEM_4's top edge is at
    /// 90.00003 deg).
    static func checkLatitudeRange(path: String, crs: SpatialReference, transform t: GeoTransform, width: Int, height: Int) throws {
        guard isLatLonLike(crs) else { return }
        let centre = Double(width) / 2
        func lat(_ row: Double) -> Double? {
            let p = t.map(column: centre, row: row)
            if crs.isGeographic { return p.y * crs.angularUnitRadians * 180 / .pi }
            guard let transformer = try? CoordinateTransformer(crs: crs) else { return nil }
            return transformer.latLon(x: p.x, y: p.y)?.lat
        }
        guard let top = lat(0), let bottom = lat(Double(height)) else { return }
        let cell = abs(top - bottom) / Double(height)
        let tolerance = max(1e-6, 0.01 * cell)
        for edge in [top, bottom] where !(abs(edge) <= 90 + tolerance) {
            throw FarSideError.badInput(String(format: "%@: rows reach latitude %.3f, beyond %@90: a %@ grid cannot run past the pole",
                                               path, edge, edge < 0 ? "-" : "+", crs.isGeographic ? "geographic" : "cylindrical"))
        }
    }

    /// Great-circle distance between two lat/lon points (degrees) on a sphere of `radius`.
    public static func greatCircle(_ a: (lat: Double, lon: Double), _ b: (lat: Double, lon: Double), radius: Double) -> Double {
        let p1 = a.lat * .pi / 180, p2 = b.lat * .pi / 180, dl = (b.lon - a.lon) * .pi / 180
        let h = pow(sin((p2 - p1) / 2), 2) + cos(p1) * cos(p2) * pow(sin(dl / 2), 2)
        return 2 * radius * asin(min(1, h.squareRoot()))
    }

    /// True east-west and north-south cell sizes (metres on the body's sphere, whatever the CRS's own
    /// metres) of each row of `rows` at fractional column `column`; NaN where PROJ has no answer.
    public func trueCellSizes(rows: Range<Int>, column: Double, transformer: CoordinateTransformer) -> [(dx: Double, dy: Double)] {
        let t = geoTransform, R = radius
        func ll(_ c: Double, _ r: Double) -> (lat: Double, lon: Double)? {
            let p = t.map(column: c, row: r)
            return transformer.latLon(x: p.x, y: p.y)
        }
        return rows.map { r in
            let y = Double(r) + 0.5
            guard let w = ll(column - 0.5, y), let e = ll(column + 0.5, y),
                  let n = ll(column, y - 0.5), let s = ll(column, y + 0.5) else { return (.nan, .nan) }
            return (Self.greatCircle(w, e, radius: R), Self.greatCircle(n, s, radius: R))
        }
    }
}
