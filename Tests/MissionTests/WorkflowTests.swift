import Ephemeris
import FarSideCore
import Foundation
import GeoRaster
import Mission
import TestSupport
import Visibility
import XCTest

/// The traverse and station workflows called in process through their engine entry points
/// (`TraversePlanning.run`, `StationPlanning.run`), as a Swift user would call them without the CLI:
/// their results keep the workflow's own invariants, and the CLI's files are the same results written.
final class WorkflowTests: XCTestCase {
    var folder: URL!
    override func setUp() { folder = TestSupport.scratchDirectory("workflow") }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func dem(size: Int) throws -> RasterDataset {
        let r = try FarSideBinary.run(["synth", "--preset", "south-pole", "--size", "\(size)", "--resolution", "20", "-o", path("dem.tif"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return try RasterDataset.open(path("dem.tif"))
    }

    /// A point of the DEM by raster cell.
    func point(_ dataset: RasterDataset, row: Int, column: Int) throws -> GeoPoint {
        let ll = try XCTUnwrap(dataset.latLon(column: Double(column), row: Double(row), using: try CoordinateTransformer(crs: dataset.crs)))
        return GeoPoint(lat: ll.lat, lon: ll.lon)
    }

    /// A rover kept out of permanent shadow, on a static run with a time window: the traverse finds the
    /// window's permanently shadowed cells (as `farside illumination`'s psr.tif on the same horizons) and
    /// never reaches one; a target in one is refused with that reason (exit 3 from the command).
    func testRoverKeptOutOfPermanentShadowNeverEntersIt() throws {
        let dataset = try dem(size: 160)
        defer { dataset.close() }
        let window = ["--start", "2027-01-01T00:00:00Z", "--end", "2027-01-11T00:00:00Z", "--step", "3h"]
        let horizons = ["--azimuths", "36", "--horizon-margin-km", "3"]
        let lit = try FarSideBinary.run(["illumination", path("dem.tif"), "-o", path("illumination"), "--height-m", "0", "--quiet"] + window + horizons)
        XCTAssertEqual(lit.status, 0, lit.stderr)
        let psr = try TestSupport.readRaster(path("illumination/psr.tif"))
        let shadowed = psr.values.indices.filter { psr.values[$0] == 1 }
        XCTAssertGreaterThan(shadowed.count, 100, "the synthetic polar DEM has permanent shadow over 10 days")
        try (BuiltInRovers.distance + "\n  enter_psr: false\n").write(toFile: path("rover.yaml"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try FarSideBinary.run(["terrain", path("dem.tif"), "-o", path("terrain"), "--products", "slope", "--quiet"]).status, 0)
        let slope = try TestSupport.readRaster(path("terrain/slope.tif"))
        let start = try XCTUnwrap(slope.values.indices.filter { slope.values[$0] < 10 && psr.values[$0] == 0 }.min { a, b in
            abs(a / 160 - 80) + abs(a % 160 - 80) < abs(b / 160 - 80) + abs(b % 160 - 80)
        })
        let origin = try point(dataset, row: start / 160, column: start % 160)
        let run = try FarSideBinary.run(["traverse", path("dem.tif"), "-o", path("traverse"), "--from", "\(origin.lat),\(origin.lon)",
                                         "--rover", path("rover.yaml"), "--quiet"] + window + horizons)
        XCTAssertEqual(run.status, 0, run.stderr)
        let cost = try TestSupport.readRaster(path("traverse/cost_distance.tif"))
        XCTAssertGreaterThan(cost.values.filter(\.isFinite).count, 1000)
        for i in shadowed { XCTAssertFalse(cost.values[i].isFinite, "permanently shadowed cell \(i) reached") }
        let target = try point(dataset, row: shadowed[shadowed.count / 2] / psr.width, column: shadowed[shadowed.count / 2] % psr.width)
        let refused = try FarSideBinary.run(["traverse", path("dem.tif"), "-o", path("refused"), "--from", "\(origin.lat),\(origin.lon)",
                                             "--to", "\(target.lat),\(target.lon)", "--rover", path("rover.yaml"), "--quiet"] + window + horizons)
        XCTAssertEqual(refused.status, 3, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("permanently shadowed"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("refused/cost_distance.tif")))
    }

    func testTimedTraverseInProcessKeepsItsRulesAndIsWhatTheCommandWrites() throws {
        let dataset = try dem(size: 160)
        defer { dataset.close() }
        // Gentle cells (slope under 10 deg) nearest two opposite corners.
        XCTAssertEqual(try FarSideBinary.run(["terrain", path("dem.tif"), "-o", path("terrain"), "--products", "slope", "--quiet"]).status, 0)
        let slope = try TestSupport.readRaster(path("terrain/slope.tif"))
        func gentle(near row: Int, _ column: Int) throws -> GeoPoint {
            let i = try XCTUnwrap(slope.values.indices.filter { slope.values[$0] < 10 }.min { a, b in
                let (ra, ca, rb, cb) = (a / slope.width - row, a % slope.width - column, b / slope.width - row, b % slope.width - column)
                return ra * ra + ca * ca < rb * rb + cb * cb
            })
            return try point(dataset, row: i / slope.width, column: i % slope.width)
        }
        let from = try gentle(near: 40, 40), to = try gentle(near: 120, 110)
        // The VIPER-class time rules (links looser, the Sun's centre at the horizon enough) on a rover that
        // climbs the synthetic terrain's 20 m relief.
        let shown = try FarSideBinary.run(["traverse", "--show-rover", "viper-class"])
        try shown.stdout.replacingOccurrences(of: "max_slope_deg: 15", with: "max_slope_deg: 30").replacingOccurrences(of: "max_grade_deg: 15", with: "max_grade_deg: 30")
            .replacingOccurrences(of: "max_roughness_m: 12", with: "max_roughness_m: 40").replacingOccurrences(of: "[15, 0.08]", with: "[30, 0.05]")
            .replacingOccurrences(of: "[-15, 0.10]", with: "[-30, 0.05]").replacingOccurrences(of: "[15, 1.6]", with: "[30, 3]").replacingOccurrences(of: "[-15, 0.35]", with: "[-30, 0.35]")
            .replacingOccurrences(of: "max_no_link_drive_h: 0.25", with: "max_no_link_drive_h: 48").replacingOccurrences(of: "min_sun_elevation_deg: 1", with: "min_sun_elevation_deg: 0")
            .write(toFile: path("rover.yaml"), atomically: true, encoding: .utf8)
        var request = TraverseRequest(origin: from, targets: [to], rover: try RoverProfile.load(path("rover.yaml")))
        request.time = try TimeWindow(start: try Epoch("2027-01-01T00:00:00Z"), end: try Epoch("2027-01-11T00:00:00Z"), step: 3600)
        var settings = HorizonSettings(azimuths: 36, observerHeight: 1)
        settings.marginKm = 3
        request.horizons = .compute(settings)
        request.threads = 2
        let result = try TraversePlanning.run(dataset, request: request, ephemeris: AnalyticalEphemeris(), scratchDirectory: path("scratch"))
        let route = try XCTUnwrap(result.routes.first, "the target is reached")
        let hours = try XCTUnwrap(result.travelTimeHours)
        XCTAssertGreaterThan(result.reachableCells, 1000)
        // Arrival times never decrease along the route, and the route ends at the travel-time raster's value.
        let arrivals = route.vertices.compactMap(\.arrivalHours)
        XCTAssertEqual(arrivals.count, route.vertices.count)
        XCTAssertEqual(arrivals, arrivals.sorted(), "monotone arrival times")
        let last = try XCTUnwrap(route.vertices.last)
        let cell = (last.row - result.window.row) * result.window.width + (last.column - result.window.column)
        XCTAssertEqual(Double(hours.values[cell]), try XCTUnwrap(route.arrivalHours), accuracy: 1e-3)
        // Waiting only adds: the timed arrival is no earlier than the static drive time.
        XCTAssertGreaterThanOrEqual(route.arrivalHours! + 1e-6, Double(result.cost.values[cell]))
        // Survival: every wait in darkness is at a safe haven, at the origin (the base) or idles within the
        // shadow-driving budget, also
        // where the search's family cap dropped families (this rover's loose link budget leaves long Pareto
        // fronts of the two clocks); then the certificate bounds the arrivals from below.
        let havens = try XCTUnwrap(result.safeHavens)
        for (k, v) in route.vertices.enumerated() where (v.waitHours ?? 0) > 0 && v.waitReason?.contains("darkness") == true {
            let i = (v.row - result.window.row) * result.window.width + (v.column - result.window.column)
            if havens.values[i] == 1 { continue }
            XCTAssertTrue(v.waitReason!.contains(k == 0 ? "at the origin" : "idling within"), v.waitReason!)
        }
        let lower = try XCTUnwrap(result.travelTimeLowerHours)
        for (a, b) in zip(hours.values, lower.values) where a.isFinite {
            XCTAssertTrue(b.isFinite && b <= a + 1e-4, "lower bound \(b) above arrival \(a)")
        }
        if let certificate = result.arrivalCertificate {
            XCTAssertEqual(certificate.reached, hours.values.filter(\.isFinite).count)
            XCTAssertTrue(result.notes.contains { $0.contains("proven earliest") }, "\(result.notes)")
            print("timed traverse: \(certificate.summary)")
        } else {
            XCTAssertEqual(lower.values.map(\.bitPattern), hours.values.map(\.bitPattern), "exact: the lower bound is the arrival")
        }
        // The command writes the same result.
        try TraverseOutputs.write(result, request: request, directory: path("engine"), options: RasterWriteOptions())
        let r = try FarSideBinary.run(["traverse", path("dem.tif"), "-o", path("cli"), "--from", "\(from.lat),\(from.lon)", "--to", "\(to.lat),\(to.lon)",
                                       "--rover", path("rover.yaml"), "--start", "2027-01-01T00:00:00Z", "--end", "2027-01-11T00:00:00Z", "--step", "1h",
                                       "--azimuths", "36", "--horizon-margin-km", "3", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for name in ["cost_distance.tif", "travel_time_h.tif", "travel_time_lower_h.tif"] {
            let a = try TestSupport.readRaster(path("engine/\(name)")), b = try TestSupport.readRaster(path("cli/\(name)"))
            XCTAssertTrue(zip(a.values, b.values).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }, name)
        }
        XCTAssertEqual(try String(contentsOfFile: path("engine/route.csv"), encoding: .utf8), try String(contentsOfFile: path("cli/route.csv"), encoding: .utf8))
    }

    func testStationLayoutInProcessIsWhatTheCommandWrites() throws {
        let dataset = try dem(size: 256)
        defer { dataset.close() }
        try StationFixtures.rover.write(toFile: path("rover.yaml"), atomically: true, encoding: .utf8)
        try StationFixtures.profile(rover: path("rover.yaml")).write(toFile: path("station.yaml"), atomically: true, encoding: .utf8)
        let profile = try StationProfile.load(path("station.yaml"))
        let settings = HorizonSettings(azimuths: profile.base.azimuths, observerHeight: profile.base.heightM)
        let result = try StationPlanning.run(dataset, profile: profile, ephemeris: AnalyticalEphemeris(), threads: 2, horizons: settings,
                                             scratchDirectory: path("scratch"))
        let best = try XCTUnwrap(result.layouts.first)
        XCTAssertTrue(best.feasible, best.reason)
        XCTAssertEqual(result.layouts.map(\.rank), Array(1...result.layouts.count), "layouts ranked 1, 2, ...")
        XCTAssertEqual(result.layouts.map(\.score), result.layouts.map(\.score).sorted(by: >), "best first")
        let r = try FarSideBinary.run(["station", "--profile", path("station.yaml"), "--dem", path("dem.tif"), "-o", path("cli"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(StationOutputs.csv(result, profile: profile), try String(contentsOfFile: path("cli/layout.csv"), encoding: .utf8))
    }
}
