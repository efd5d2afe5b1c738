import Foundation
import GeoRaster
import TestSupport
import XCTest

/// Consistency a careful user notices (issue 12 section 5) and the hostile time, horizon, orbit and number
/// inputs of section 6: each through the CLI, with its exit status, one line naming the value at fault,
/// and nothing left behind.
final class ConsistencyTests: XCTestCase {
    var folder: URL!
    override func setUp() { folder = TestSupport.scratchDirectory("consistency") }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
    var kernels: String { TestSupport.sharedData.appendingPathComponent("kernels").path }

    func synth(_ name: String = "dem.tif", size: Int = 64, resolution: Int = 100) throws -> String {
        let r = try FarSideBinary.run(["synth", "--preset", "south-pole", "--size", "\(size)", "--resolution", "\(resolution)", "--seed", "3",
                                       "-o", path(name), "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return path(name)
    }

    func contents(_ name: String) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path(name))) ?? []).sorted() }

    func expectFailure(_ arguments: [String], status: Int32, mentions: String..., leavesNothingIn output: String? = nil,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try FarSideBinary.run(arguments)
        XCTAssertEqual(r.status, status, "\(arguments): \(r.stderr)", file: file, line: line)
        XCTAssertEqual(r.stderr.split(whereSeparator: \.isNewline).count, 1, "one line: \(r.stderr)", file: file, line: line)
        for m in mentions { XCTAssertTrue(r.stderr.contains(m), "stderr names \(m): \(r.stderr)", file: file, line: line) }
        if let output { XCTAssertEqual(contents(output), [], "nothing left in \(output)", file: file, line: line) }
    }

    func kernelsOrSkip() throws {
        _ = try TestSupport.requireKernels()
    }

    // MARK: - Section 5

    /// `relay --kernels` in map mode: the same maps as the analytical ephemeris within its accuracy (the
    /// Earth's direction differs by ~0.005 deg, the relay orbit is a model that does not depend on it).
    func testRelayMapsWithKernelsAgreeWithAnalytical() throws {
        try kernelsOrSkip()
        let dem = try synth()
        let common = ["--orbit", "queqiao-2", "--start", "2025-03-01T00:00:00Z", "--end", "2025-03-15T00:00:00Z", "--step", "1h",
                      "--azimuths", "36", "--quiet", "--threads", "2"]
        var r = try FarSideBinary.run(["relay", dem, "-o", path("analytical")] + common)
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try FarSideBinary.run(["relay", dem, "-o", path("spice"), "--kernels", kernels] + common)
        XCTAssertEqual(r.status, 0, r.stderr)
        let steps: Float = 14 * 24
        for name in ["relay_fraction", "comms_fraction"] {
            let a = try TestSupport.readRaster(path("analytical/\(name).tif")), b = try TestSupport.readRaster(path("spice/\(name).tif"))
            let diffs = zip(a.values, b.values).filter { !$0.0.isNaN }.map { abs($0.0 - $0.1) }
            let worst = diffs.max()!, mean = diffs.reduce(0, +) / Float(diffs.count)
            print("relay \(name): kernels vs analytical, max |diff| \(worst), mean \(mean)")
            XCTAssertLessThanOrEqual(worst, 2 / steps, "\(name): at most two steps of \(Int(steps)) decided differently")
            XCTAssertLessThanOrEqual(mean, 0.25 / steps, name)
        }
        // Site mode takes --kernels too (the `earth` link from the kernels).
        r = try FarSideBinary.run(["relay", "--lat", "-89.5", "--lon", "0", "--orbit", "earth", "--start", "2025-03-01T00:00:00Z",
                                   "--end", "2025-03-15T00:00:00Z", "--kernels", kernels, "--csv"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("link,start_utc"), r.stdout)
    }

    /// The same command line twice: rank's rasters are byte-identical (no time stamps or temporary names in
    /// their metadata).
    func testRankRastersAreByteIdenticalAcrossRuns() throws {
        let dem = try synth(size: 96, resolution: 100)
        try """
        name: repeatable
        region: {lat: -90, lon: 0, radius_km: 3}
        time: {start: 2025-01-01T00:00:00Z, duration_h: 240, step: 6h}
        azimuths: 24
        criteria:
          - {layer: slope, max: 25, membership: {linear: [25, 0]}, weight: 1}
          - {layer: sun_fraction, membership: {linear: [0, 1]}, weight: 1}
          - {layer: earth_fraction, membership: {linear: [0, 1]}, weight: 1}
        ranking: {count: 3, min_separation_m: 500}
        """.write(toFile: path("p.yaml"), atomically: true, encoding: .utf8)
        var runs: [[String: Data]] = []
        for _ in 0..<2 {
            let r = try FarSideBinary.run(["rank", "--profile", path("p.yaml"), "--dem", dem, "-o", path("out"), "--quiet", "--threads", "2"])
            XCTAssertEqual(r.status, 0, r.stderr)
            var files: [String: Data] = [:]
            for name in ["score.tif", "feasible.tif", "sites.csv"] { files[name] = try Data(contentsOf: URL(fileURLWithPath: path("out/\(name)"))) }
            runs.append(files)
            try FileManager.default.removeItem(atPath: path("out"))
        }
        for name in ["score.tif", "feasible.tif", "sites.csv"] { XCTAssertEqual(runs[0][name], runs[1][name], "\(name) byte-identical") }
    }

    // MARK: - Section 6: hostile time windows, horizons, numbers, orbits

    func testStepsThatMakeNoSenseAreRefused() throws {
        let dem = try synth()
        let window = ["--start", "2025-01-01T00:00:00Z", "--end", "2025-01-02T00:00:00Z", "--quiet"]
        try expectFailure(["illumination", dem, "-o", path("a"), "--step", "99999999999999999999d"] + window, status: 2,
                          mentions: "--step", leavesNothingIn: "a")
        try expectFailure(["illumination", dem, "-o", path("a"), "--step", "1e300s"] + window, status: 2, mentions: "--step", leavesNothingIn: "a")
        try expectFailure(["illumination", dem, "-o", path("a"), "--step", "2d"] + window, status: 2, mentions: "--step 2 d", "longer than the window",
                          leavesNothingIn: "a")
        try expectFailure(["relay", dem, "-o", path("a"), "--step", "2d"] + window, status: 2, mentions: "--step", leavesNothingIn: "a")
        // A step that does not divide the window: the darkness never exceeds the window (25 h, steps of 2 h).
        let r = try FarSideBinary.run(["illumination", dem, "-o", path("b"), "--step", "2h", "--start", "2025-01-01T00:00:00Z",
                                       "--end", "2025-01-02T01:00:00Z", "--azimuths", "16", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let dark = try TestSupport.readRaster(path("b/max_darkness_h.tif"))
        XCTAssertLessThanOrEqual(dark.values.filter { !$0.isNaN }.max()!, 25)
    }

    func testProfileStepLongerThanTheWindowIsRefused() throws {
        let dem = try synth()
        try """
        name: silly-step
        region: {lat: -90, lon: 0, radius_km: 2}
        time: {start: 2025-01-01T00:00:00Z, duration_h: 24, step: 1e20d}
        criteria:
          - {layer: sun_fraction, membership: {linear: [0, 1]}, weight: 1}
        """.write(toFile: path("p.yaml"), atomically: true, encoding: .utf8)
        try expectFailure(["rank", "--profile", path("p.yaml"), "--dem", dem, "-o", path("out"), "--quiet"], status: 3,
                          mentions: "p.yaml", "step", leavesNothingIn: "out")
    }

    func testHorizonFilesWithImpossibleAnglesAreRefused() throws {
        let dem = try synth()
        let window = ["--start", "2025-01-01T00:00:00Z", "--end", "2025-01-03T00:00:00Z", "--quiet"]
        let source = try RasterDataset.open(dem)
        defer { source.close() }
        for (name, value) in [("h500.tif", Float(500)), ("hnan.tif", Float.nan)] {
            // Eight bands of one value each, on the DEM's grid.
            let writer = try RasterWriter(path: path(name), geometry: RasterGeometry(of: source),
                                          bands: (0..<8).map { BandSpec(description: "band \($0)") })
            for k in 1...8 { try writer.write(Grid(width: source.width, height: source.height, repeating: value), band: k, row: 0) }
            try writer.commit()
            try expectFailure(["illumination", dem, "-o", path("out"), "--horizon", path(name)] + window, status: 3,
                              mentions: name, leavesNothingIn: "out")
        }
    }

    func testNegativeNumbersNameTheValue() throws {
        let dem = try synth()
        try expectFailure(["horizon", dem, "-o", path("h.tif"), "--azimuths", "-5"], status: 2, mentions: "-5")
        try expectFailure(["terrain", dem, "-o", path("t"), "--threads", "-1"], status: 2, mentions: "-1")
        try expectFailure(["synth", "--preset", "flat", "--size", "-3", "-o", path("s.tif")], status: 2, mentions: "-3")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("h.tif")))
    }

    func testUnboundOrbitAndMixedRelayModesAreRefused() throws {
        try """
        satellites:
          - name: far-away
            epoch: 2025-01-01T00:00:00Z
            semi_major_axis_km: 1e300
            eccentricity: 0.1
            inclination_deg: 60
            raan_deg: 0
            arg_periapsis_deg: 90
            mean_anomaly_deg: 0
        """.write(toFile: path("orbit.yaml"), atomically: true, encoding: .utf8)
        try expectFailure(["relay", "--lat", "-89", "--lon", "0", "--orbit", path("orbit.yaml"), "--start", "2025-01-01T00:00:00Z",
                           "--end", "2025-01-02T00:00:00Z"], status: 3, mentions: "semi_major_axis_km", "sphere of influence")
        let dem = try synth()
        try expectFailure(["relay", dem, "-o", path("out"), "--lat", "0", "--lon", "0", "--start", "2025-01-01T00:00:00Z",
                           "--end", "2025-01-02T00:00:00Z"], status: 2, mentions: "--lat/--lon", leavesNothingIn: "out")
    }
}
