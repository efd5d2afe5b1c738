import Foundation

/// report.html of a traverse: the run's settings, and per route its totals, a profile picture (elevation
/// and slope against distance, with sunlight and link bands for time-dependent runs; inline SVG, no
/// external files) and its waits (where, how long, why).
enum TraverseReport {
    static func esc(_ s: String) -> String { HTMLReport.esc(s) }

    static func render(_ result: TraverseResult, request: TraverseRequest) -> String {
        let rover = request.rover
        var html = """
        <!doctype html><html><head><meta charset="utf-8"><title>FarSide traverse: \(esc(rover.name))</title>
        <style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse}
        td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#eee}td.l{text-align:left}
        svg{background:#fafafa;border:1px solid #ddd}</style></head><body>
        <h1>Traverse: rover \(esc(rover.name))</h1><p>\(esc(rover.description))</p>
        <table>
        <tr><th>origin</th><td class="l">\(request.origin)</td></tr>
        <tr><th>objective</th><td class="l">\(rover.motion.objective.rawValue) (\(rover.costUnit))</td></tr>
        <tr><th>moves</th><td class="l">\(request.neighbourhood.count) neighbours</td></tr>
        <tr><th>cells searched</th><td class="l">\(result.window.width) x \(result.window.height); \(result.passableCells) passable, \(result.reachableCells) reachable</td></tr>
        <tr><th>static search</th><td class="l">\(String(format: "%.3f s", result.searchSeconds))</td></tr>
        """
        if let t = request.time {
            html += "<tr><th>time window</th><td class=\"l\">\(t.start.utcISO8601) ... \(t.end.utcISO8601), step \(t.step) s (\(t.count) steps)</td></tr>"
            if let s = result.timeSearchSeconds { html += "<tr><th>time-dependent search</th><td class=\"l\">\(String(format: "%.3f s", s))</td></tr>" }
            if result.timeSearchSeconds != nil {
                let proof = result.arrivalCertificate.map { "\($0.proven) of \($0.reached) reached cells proven earliest; routes keep the rules" }
                    ?? "exact: every arrival is the earliest under the rules"
                html += "<tr><th>earliest arrivals</th><td class=\"l\">\(esc(proof))</td></tr>"
            }
            if let r = rover.time {
                html += "<tr><th>rules</th><td class=\"l\">drives in shadow up to \(r.maxShadowDriveHours) h, survives \(r.maxShadowHours) h parked in shadow, "
                    + "drives out of contact up to \(r.maxNoLinkDriveHours) h, link: \(r.link.rawValue), Sun at least \(r.minSunElevationDeg) deg</td></tr>"
            }
        }
        if let c = request.maxCost { html += "<tr><th>cost limit</th><td class=\"l\">\(c) \(rover.costUnit)</td></tr>" }
        html += "</table>"
        for note in result.notes { html += "<p><i>\(esc(note))</i></p>" }
        for route in result.routes {
            html += route.toShadow ? "<h2>Target \(route.targetIndex + 1): the nearest permanent shadow, \(route.target)</h2><p>"
                : "<h2>Target \(route.targetIndex + 1): \(route.target)</h2><p>"
            html += String(format: "cost %.3f %@, %.1f m, %d cells", route.cost, rover.costUnit, route.distanceM, route.vertices.count)
            if let a = route.arrivalHours { html += String(format: ", arrival %.2f h after the window's start", a) }
            html += "</p>" + profileSVG(route) + waitsTable(route)
        }
        html += "<h2>Rover profile</h2><pre>\(esc(rover.text))</pre></body></html>\n"
        return html
    }

    /// Elevation (line) and slope (bars below) against distance; sunlight and link bands when known.
    static func profileSVG(_ route: TraverseRoute) -> String {
        let v = route.vertices
        guard v.count >= 2 else { return "" }
        let W = 900.0, H = 300.0, left = 60.0, right = 20.0, top = 20.0
        let elevationH = 150.0, slopeTop = 190.0, slopeH = 50.0, bandTop = 255.0
        let dMax = max(v.last!.distanceM, 1)
        let zs = v.map(\.elevation).filter(\.isFinite)
        let zMin = zs.min() ?? 0, zMax = max((zs.max() ?? 1), zMin + 1)
        let sMax = max(v.map(\.slopeDeg).filter(\.isFinite).max() ?? 1, 1)
        func x(_ d: Double) -> Double { left + (W - left - right) * d / dMax }
        func yz(_ z: Double) -> Double { top + elevationH * (1 - (z - zMin) / (zMax - zMin)) }
        var svg = "<svg width=\"\(Int(W))\" height=\"\(Int(H))\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\">"
        let points = v.filter { $0.elevation.isFinite }.map { String(format: "%.1f,%.1f", x($0.distanceM), yz($0.elevation)) }.joined(separator: " ")
        svg += "<polyline fill=\"none\" stroke=\"#264\" stroke-width=\"1.5\" points=\"\(points)\"/>"
        svg += String(format: "<text x=\"4\" y=\"%.0f\">%.0f m</text><text x=\"4\" y=\"%.0f\">%.0f m</text>", top + 10, zMax, top + elevationH, zMin)
        svg += "<text x=\"\(Int(left))\" y=\"\(Int(top - 6))\">elevation</text>"
        for i in 1..<v.count {
            let s = v[i].slopeDeg.isFinite ? v[i].slopeDeg : 0
            let h = slopeH * s / sMax
            svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#b63\"/>", x(v[i - 1].distanceM), slopeTop + slopeH - h,
                          max(0.5, x(v[i].distanceM) - x(v[i - 1].distanceM)), h)
        }
        svg += String(format: "<text x=\"4\" y=\"%.0f\">slope</text><text x=\"4\" y=\"%.0f\">%.0f deg</text>", slopeTop + 30, slopeTop + 10, sMax)
        if v.contains(where: { $0.lit != nil }) {
            for (row, label, key) in [(0.0, "sun", \RouteVertex.lit), (18.0, "link", \RouteVertex.linked)] {
                for i in 1..<v.count {
                    let on = v[i][keyPath: key] ?? false
                    svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" fill=\"%@\"/>", x(v[i - 1].distanceM), bandTop + row,
                                  max(0.5, x(v[i].distanceM) - x(v[i - 1].distanceM)), on ? (label == "sun" ? "#fc3" : "#39f") : "#555")
                }
                svg += String(format: "<text x=\"4\" y=\"%.0f\">%@</text>", bandTop + row + 11, label)
            }
        }
        svg += String(format: "<text x=\"%.0f\" y=\"%.0f\">%.0f m</text>", W - right - 50, H - 2, dMax)
        return svg + "</svg>"
    }

    /// The route's waits: where, from when, how long, why.
    static func waitsTable(_ route: TraverseRoute) -> String {
        let waits = route.vertices.enumerated().filter { ($0.element.waitHours ?? 0) > 0 }
        guard route.vertices.contains(where: { $0.arrivalHours != nil }) else { return "" }
        guard !waits.isEmpty else { return "<p>No waits: the rover drives straight through.</p>" }
        var html = "<table><tr><th>vertex</th><th>lat</th><th>lon</th><th>distance m</th><th>arrives h</th><th>waits h</th><th>why</th></tr>"
        for (i, v) in waits {
            html += String(format: "<tr><td>%d</td><td>%.5f</td><td>%.5f</td><td>%.0f</td><td>%.2f</td><td>%.2f</td><td class=\"l\">%@</td></tr>",
                           i, v.lat, v.lon, v.distanceM, v.arrivalHours ?? .nan, v.waitHours ?? 0, esc(v.waitReason ?? ""))
        }
        return html + "</table>"
    }
}
