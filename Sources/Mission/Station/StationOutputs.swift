import Foundation
import GeoRaster

/// Writes a station's layouts, all together or none (`OutputSet`): layout.gpkg (layers `elements`, points,
/// and `routes`, the rover's routes from each base to its elements, in the DEM's CRS), layout.geojson (both
/// in one layer, told apart by `kind`), layout.csv (one row per element) and report.html.
public enum StationOutputs {
    public static let fileNames = ["layout.gpkg", "layout.geojson", "layout.csv", "report.html"]

    public static func write(_ result: StationResult, profile: StationProfile, directory: String, set: OutputSet) throws {
        let dir = URL(fileURLWithPath: directory)
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let crs = try SpatialReference(definition: result.crsWKT).identified()
        try VectorWriter.write([elementLayer(result), routeLayer(result, profile: profile)], to: path("layout.gpkg"), crs: crs, outputSet: set)
        try VectorWriter.write([mixedLayer(result, profile: profile)], to: path("layout.geojson"), crs: crs, driver: "GeoJSON", outputSet: set)
        try set.write(Data(csv(result, profile: profile).utf8), to: path("layout.csv"))
        try set.write(Data(StationReport.render(result, profile: profile).utf8), to: path("report.html"))
    }

    static let elementFields = ["layout", "layout_score", "feasible", "element", "number", "lat", "lon", "x", "y", "cost", "score", "arrival_h", "wait_h", "reason"]

    static func elementValues(_ l: StationLayout, _ e: StationElement) -> [FieldValue] {
        [.integer(l.rank), l.score.isFinite ? .real(l.score) : .null, .integer(l.feasible ? 1 : 0), .text(e.kind.rawValue), .integer(e.number),
         .real(e.lat), .real(e.lon), .real(e.x), .real(e.y), .real(e.cost), .real(e.score),
         e.datedShadow?.arrivalHours.map(FieldValue.real) ?? .null, e.datedShadow?.waitHours.map(FieldValue.real) ?? .null, .text(e.reason)]
    }

    static let routeFields = ["layout", "element", "number", "cost", "distance_m", "vertices"]

    static func routes(_ result: StationResult) -> [(StationLayout, StationElement, [RouteVertex])] {
        result.layouts.flatMap { l in l.elements.compactMap { e in e.route.flatMap { $0.count >= 2 ? (l, e, $0) : nil } } }
    }

    static func routeValues(_ l: StationLayout, _ e: StationElement, _ r: [RouteVertex]) -> [FieldValue] {
        [.integer(l.rank), .text(e.kind.rawValue), .integer(e.number), .real(e.cost), .real(r.last?.distanceM ?? 0), .integer(r.count)]
    }

    static func elementLayer(_ result: StationResult) -> VectorLayer {
        VectorLayer(name: "elements", kind: .point, fieldNames: elementFields, features: result.layouts.flatMap { l in
            l.elements.map { VectorFeature(fields: elementValues(l, $0), point: ($0.x, $0.y)) }
        })
    }

    static func routeLayer(_ result: StationResult, profile: StationProfile) -> VectorLayer {
        VectorLayer(name: "routes", kind: .lineString, fieldNames: routeFields, features: routes(result).map { l, e, r in
            VectorFeature(fields: routeValues(l, e, r), line: r.map { ($0.x, $0.y) })
        })
    }

    static func mixedLayer(_ result: StationResult, profile: StationProfile) -> VectorLayer {
        let names = ["kind"] + elementFields + ["distance_m", "vertices"]
        var features: [VectorFeature] = []
        for l in result.layouts {
            for e in l.elements {
                features.append(VectorFeature(fields: [.text("element")] + elementValues(l, e) + [.null, .null], point: (e.x, e.y)))
            }
        }
        for (l, e, r) in routes(result) {
            var values = [FieldValue](repeating: .null, count: names.count)
            values[0] = .text("route")
            values[1] = .integer(l.rank)
            values[4] = .text(e.kind.rawValue)
            values[5] = .integer(e.number)
            values[10] = .real(e.cost)
            values[names.count - 2] = .real(r.last?.distanceM ?? 0)
            values[names.count - 1] = .integer(r.count)
            features.append(VectorFeature(fields: values, line: r.map { ($0.x, $0.y) }))
        }
        return VectorLayer(name: "layout", kind: .mixed, fieldNames: names, features: features)
    }

    /// One row per element of every layout, best layout first; cost in the rover's unit.
    public static func csv(_ result: StationResult, profile: StationProfile) -> String {
        var lines = [(elementFields + ["cost_unit"]).joined(separator: ",")]
        for l in result.layouts {
            for e in l.elements {
                let cells = elementValues(l, e).map(\.csvText)
                lines.append((cells + [profile.rover.costUnit]).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// report.html of a station run: the layouts ranked, each with its elements and why they were chosen.
enum StationReport {
    static func render(_ result: StationResult, profile: StationProfile) -> String {
        let esc = TraverseReport.esc
        let unit = profile.rover.costUnit
        var html = """
        <!doctype html><html><head><meta charset="utf-8"><title>FarSide station: \(esc(profile.name))</title>
        <style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}table{border-collapse:collapse;margin-bottom:1em}
        td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#eee}td.l{text-align:left}</style></head><body>
        <h1>Station layouts: \(esc(profile.name))</h1><p>\(esc(profile.description))</p>
        <p>\(result.layouts.count) layouts from \(result.feasibleBaseCount) feasible base sites; rover \(esc(profile.rover.name)), costs in \(unit);
        weights base \(profile.weights.base), power \(profile.weights.power), comms \(profile.weights.comms), ice \(profile.weights.ice).</p>
        <table><tr><th>layout</th><th>score</th><th>base</th><th class="l">why</th></tr>
        """
        for l in result.layouts {
            html += "<tr><td>\(l.rank)</td><td>\(l.score.isFinite ? String(format: "%.4f", l.score) : "infeasible")</td><td>\(l.baseRank)</td><td class=\"l\">\(esc(l.reason))</td></tr>"
        }
        html += "</table>"
        for l in result.layouts {
            html += "<h2>Layout \(l.rank)\(l.feasible ? "" : " (infeasible)")</h2><table><tr><th>element</th><th>lat</th><th>lon</th><th>cost \(unit)</th><th>route m</th><th>score</th><th class=\"l\">why</th></tr>"
            for e in l.elements {
                html += String(format: "<tr><td>%@ %d</td><td>%.5f</td><td>%.5f</td><td>%.3f</td><td>%.0f</td><td>%.3f</td><td class=\"l\">%@</td></tr>",
                               e.kind.rawValue, e.number, e.lat, e.lon, e.cost, e.route?.last?.distanceM ?? 0, e.score, esc(e.reason))
            }
            html += "</table>"
        }
        for note in result.notes { html += "<p><i>\(esc(note))</i></p>" }
        html += "<h2>Profile</h2><pre>\(esc(profile.text))</pre></body></html>\n"
        return html
    }
}
