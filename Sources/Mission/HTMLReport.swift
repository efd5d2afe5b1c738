import Foundation
import GeoRaster

/// report.html: one self-contained page (the quicklook inlined as a data: URI, no external files or
/// scripts): the profile, the map, the ranked table with each criterion's value and contribution.
public enum HTMLReport {
    /// Text escaped for HTML content and attributes (the reports' one escaper).
    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    public static func render(_ result: RankingResult, profile: MissionProfile, grid: SiteGrid, feasibleCount: Int, quicklook: Data) -> String {
        func num(_ v: Float, _ d: Int = 3) -> String { v.isFinite ? String(format: "%.\(d)f", Double(v)) : "&ndash;" }
        var rows = ""
        let dated = result.sites.contains { $0.shadowAccess != nil }
        for s in result.sites {
            var cells = "<td>\(s.rank)</td><td>\(esc(s.name))</td><td>\(String(format: "%.4f", s.lat))</td><td>\(String(format: "%.4f", s.lon))</td>"
            cells += "<td><b>\(num(s.score))</b></td><td>\(s.feasible ? "yes" : "no")</td>"
            for k in result.labels.indices { cells += "<td>\(num(s.values[k], 2))<br><small>+\(num(s.contributions[k]))</small></td>" }
            cells += "<td>\(s.ellipseSafeFraction.map { num($0) } ?? "&ndash;")</td><td>\(esc(s.binding))</td>"
            cells += "<td>\(s.topShare.map { String(format: "%.0f %%", 100 * $0) } ?? "&ndash;")</td>"
            if dated {
                let a = s.shadowAccess
                let value = a?.arrivalHours.map { String(format: "%.2f h", $0) + (a!.proven ? "" : String(format: " (&ge; %.2f h)", a!.lowerBoundHours ?? 0)) } ?? "&ndash;"
                let wait = a?.waitHours.map { String(format: "<br><small>%.2f h waiting</small>", $0) } ?? ""
                cells += "<td>\(value)\(wait)\(a?.note.map { "<br><small>\(esc($0))</small>" } ?? "")</td>"
            }
            rows += "<tr>\(cells)</tr>\n"
        }
        let headers = ["rank", "name", "lat", "lon", "score", "feasible"] + result.labels.enumerated().map { "\($1)<br><small>w \(num(result.weights[$0], 1))</small>" }
            + ["ellipse safe", "binding", "top-K share"] + (dated ? ["to permanent shadow<br><small>leaving at the start, waits included</small>"] : [])
        let window = profile.start.map { s in "\(s.utcISO8601) &ndash; \(profile.end!.utcISO8601), step \(String(format: "%g", profile.stepSeconds)) s" } ?? "none (terrain only)"
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>FarSide: \(esc(profile.name))</title>
        <style>
        body{font-family:sans-serif;margin:2em;background:#111;color:#ddd}h1{font-weight:normal}
        table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #444;padding:4px 6px;text-align:right}
        th{background:#222}img{max-width:100%;border:1px solid #444}pre{background:#1b1b1b;padding:1em;overflow:auto}
        small{color:#999}.meta td{text-align:left}
        </style></head><body>
        <h1>FarSide site ranking: \(esc(profile.name))</h1>
        <p>\(esc(profile.description))</p>
        <table class="meta">
        <tr><td>DEM</td><td>\(esc(grid.dataset.path)) (\(grid.region.width) &times; \(grid.region.height) cells in the region window, \(esc(grid.dataset.crs.name)))</td></tr>
        <tr><td>Time window</td><td>\(window)</td></tr>
        <tr><td>Feasible cells</td><td>\(feasibleCount) of \(grid.region.cellCount)</td></tr>
        <tr><td>Coordinates</td><td>planetocentric lat/lon on IAU_2015:30100 (Moon 2015 sphere, east-positive)</td></tr>
        </table>
        <h2>Map</h2>
        <p><img alt="quicklook: hillshade, score and ranked sites" src="data:image/png;base64,\(quicklook.base64EncodedString())"></p>
        <h2>Ranked sites</h2>
        <table id="sites"><tr>\(headers.map { "<th>\($0)</th>" }.joined())</tr>
        \(rows)</table>
        <p><small>Each criterion cell: the layer value, and below it the weighted contribution to the score (contributions add up to the score).
        Binding: the hard limit that fails, or the criterion losing the most score.</small></p>
        <h2>Profile</h2>
        <pre>\(esc(profile.text))</pre>
        <p><small>FarSide \(esc(grid.dataset.metadataItem("FARSIDE_VERSION") ?? "")) &middot; \(esc(GDALEnvironment.version))</small></p>
        </body></html>
        """
    }
}
