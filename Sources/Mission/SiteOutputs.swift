import Foundation
import GeoRaster

/// Writes a ranking's outputs into a folder: sites.csv, sites.geojson, sites.gpkg (points and landing
/// ellipses in the Moon 2015 geographic CRS), score.tif, feasible.tif, quicklook.png and a self-contained
/// report.html. The whole set appears together or not at all: every file goes to a temporary name in an
/// `OutputSet` (the caller's, `options.outputSet`, created before the work; else one made here), which
/// renames them all into place at the end.
public enum SiteOutputs {
    /// The files `write` produces.
    public static let fileNames = ["sites.csv", "sites.geojson", "sites.gpkg", "score.tif", "feasible.tif", "quicklook.png", "report.html"]

    /// Upper bound of the bytes written for a grid of `width` x `height` cells (two Float32 rasters; the
    /// vector, image and report files are small against them).
    public static func estimatedBytes(width: Int, height: Int, options: RasterWriteOptions) -> Int64 {
        2 * options.estimatedBytes(width: width, height: height, bands: 1) + Int64(width) * Int64(height) * 4 + (4 << 20)
    }

    public static func write(_ result: RankingResult, profile: MissionProfile, grid: SiteGrid, dem: Grid,
                             directory: String, options: RasterWriteOptions) throws {
        if options.outputSet == nil {
            var options = options
            let set = try OutputSet(directory: directory, targets: fileNames,
                                    estimatedBytes: estimatedBytes(width: grid.width, height: grid.height, options: options))
            options.outputSet = set
            return try set.run { try write(result, profile: profile, grid: grid, dem: dem, directory: directory, options: options) }
        }
        let set = options.outputSet!
        let dir = URL(fileURLWithPath: directory)
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        var writers: [RasterWriter] = []
        do {
            for (name, g, description) in [("score", result.score, "weighted score 0..1 (NaN where a layer is nodata)"),
                                           ("feasible", result.feasible, "1 where every hard limit, the region and the landing ellipse are met")] {
                let w = try RasterWriter(path: path("\(name).tif"), geometry: grid.geometry, bands: [BandSpec(description: description)],
                                         nodata: -9999, options: options)
                writers.append(w)
                try w.write(g, row: 0)
            }
            for w in writers { try w.commit() }
        } catch {
            writers.forEach { $0.abort() }
            throw error
        }
        let image = Quicklook.render(dem: dem, score: result.score, feasible: result.feasible, sites: result.sites, grid: grid)
        try writeReports(result, profile: profile, grid: grid, feasibleCount: result.feasible.values.reduce(0) { $0 + ($1 == 1 ? 1 : 0) },
                         quicklook: image, set: set, directory: directory)
    }

    /// The files besides the score and feasibility rasters.
    public static let reportNames = ["sites.csv", "sites.geojson", "sites.gpkg", "quicklook.png", "report.html"]

    /// Writes `reportNames` into `set` (the sites as CSV, GeoJSON and GeoPackage, the quicklook, the report).
    public static func writeReports(_ result: RankingResult, profile: MissionProfile, grid: SiteGrid, feasibleCount: Int, quicklook: RGBImage,
                                    set: OutputSet, directory: String) throws {
        let dir = URL(fileURLWithPath: directory)
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        try set.write(Data(csv(result).utf8), to: path("sites.csv"))
        try set.write(Data(geojson(result, profile: profile).utf8), to: path("sites.geojson"))
        try VectorWriter.write(vectorLayers(result, profile: profile, radius: grid.dataset.radius), to: path("sites.gpkg"), crs: SpatialReference.moonGeographic(),
                               outputSet: set)
        let png = try quicklook.pngData()
        try set.write(png, to: path("quicklook.png"))
        try set.write(Data(HTMLReport.render(result, profile: profile, grid: grid, feasibleCount: feasibleCount, quicklook: png).utf8),
                      to: path("report.html"))
    }

