import Foundation
import GeoRaster
import TestSupport
import XCTest

/// `traverse --to-psr` and rank's dated way to permanent shadow (psr_dated_h) on a 20 m south-polar
/// synthetic over one month, checked against `farside illumination`'s sun fraction on the same window
/// (permanent shadow = 0) and the traverse's own full rasters: the route ends in the shadowed cell with
/// the least travel time (time rover) or the least cost (distance rover), and a rank site's dated value
/// is the arrival of a traverse from that site.
final class ShadowRouteTests: XCTestCase {
    var folder: URL!
    override func setUp() { folder = TestSupport.scratchDirectory("shadow-route") }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    let window = ["--start", "2027-01-01T00:00:00Z", "--end", "2027-01-31T00:00:00Z", "--step", "1h", "--azimuths", "90"]
    /// A flat, lit cell 300-500 m from the nearest permanent shadow.
    let origin = "-89.949114,-62.604633"

    func synth() throws {
        let r = try FarSideBinary.run(["synth", "--preset", "south-pole", "--size", "160", "--resolution", "20", "-o", path("dem.tif"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    /// Permanent shadow over the window at `height` metres: sun fraction 0 (`farside illumination`).
    func shadow(height: String) throws -> [Bool] {
        let r = try FarSideBinary.run(["illumination", path("dem.tif"), "-o", path("sun-\(height)"), "--height-m", height, "--quiet"] + window)
        XCTAssertEqual(r.status, 0, r.stderr)
        return try TestSupport.readRaster(path("sun-\(height)/sun_fraction.tif")).values.map { $0 == 0 }
    }

    func csvRows(_ file: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
    }

    /// The least value of `grid` over `cells` (NaN: unreachable), and where.
    func least(_ grid: Grid, over cells: [Bool]) -> (value: Float, index: Int) {
        var best = (value: Float.infinity, index: -1)
        for i in cells.indices where cells[i] && grid.values[i].isFinite && grid.values[i] < best.value { best = (grid.values[i], i) }
        return best
    }

    func cellIndex(_ row: [String: String]) -> Int {
        let x = Double(row["x"]!)!, y = Double(row["y"]!)!
        return Int(((1600 - y) / 20).rounded(.down)) * 160 + Int(((x + 1600) / 20).rounded(.down))
    }

    func testTimedRouteEndsAtTheEarliestShadowedCellAndWaitsAtItsBase() throws {
        try synth()
        let psr = try shadow(height: "2")   // viper-class's mast height
        XCTAssertGreaterThan(psr.filter { $0 }.count, 50)
        let r = try FarSideBinary.run(["traverse", path("dem.tif"), "-o", path("viper"), "--from", origin, "--to-psr", "--rover", "viper-class", "--quiet"] + window)
        XCTAssertEqual(r.status, 0, r.stderr)
        let vertices = try csvRows(path("viper/route.csv"))
        let last = try XCTUnwrap(vertices.last)
        XCTAssertTrue(psr[cellIndex(last)], "the route ends in permanent shadow")
        for v in vertices.dropLast() { XCTAssertFalse(psr[cellIndex(v)], "it stops at the first shadowed cell") }
        let travel = try TestSupport.readRaster(path("viper/travel_time_h.tif"))
        let earliest = least(travel, over: psr)
        XCTAssertEqual(Double(last["arrival_h"]!)!, Double(earliest.value), accuracy: 1e-4, "the earliest arrival over every shadowed cell")
        // The Earth is below this ground's horizon for the first ~10 days of January 2027: the rover sits
        // them out at its base and drives to shadow when the link returns.
        let wait = Double(vertices[0]["wait_h"]!)!
        XCTAssertGreaterThan(wait, 200)
        XCTAssertTrue(vertices[0]["wait_reason"]!.contains("haven"), vertices[0]["wait_reason"]!)
        XCTAssertEqual(Double(last["arrival_h"]!)!, wait + Double(last["cost"]!)!, accuracy: 0.02, "waits then drives without stopping")
    }

    func testStaticRouteEndsAtTheCheapestShadowedCell() throws {
        try synth()
        let psr = try shadow(height: "0")   // the distance rover has no mast: horizons at the ground
        let r = try FarSideBinary.run(["traverse", path("dem.tif"), "-o", path("distance"), "--from", origin, "--to-psr", "--neighbours", "16", "--quiet"] + window)
        XCTAssertEqual(r.status, 0, r.stderr)
        let last = try XCTUnwrap(try csvRows(path("distance/route.csv")).last)
        let cost = try TestSupport.readRaster(path("distance/cost_distance.tif"))
        let cheapest = least(cost, over: psr)
        XCTAssertTrue(psr[cellIndex(last)])
        XCTAssertEqual(Double(last["cost"]!)!, Double(cheapest.value), accuracy: 1e-3)
        XCTAssertGreaterThan(cheapest.value, 100)
        // Bad uses: no window (exit 2), no shadow within the cost limit (exit 3), one line each.
        var bad = try FarSideBinary.run(["traverse", path("dem.tif"), "-o", path("bad"), "--from", origin, "--to-psr", "--quiet"])
        XCTAssertEqual(bad.status, 2, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("--to-psr"), bad.stderr)
        bad = try FarSideBinary.run(["traverse", path("dem.tif"), "-o", path("bad"), "--from", origin, "--to-psr", "--max-cost", "60", "--quiet"] + window)
        XCTAssertEqual(bad.status, 3, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("no permanently shadowed cell"), bad.stderr)
        XCTAssertEqual(bad.stderr.split(separator: "\n").count, 1, bad.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("bad/cost_distance.tif")))
    }

    /// rank with psr_traverse_h and a timed rover: each site's psr_dated_h is the arrival of a traverse
    /// from the site (16 neighbours, the profile's window) to the nearest shadow, and at least its driving
    /// time (the psr_traverse_h layer scored). The profile wants sites at least 0.3 h of driving from
    /// shadow, so that the drive needs the Earth link.
    func testRankSitesCarryTheirDatedWayToShadow() throws {
        try synth()
        try """
        name: dated-ice
        description: sunlit flat ground near permanent shadow, by a VIPER-class rover's time
        region: {lat: -89.95, lon: -40, radius_km: 0.8}
        time: {start: 2027-01-01T00:00:00Z, end: 2027-01-31T00:00:00Z, step: 1h}
        height_m: 2
        azimuths: 90
        criteria:
          - {layer: slope, max: 12, membership: {linear: [12, 2]}, weight: 1}
          - {layer: sun_fraction, membership: {linear: [0.2, 0.8]}, weight: 1}
          - {layer: psr_traverse_h, min: 0.3, max: 6, membership: {linear: [0.3, 1]}, weight: 1}
        rover: viper-class
        ranking: {count: 2, min_separation_m: 400}
        """.write(toFile: path("dated.yaml"), atomically: true, encoding: .utf8)
        let r = try FarSideBinary.run(["rank", "--profile", path("dated.yaml"), "--dem", path("dem.tif"), "-o", path("rank"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let sites = try csvRows(path("rank/sites.csv"))
        XCTAssertEqual(sites.count, 2)
        // Drives of more than viper-class's 15 minutes out of contact wait for the Earth (~237 h here).
        XCTAssertTrue(sites.contains { Double($0["psr_dated_wait_h"]!)! > 200 }, "\(sites)")
        for site in sites {
            let dated = try XCTUnwrap(Double(site["psr_dated_h"]!), "\(site)")
            XCTAssertGreaterThanOrEqual(dated, Double(site["psr_traverse_h"]!)! - 1e-3)
            XCTAssertEqual(Double(site["psr_dated_lower_h"]!)!, dated, accuracy: 1e-6, "proven earliest on this small grid")
            let from = "\(site["lat"]!),\(site["lon"]!)"
            let t = try FarSideBinary.run(["traverse", path("dem.tif"), "-o", path("from-\(site["rank"]!)"), "--from", from, "--to-psr", "--rover", "viper-class",
                                           "--neighbours", "16", "--max-cost", "1000", "--quiet"] + window)
            XCTAssertEqual(t.status, 0, t.stderr)
            let last = try XCTUnwrap(try csvRows(path("from-\(site["rank"]!)/route.csv")).last)
            XCTAssertEqual(Double(last["arrival_h"]!)!, dated, accuracy: 1e-3, "site \(site["rank"]!)")
        }
    }

    /// station with a timed rover: the ice element's arrival_h is the arrival of a traverse from the base to
    /// the nearest shadow over the profile's window (16 neighbours, the ice limit's reach), at least its
    /// static driving time (cost).
    func testStationIceCarriesItsDatedArrival() throws {
        try synth()
        try """
            name: timed-rover
            objective: time
            cells: {max_slope_deg: 25, enter_psr: true}
            moves: {max_grade_deg: 25, speed_mps: [[-25, 0.1], [0, 0.2], [25, 0.05]]}
            time: {min_sun_elevation_deg: 1, max_shadow_drive_h: 2, max_shadow_h: 50, max_no_link_drive_h: 0.1, link: earth, height_m: 2}
            """.write(toFile: path("rover.yaml"), atomically: true, encoding: .utf8)
        let profile = StationFixtures.profile(rover: path("rover.yaml"))
            .replacingOccurrences(of: "time: {start: 2027-01-01T00:00:00Z, duration_h: 48, step: 4h}",
                                  with: "time: {start: 2027-01-01T00:00:00Z, end: 2027-01-31T00:00:00Z, step: 1h}")
            .replacingOccurrences(of: "azimuths: 16", with: "azimuths: 90")
            .replacingOccurrences(of: "radius_km: 1.2", with: "radius_km: 0.8")
        XCTAssertTrue(profile.contains("end: 2027-01-31"))
        try profile.write(toFile: path("station.yaml"), atomically: true, encoding: .utf8)
        let r = try FarSideBinary.run(["station", "--profile", path("station.yaml"), "--dem", path("dem.tif"), "-o", path("station"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try csvRows(path("station/layout.csv"))
        let ice = rows.filter { $0["element"] == "ice" }
        XCTAssertFalse(ice.isEmpty)
        for row in ice {
            let arrival = try XCTUnwrap(Double(row["arrival_h"]!), "\(row)")
            XCTAssertGreaterThanOrEqual(arrival, Double(row["cost"]!)! - 1e-3)
            XCTAssertTrue(row["reason"]!.contains("leaving the base at the window's start"), row["reason"]!)   // (the CSV split stops at its first comma)
            let base = try XCTUnwrap(rows.first { $0["layout"] == row["layout"] && $0["element"] == "base" })
            let out = path("from-base-\(row["layout"]!)")
            let t = try FarSideBinary.run(["traverse", path("dem.tif"), "-o", out, "--from", "\(base["lat"]!),\(base["lon"]!)", "--to-psr",
                                           "--rover", path("rover.yaml"), "--neighbours", "16", "--max-cost", "3", "--quiet"] + window)
            XCTAssertEqual(t.status, 0, t.stderr)
            let last = try XCTUnwrap(try csvRows(out + "/route.csv").last)
            XCTAssertEqual(Double(last["arrival_h"]!)!, arrival, accuracy: 1e-3, "layout \(row["layout"]!)")
        }
    }
}
