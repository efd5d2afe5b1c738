import Ephemeris
import Foundation
import FarSideCore
@testable import Orbits
import XCTest

final class OrbitFileTests: XCTestCase {
    static let valid = """
        satellites:
          - name: queqiao-2
            epoch: 2024-04-02T00:00:00Z
            semi_major_axis_km: 9837.4        # comment
            eccentricity: 0.8031
            inclination_deg: 62.4
            raan_deg: 0.0
            arg_periapsis_deg: 90.0
            mean_anomaly_deg: 0.0
          - name: relay-b
            epoch: "2024-04-03T12:00:00Z"
            periapsis_altitude_km: 300
            apoapsis_altitude_km: 8700
            inclination_deg: 57.1
            raan_deg: 120
            arg_periapsis_deg: 270
            mean_anomaly_deg: 180
            j2: true
        """

    /// Writes `text` to a temporary file and returns its path.
    func temporaryFile(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-\(UUID().uuidString).yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    func testValidFileBothForms() throws {
        let path = try temporaryFile(Self.valid)
        let orbits = try OrbitFile.load(path: path)
        XCTAssertEqual(orbits.map(\.name), ["queqiao-2", "relay-b"])
        let q = orbits[0].elements
        XCTAssertEqual(q.epoch, BuiltInOrbits.referenceEpoch)
        XCTAssertEqual(q.semiMajorAxisKm, 9837.4)
        XCTAssertEqual(q.eccentricity, 0.8031)
        XCTAssertEqual(q.inclinationDeg, 62.4)
        XCTAssertEqual(q.raanDeg, 0)
        XCTAssertEqual(q.argPeriapsisDeg, 90)
        XCTAssertEqual(q.meanAnomalyDeg, 0)
        XCTAssertFalse(orbits[0].j2)
        let b = orbits[1]
        XCTAssertTrue(b.j2)
        XCTAssertEqual(b.elements.semiMajorAxisKm, 1737.4 + (300 + 8700) / 2, accuracy: 1e-9)
        XCTAssertEqual(b.elements.eccentricity, 8400 / (2 * 1737.4 + 9000), accuracy: 1e-12)
        XCTAssertEqual(b.elements.periapsisRadiusKm, 2037.4, accuracy: 1e-9)
        XCTAssertEqual(b.elements.epoch, try Epoch("2024-04-03T12:00:00Z"))
        XCTAssertEqual(b.elements.argPeriapsisDeg, 270)
        XCTAssertEqual(b.elements.meanAnomalyDeg, 180)
        // Through --orbit resolution: a file makes a constellation of both satellites.
        let constellation = try BuiltInOrbits.resolve(path)
        XCTAssertEqual(constellation.satellites.count, 2)
    }

    /// Asserts that `yaml` is rejected with exit status 3 and a message naming every string in `expected`.
    func assertRejected(_ yaml: String, naming expected: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let path = try temporaryFile(yaml)
        do {
            _ = try OrbitFile.load(path: path)
            XCTFail("accepted a bad orbit file: \(expected)", file: file, line: line)
        } catch let error as FarSideError {
            XCTAssertEqual(error.exitCode, 3, file: file, line: line)
            let message = error.description
            XCTAssertTrue(message.hasPrefix(path), "names the file: \(message)", file: file, line: line)
            for text in expected {
                XCTAssertTrue(message.contains(text), "'\(message)' should name '\(text)'", file: file, line: line)
            }
            XCTAssertFalse(message.contains("\n"), file: file, line: line)
        }
    }

    func replacing(_ old: String, with new: String) -> String {
        precondition(Self.valid.contains(old))
        return Self.valid.replacingOccurrences(of: old, with: new)
    }

    func testUnknownKeyRejectedWithItsLine() throws {
        try assertRejected(replacing("    raan_deg: 0.0", with: "    raan_deg: 0.0\n    ranu_deg: 3"),
                           naming: ["satellites[0].ranu_deg", "unknown key", ":8:"])
        try assertRejected("satellites: []\nextra: 1\n", naming: ["extra", "unknown key"])
    }

    func testEccentricityOutOfRangeRejected() throws {
        try assertRejected(replacing("eccentricity: 0.8031", with: "eccentricity: 1.0"), naming: ["satellites[0].eccentricity", ":5:"])
        try assertRejected(replacing("eccentricity: 0.8031", with: "eccentricity: 1.7"), naming: ["eccentricity"])
        try assertRejected(replacing("eccentricity: 0.8031", with: "eccentricity: -0.1"), naming: ["eccentricity"])
    }

    func testPeriapsisBelowSurfaceRejected() throws {
        // a (1 - e) = 9837.4 * 0.83 = 1672 km < 1737.4 km.
        try assertRejected(replacing("eccentricity: 0.8031", with: "eccentricity: 0.83"),
                           naming: ["satellites[0]", "periapsis", "below the lunar surface"])
        try assertRejected(replacing("periapsis_altitude_km: 300", with: "periapsis_altitude_km: -5"),
                           naming: ["satellites[1].periapsis_altitude_km", "below the lunar surface", ":12:"])
    }

    func testMissingEpochRejected() throws {
        try assertRejected(replacing("    epoch: 2024-04-02T00:00:00Z\n", with: ""), naming: ["satellites[0].epoch", "missing"])
    }

    func testBadEpochRejected() throws {
        try assertRejected(replacing("epoch: 2024-04-02T00:00:00Z", with: "epoch: 2024-13-02T00:00:00Z"),
                           naming: ["satellites[0].epoch", ":3:"])
    }

    func testWrongTypeRejected() throws {
        try assertRejected(replacing("inclination_deg: 62.4", with: "inclination_deg: steep"),
                           naming: ["satellites[0].inclination_deg", "wrong type", ":6:"])
        try assertRejected(replacing("j2: true", with: "j2: [1, 2]"), naming: ["satellites[1].j2"])
        try assertRejected("satellites:\n  name: x\n", naming: ["satellites", "wrong type"])
    }

    func testOtherInvalidValuesRejected() throws {
        try assertRejected(replacing("semi_major_axis_km: 9837.4", with: "semi_major_axis_km: -9837.4"), naming: ["semi_major_axis_km", "positive"])
        try assertRejected(replacing("semi_major_axis_km: 9837.4", with: "semi_major_axis_km: 0"), naming: ["semi_major_axis_km"])
        try assertRejected(replacing("inclination_deg: 62.4", with: "inclination_deg: 181"), naming: ["satellites[0].inclination_deg", "0...180"])
        try assertRejected(replacing("inclination_deg: 57.1", with: "inclination_deg: -3"), naming: ["satellites[1].inclination_deg"])
        try assertRejected(replacing("raan_deg: 0.0", with: "raan_deg: .nan"), naming: ["satellites[0].raan_deg", "finite"])
        // Both size forms at once.
        try assertRejected(replacing("    eccentricity: 0.8031", with: "    eccentricity: 0.8031\n    apoapsis_altitude_km: 16000"),
                           naming: ["satellites[0]", "not both"])
        // Only one altitude.
        try assertRejected(replacing("    apoapsis_altitude_km: 8700\n", with: ""), naming: ["satellites[1].apoapsis_altitude_km", "missing"])
        try assertRejected(replacing("    semi_major_axis_km: 9837.4        # comment\n", with: ""), naming: ["satellites[0].semi_major_axis_km", "missing"])
        try assertRejected(replacing("name: relay-b", with: "name: queqiao-2"), naming: ["satellites[1].name", "duplicate"])
        try assertRejected("satellites: []\n", naming: ["satellites", "empty"])
        try assertRejected("", naming: ["empty"])
        try assertRejected("satellites: [\n", naming: ["not valid YAML"])
    }

    func testMissingFileAndUnknownNameRejected() {
        XCTAssertThrowsError(try BuiltInOrbits.resolve("/nonexistent/orbit.yaml")) { error in
            XCTAssertEqual((error as? FarSideError)?.exitCode, 3)
            XCTAssertTrue("\(error)".contains("/nonexistent/orbit.yaml"))
        }
        XCTAssertThrowsError(try OrbitFile.load(path: "/nonexistent/orbit.yaml")) { error in
            XCTAssertEqual((error as? FarSideError)?.exitCode, 3)
        }
    }

    func testBuiltInNames() throws {
        XCTAssertEqual(try BuiltInOrbits.resolve("queqiao-2").satellites.first?.name, "queqiao-2")
        XCTAssertEqual(try BuiltInOrbits.resolve("earth-moon-l2").satellites.first?.name, "earth-moon-l2")
        XCTAssertEqual(try BuiltInOrbits.resolve("earth").satellites.first?.name, "earth")
    }
}
