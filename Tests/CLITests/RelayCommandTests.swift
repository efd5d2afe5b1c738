import Foundation
import TestSupport
import XCTest

/// `farside relay --lat --lon`: link windows of a site.
final class RelayCommandTests: XCTestCase {
    func testChangE6LinkWindowsWithQueqiao2AsCSV() throws {
        let r = try FarSideBinary.run(["relay", "--lat", "-41.6385", "--lon", "-153.9852", "--start", "2024-06-01T00:00:00Z",
                                       "--end", "2024-06-04T00:00:00Z", "--orbit", "queqiao-2", "--csv"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(whereSeparator: \.isNewline).map(String.init)
        XCTAssertEqual(lines.first, "link,start_utc,end_utc,duration_h,peak_elevation_deg,peak_utc,peak_satellite,satellites")
        let windows = lines.dropFirst().filter { !$0.isEmpty }
        XCTAssertGreaterThanOrEqual(windows.count, 2, "a 24 h orbit gives about one window a day")
        for w in windows {
            let fields = w.split(separator: ",").map(String.init)
            let duration = try XCTUnwrap(Double(fields[3]))
            let peak = try XCTUnwrap(Double(fields[4]))
            XCTAssertGreaterThan(duration, 1)
            XCTAssertLessThan(duration, 24.4)
            XCTAssertGreaterThanOrEqual(peak, 5)
            XCTAssertLessThanOrEqual(peak, 90)
        }
    }

    func testBadOrbitFileAndUnknownOrbit() throws {
        let folder = TestSupport.scratchDirectory("relay")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("bad.yaml").path
        try """
        satellites:
          - name: broken
            epoch: 2024-04-02T00:00:00Z
            semi_major_axis_km: 9837.4
            eccentricity: 1.2
            inclination_deg: 62.4
            raan_deg: 0
            arg_periapsis_deg: 90
            mean_anomaly_deg: 0
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let common = ["relay", "--lat", "-41", "--lon", "-154", "--start", "2024-06-01T00:00:00Z", "--end", "2024-06-02T00:00:00Z"]
        let bad = try FarSideBinary.run(common + ["--orbit", file])
        XCTAssertEqual(bad.status, 3, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("eccentricity") && bad.stderr.contains("bad.yaml"), bad.stderr)
        XCTAssertEqual(bad.stderr.split(whereSeparator: \.isNewline).count, 1)
        XCTAssertEqual(try FarSideBinary.run(common + ["--orbit", "no-such-orbit"]).status, 3)
    }
}
