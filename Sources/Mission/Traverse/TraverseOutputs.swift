import Foundation
import GeoRaster

/// Writes a traverse's outputs into a folder, all together or none (`OutputSet`): cost_distance.tif,
/// travel_time_h.tif and safe_haven.tif (time-dependent runs), and with targets route.geojson,
/// route.gpkg (routes as LineStrings and their vertices as points, in the DEM's CRS), route.csv and
/// report.html (the route profiles: elevation, slope, sunlight and links against distance).
public enum TraverseOutputs {
    /// The files a run writes.
    public static func fileNames(timed: Bool, routes: Bool) -> [String] {
        ["cost_distance.tif"] + (timed ? ["travel_time_h.tif", "travel_time_lower_h.tif", "safe_haven.tif"] : [])
            + (routes ? ["route.geojson", "route.gpkg", "route.csv"] : []) + ["report.html"]
    }

    /// Upper bound of the bytes written for `window`.
    public static func estimatedBytes(window: RasterWindow, timed: Bool, options: RasterWriteOptions) -> Int64 {
        Int64(timed ? 4 : 1) * options.estimatedBytes(width: window.width, height: window.height, bands: 1) + (8 << 20)
    }

    public static func write(_ result: TraverseResult, request: TraverseRequest, directory: String, options: RasterWriteOptions) throws {
        let timed = result.travelTimeHours != nil
        guard let set = options.outputSet else {
            var options = options
            let set = try OutputSet(directory: directory, targets: fileNames(timed: timed, routes: !result.routes.isEmpty),
                                    estimatedBytes: estimatedBytes(window: result.window, timed: timed, options: options))
            options.outputSet = set
            return try set.run { try write(result, request: request, directory: directory, options: options) }
        }
        let rover = request.rover
        var rasters: [(name: String, grid: Grid, band: BandSpec)] = [
            ("cost_distance.tif", result.cost, BandSpec(description: "rover \(rover.name): \(rover.motion.objective.rawValue) cost from the origin", unit: rover.costUnit)),
        ]
        if let t = result.travelTimeHours {
            rasters.append(("travel_time_h.tif", t, BandSpec(description: "earliest arrival after the window's start (sunlight and link rules)", unit: "h")))
        }
        if let t = result.travelTimeLowerHours {
            rasters.append(("travel_time_lower_h.tif", t, BandSpec(description: "lower bound of the earliest arrival (equal to travel_time_h where proven; else parking allowed anywhere)", unit: "h")))
        }
        if let h = result.safeHavens {
            rasters.append(("safe_haven.tif", h, BandSpec(description: "1 where a parked rover survives every night and blackout of the window", unit: "1")))
        }
        var rasterOptions = options
        rasterOptions.metadata.merge(metadata(request)) { $1 }
        try OutputSet.writeRasters(rasters, directory: directory, geometry: result.geometry, options: rasterOptions)
        let dir = URL(fileURLWithPath: directory)
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        if !result.routes.isEmpty {
            let crs = try SpatialReference(definition: result.geometry.crsWKT).identified()
            try VectorWriter.write([mixedLayer(result.routes)], to: path("route.geojson"), crs: crs, driver: "GeoJSON", outputSet: set)
            try VectorWriter.write([lineLayer(result.routes), vertexLayer(result.routes)], to: path("route.gpkg"), crs: crs, outputSet: set)
            try set.write(Data(csv(result.routes).utf8), to: path("route.csv"))
        }
        try set.write(Data(TraverseReport.render(result, request: request).utf8), to: path("report.html"))
    }

    /// GeoTIFF metadata: the rover, moves and window.
    static func metadata(_ request: TraverseRequest) -> [String: String] {
        var m = ["ROVER": request.rover.name, "OBJECTIVE": request.rover.motion.objective.rawValue,
                 "NEIGHBOURS": "\(request.neighbourhood.count)", "ORIGIN": request.origin.description]
        if let t = request.time { m.merge(t.metadata) { $1 } }
        if let c = request.maxCost { m["MAX_COST"] = "\(c)" }
        return m
    }

