import Foundation
import XCTest
@testable import Ephemeris

final class PerformanceAndCoverageTests: XCTestCase {
    func testThroughput() throws {
        let spice = try SharedSpice.get()
        let analytical = AnalyticalEphemeris()
        let start = try Epoch("2024-01-01T00:00:00Z")
        let n = 5000
        var sink = SIMD3<Double>(repeating: 0)
        for (label, source) in [("SPICE", spice as EphemerisSource), ("analytical", analytical)] {
            let t0 = Date()
            for i in 0..<n {
                let e = start.addingSeconds(Double(i) * 3600)
                sink += source.sunPosition(at: e) + source.earthPosition(at: e)
            }
            let dt = Date().timeIntervalSince(t0)
            print(String(format: "%@: %d epochs (Sun + Earth, apparent) in %.3f s = %.1f us/epoch", label, n, dt, dt / Double(n) * 1e6))
            XCTAssertLessThan(dt, 10, label) // debug build; release is ~10x faster
        }
        XCTAssertTrue(sink.x.isFinite)
    }

    func testCoverage() throws {
        let spice = try SharedSpice.get()
        // moon_pa_de421_1900-2050.bpc limits the span to about 1900-2050.
        XCTAssertLessThan(spice.coverage.lowerBound, try Epoch("1901-01-01T00:00:00Z"))
        XCTAssertGreaterThan(spice.coverage.upperBound, try Epoch("2050-01-01T00:00:00Z"))
        let late = try Epoch("2052-01-01T00:00:00Z")
        XCTAssertFalse(spice.coverage.contains(late))
        XCTAssertTrue(spice.sunPosition(at: late).x.isNaN)
        XCTAssertThrowsError(try spice.checkedPosition(of: .sun, at: late)) { error in
            guard case EphemerisError.outsideCoverage = error else { return XCTFail("\(error)") }
        }
        // The analytical source works there (nominal range 1900-2100).
        XCTAssertTrue(AnalyticalEphemeris().sunPosition(at: late).x.isFinite)
        // Segments found in de421.bsp.
        for body in [301, 399, 3, 10] { XCTAssertTrue(spice.spk.hasBody(body), "\(body)") }
    }
}
