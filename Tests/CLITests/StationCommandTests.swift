import Foundation
import GeoRaster
import TestSupport
import XCTest

/// `farside station`: a small polar layout end to end (every element within its rover cost of the base,
/// power sites apart, the reasons written), and bad profiles naming their field.
final class StationCommandTests: XCTestCase {
    var folder: URL!
    override func setUp() { folder = TestSupport.scratchDirectory("station") }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func profile(power: String = "{count: 2, max_cost: 0.6, max_slope_deg: 15, min_separation_m: 100}") -> String {
        StationFixtures.profile(rover: path("rover.yaml"), power: power)
    }

    func testSmallLayoutEndToEnd() throws {
        var r = try FarSideBinary.run(["synth", "--preset", "south-pole", "--size", "256", "--resolution", "20", "-o", path("dem.tif"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        try StationFixtures.rover.write(toFile: path("rover.yaml"), atomically: true, encoding: .utf8)
        try profile().write(toFile: path("station.yaml"), atomically: true, encoding: .utf8)
        r = try FarSideBinary.run(["station", "--profile", path("station.yaml"), "--dem", path("dem.tif"), "-o", path("out"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for name in ["layout.gpkg", "layout.geojson", "layout.csv", "report.html"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: path("out/\(name)")), name)
        }
        let rows = try String(contentsOfFile: path("out/layout.csv"), encoding: .utf8).split(separator: "\n").map { String($0) }
        let header = rows[0].split(separator: ",").map(String.init)
        XCTAssertEqual(Array(header.prefix(4)), ["layout", "layout_score", "feasible", "element"])
        let first = rows.dropFirst().filter { $0.hasPrefix("1,") }
        let kinds = first.map { $0.split(separator: ",", omittingEmptySubsequences: false)[3] }
        XCTAssertEqual(kinds.first, "base")
        XCTAssertEqual(first.first?.split(separator: ",", omittingEmptySubsequences: false)[2], "1", "layout 1 is feasible")
        do {
            XCTAssertEqual(Set(kinds), ["base", "power", "comms", "ice"], "a feasible layout has every element")
            XCTAssertEqual(kinds.filter { $0 == "power" }.count, 2)
            let cost = header.firstIndex(of: "cost")!
            for row in first {
                let f = row.split(separator: ",", omittingEmptySubsequences: false)
                let limit = f[3] == "ice" ? 3.0 : (f[3] == "base" ? 0 : 0.6)
                XCTAssertLessThanOrEqual(Double(f[cost])!, limit + 1e-9, "\(f[3]) within its rover cost of the base")
            }
        }
        let gpkg = try XCTUnwrap(TestSupport.which("ogrinfo"))
        let info = try TestSupport.run(gpkg, ["-so", path("out/layout.gpkg")])
        XCTAssertTrue(info.stdout.contains("elements") && info.stdout.contains("routes"), info.stdout)
    }

    func testBadStationProfilesNameTheField() throws {
        try "name: r\nobjective: distance\ncells: {max_slope_deg: 20}\n".write(toFile: path("rover.yaml"), atomically: true, encoding: .utf8)
        try profile(power: "{count: 2, max_cost: -1}").write(toFile: path("bad.yaml"), atomically: true, encoding: .utf8)
        var r = try FarSideBinary.run(["station", "--profile", path("bad.yaml"), "--dem", path("none.tif"), "-o", path("out")])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("bad.yaml") && r.stderr.contains("power.max_cost"), r.stderr)
        r = try FarSideBinary.run(["station", "--show-profile", "ilrs-station"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("rover: viper-class"))
    }
}