    static let vertexFields = ["target", "seq", "lat", "lon", "x", "y", "elevation_m", "slope_deg", "grade_deg", "distance_m", "cost",
                               "arrival_h", "departure_h", "wait_h", "wait_reason", "lit", "linked", "shadow_clock_h", "link_clock_h"]

    static func vertexValues(_ route: TraverseRoute, _ i: Int) -> [FieldValue] {
        let v = route.vertices[i]
        func real(_ x: Double?) -> FieldValue { x.map { $0.isFinite ? .real($0) : .null } ?? .null }
        func flag(_ b: Bool?) -> FieldValue { b.map { .integer($0 ? 1 : 0) } ?? .null }
        return [.integer(route.targetIndex + 1), .integer(i), .real(v.lat), .real(v.lon), .real(v.x), .real(v.y), real(v.elevation),
                real(v.slopeDeg), real(v.gradeDeg), .real(v.distanceM), real(v.cost), real(v.arrivalHours), real(v.departureHours),
                real(v.waitHours), v.waitReason.map { .text($0) } ?? .null, flag(v.lit), flag(v.linked), real(v.shadowClockHours),
                real(v.linkClockHours)]
    }

    static let routeFields = ["target", "target_lat", "target_lon", "cost", "distance_m", "arrival_h", "vertices"]

    static func routeValues(_ r: TraverseRoute) -> [FieldValue] {
        [.integer(r.targetIndex + 1), .real(r.target.lat), .real(r.target.lon), .real(r.cost), .real(r.distanceM),
         r.arrivalHours.map { .real($0) } ?? .null, .integer(r.vertices.count)]
    }

    static func lineLayer(_ routes: [TraverseRoute]) -> VectorLayer {
        VectorLayer(name: "route", kind: .lineString, fieldNames: routeFields,
                    features: routes.map { VectorFeature(fields: routeValues($0), line: $0.vertices.map { ($0.x, $0.y) }) })
    }

    static func vertexLayer(_ routes: [TraverseRoute]) -> VectorLayer {
        VectorLayer(name: "vertices", kind: .point, fieldNames: vertexFields,
                    features: routes.flatMap { r in r.vertices.indices.map { VectorFeature(fields: vertexValues(r, $0), point: (r.vertices[$0].x, r.vertices[$0].y)) } })
    }

    /// GeoJSON holds one layer: the routes and their vertices together, told apart by `kind`.
    static func mixedLayer(_ routes: [TraverseRoute]) -> VectorLayer {
        let names = ["kind"] + routeFields + vertexFields.filter { !routeFields.contains($0) }
        func row(_ kind: String, _ values: [String: FieldValue]) -> [FieldValue] {
            [.text(kind)] + names.dropFirst().map { values[$0] ?? .null }
        }
        var features: [VectorFeature] = []
        for r in routes {
            features.append(VectorFeature(fields: row("route", Dictionary(uniqueKeysWithValues: zip(routeFields, routeValues(r)))),
                                          line: r.vertices.map { ($0.x, $0.y) }))
            for i in r.vertices.indices {
                features.append(VectorFeature(fields: row("vertex", Dictionary(uniqueKeysWithValues: zip(vertexFields, vertexValues(r, i)))),
                                              point: (r.vertices[i].x, r.vertices[i].y)))
            }
        }
        return VectorLayer(name: "route", kind: .mixed, fieldNames: names, features: features)
    }

    /// One row per vertex of every route.
    public static func csv(_ routes: [TraverseRoute]) -> String {
        var lines = [vertexFields.joined(separator: ",")]
        for r in routes {
            for i in r.vertices.indices {
                lines.append(vertexValues(r, i).map(\.csvText).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension FieldValue {
    /// The value as a CSV field: reals with 6 decimals, text quoted as `SiteOutputs.csvField` does, null empty.
    var csvText: String {
        switch self {
        case .integer(let v): return "\(v)"
        case .real(let v): return String(format: "%.6f", v)
        case .text(let s): return SiteOutputs.csvField(s)
        case .null: return ""
        }
    }
}