    static func f(_ v: Double, _ digits: Int = 6) -> String { v.isFinite ? String(format: "%.\(digits)f", v) : "" }
    static func f(_ v: Float, _ digits: Int = 6) -> String { f(Double(v), digits) }

    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// One row per site: rank, name, lat, lon (IAU_2015:30100, east-positive), map x, y, score, feasible,
    /// each criterion's value and weighted contribution, the ellipse's safe fraction, the binding criterion,
    /// and the sensitivity columns when computed.
    public static func csv(_ result: RankingResult) -> String {
        var header = ["rank", "name", "lat", "lon", "x", "y", "score", "feasible"]
        for label in result.labels { header += ["\(label)", "\(label)_contribution"] }
        header += ["ellipse_safe_fraction", "binding", "top_k_share", "mean_rank"]
        let dated = result.sites.contains { $0.shadowAccess != nil }
        if dated { header += ShadowAccess.fieldNames }
        var lines = [header.map(csvField).joined(separator: ",")]
        for s in result.sites {
            var row = ["\(s.rank)", s.name, f(s.lat), f(s.lon), f(s.x, 2), f(s.y, 2), f(s.score, 5), s.feasible ? "1" : "0"]
            for k in result.labels.indices { row += [f(s.values[k], 5), f(s.contributions[k], 5)] }
            row += [s.ellipseSafeFraction.map { f($0, 4) } ?? "", s.binding, s.topShare.map { f($0, 3) } ?? "", s.meanRank.map { f($0, 2) } ?? ""]
            if dated {
                let a = s.shadowAccess, digits = [3, 3, 3, 6, 6]   // (hours to the 3.6 s; degrees as the site's)
                row += zip((a ?? ShadowAccess()).numbers, digits).map { v, d in v.map { f($0, d) } ?? "" } + [a?.note ?? ""]
            }
            lines.append(row.map(csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// GeoJSON FeatureCollection of the sites, [lon, lat] on the Moon. RFC 7946 assumes WGS 84, so the
    /// lunar CRS is named in a foreign member ("farside:crs") and the legacy "crs" member.
    public static func geojson(_ result: RankingResult, profile: MissionProfile) -> String {
        var features: [[String: Any]] = []
        for s in result.sites {
            var props: [String: Any] = ["rank": s.rank, "name": s.name, "score": Double(s.score).isFinite ? Double(s.score) : NSNull(),
                                        "feasible": s.feasible, "binding": s.binding]
            for (k, label) in result.labels.enumerated() {
                props[label] = Double(s.values[k]).isFinite ? Double(s.values[k]) : NSNull()
                props["\(label)_contribution"] = Double(s.contributions[k]).isFinite ? Double(s.contributions[k]) : NSNull()
            }
            if let e = s.ellipseSafeFraction, e.isFinite { props["ellipse_safe_fraction"] = Double(e) }
            if let t = s.topShare { props["top_k_share"] = t }
            if let m = s.meanRank { props["mean_rank"] = m }
            if let a = s.shadowAccess {
                for (name, value) in zip(ShadowAccess.fieldNames, a.numbers) {
                    props[name] = value.map { $0 as Any } ?? NSNull()
                }
                props["psr_dated_note"] = a.note ?? NSNull()
            }
            features.append(["type": "Feature", "geometry": ["type": "Point", "coordinates": [s.lon, s.lat]], "properties": props])
        }
        let collection: [String: Any] = [
            "type": "FeatureCollection", "name": "sites",
            "farside:crs": "IAU_2015:30100", "farside:body": "Moon", "farside:profile": profile.name,
            "crs": ["type": "name", "properties": ["name": "urn:ogc:def:crs:IAU:2015:30100"]],
            "features": features,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: collection, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Points and landing-ellipse polygons (ellipses traced on the sphere around each site).
    static func vectorLayers(_ result: RankingResult, profile: MissionProfile, radius: Double) -> [VectorLayer] {
        let dated = result.sites.contains { $0.shadowAccess != nil }
        let names = ["rank", "name", "score", "feasible", "binding"] + result.labels + (dated ? ShadowAccess.fieldNames : [])
        func fields(_ s: SiteReport) -> [FieldValue] {
            var f: [FieldValue] = [.integer(s.rank), .text(s.name), .real(Double(s.score)), .integer(s.feasible ? 1 : 0), .text(s.binding)]
                + s.values.map { .real(Double($0)) }
            if dated {
                let a = s.shadowAccess
                f += (a ?? ShadowAccess()).numbers.map { $0.map(FieldValue.real) ?? .null } + [a?.note.map(FieldValue.text) ?? .null]
            }
            return f
        }
        let points = VectorLayer(name: "sites", kind: .point, fieldNames: names,
                                 features: result.sites.map { VectorFeature(fields: fields($0), point: ($0.lon, $0.lat)) })
        var layers = [points]
        if let e = profile.ellipse {
            let polygons = result.sites.map { s -> VectorFeature in
                VectorFeature(fields: fields(s), ring: ellipseRing(lat: s.lat, lon: s.lon, ellipse: e, radius: radius))
            }
            layers.append(VectorLayer(name: "landing_ellipses", kind: .polygon, fieldNames: names, features: polygons))
        }
        return layers
    }

    /// The ellipse's outline as lon/lat points: for each angle, the ellipse radius along that bearing from
    /// the centre, moved along a great circle of the body's sphere of `radius` metres (the DEM CRS's).
    static func ellipseRing(lat: Double, lon: Double, ellipse e: MissionProfile.Ellipse, radius: Double = CelestialBody.moonRadius,
                            points: Int = 72) -> [(x: Double, y: Double)] {
        (0..<points).map { k in
            let t = Double(k) / Double(points) * 2 * .pi          // angle from the major axis
            let r = e.semiMajorM * e.semiMinorM / ((e.semiMinorM * cos(t)).magnitudeSquared + (e.semiMajorM * sin(t)).magnitudeSquared).squareRoot()
            let bearing = e.azimuthDeg * .pi / 180 + t
            let p = GreatCircle.destination(lat: lat, lon: lon, bearing: bearing, angle: r / radius)
            return (CoordinateTransformer.wrapLongitude(p.lon), p.lat)
        }
    }
}

extension Double {
    var magnitudeSquared: Double { self * self }
}
