import Foundation
import XCTest
@testable import Ephemeris

final class EpochTests: XCTestCase {
    func testLeapSecondAtEndOf2016() throws {
        XCTAssertEqual(LeapSeconds.taiMinusUTC(year: 2016, month: 12, day: 31), 36)
        XCTAssertEqual(LeapSeconds.taiMinusUTC(year: 2017, month: 1, day: 1), 37)
        XCTAssertEqual(LeapSeconds.taiMinusUTC(year: 2024, month: 6, day: 1), 37)
        XCTAssertEqual(LeapSeconds.taiMinusUTC(year: 1990, month: 6, day: 1), 25)
        let before = try Epoch("2016-12-31T23:59:59Z")
        let leap = try Epoch("2016-12-31T23:59:60Z")
        let after = try Epoch("2017-01-01T00:00:00Z")
        // Two SI seconds elapse across the leap second (TDB-TT changes by < 1e-9 s in that time).
        XCTAssertEqual(after.tdbSecondsPastJ2000 - before.tdbSecondsPastJ2000, 2, accuracy: 1e-6)
        XCTAssertEqual(leap.tdbSecondsPastJ2000 - before.tdbSecondsPastJ2000, 1, accuracy: 1e-6)
        // A day without a leap second: 1 s.
        let a = try Epoch("2017-12-31T23:59:59Z"), b = try Epoch("2018-01-01T00:00:00Z")
        XCTAssertEqual(b.tdbSecondsPastJ2000 - a.tdbSecondsPastJ2000, 1, accuracy: 1e-6)
        XCTAssertThrowsError(try Epoch("2017-12-31T23:59:60Z"))
        XCTAssertEqual(leap.utcISO8601, "2016-12-31T23:59:60.000Z")
        XCTAssertEqual(after.utcISO8601, "2017-01-01T00:00:00.000Z")
    }

    func testJ2000AndTimeScales() throws {
        // J2000.0 = 2000-01-01T12:00:00 TT = 11:58:55.816 UTC (TAI-UTC = 32 s).
        let e = try Epoch("2000-01-01T11:58:55.816Z")
        XCTAssertEqual(e.ttSecondsPastJ2000, 0, accuracy: 1e-6)
        XCTAssertEqual(e.tdbSecondsPastJ2000, Epoch.tdbMinusTT(ttSecondsPastJ2000: 0), accuracy: 1e-9)
        XCTAssertEqual(e.julianDateTDB, 2451545.0, accuracy: 1e-7)
        // TDB - TT: periodic, amplitude about 1.66 ms, never above 1.7 ms.
        var maxAbs = 0.0
        for k in 0..<2000 {
            let tt = (Double(k) / 2000 - 0.5) * 100 * 365.25 * 86400
            maxAbs = max(maxAbs, abs(Epoch.tdbMinusTT(ttSecondsPastJ2000: tt)))
        }
        XCTAssertGreaterThan(maxAbs, 0.0015)
        XCTAssertLessThan(maxAbs, 0.0017)
        // Early April the Earth is near mean anomaly 90 deg: TDB - TT near +1.66 ms; early October near -1.66 ms.
        XCTAssertEqual(Epoch.tdbMinusTT(ttSecondsPastJ2000: try Epoch("2024-04-03T00:00:00Z").ttSecondsPastJ2000), 0.00166, accuracy: 0.0001)
        XCTAssertEqual(Epoch.tdbMinusTT(ttSecondsPastJ2000: try Epoch("2024-10-03T00:00:00Z").ttSecondsPastJ2000), -0.00166, accuracy: 0.0001)
        XCTAssertEqual(e.julianCenturiesTDB, 0, accuracy: 1e-12)
        let d = try Epoch("2024-06-02T00:00:00Z")
        XCTAssertEqual(d.daysTDB, d.tdbSecondsPastJ2000 / 86400, accuracy: 0)
        XCTAssertEqual(d.julianCenturiesTDB, d.daysTDB / 36525, accuracy: 1e-15)
    }

    func testMatchesSkyfieldTDB() throws {
        let fx = try SkyfieldFixture.load()
        var worst = 0.0
        for row in fx.epochs {
            let e = try Epoch(row.utc)
            worst = max(worst, abs(e.tdbSecondsPastJ2000 - row.tdbSecondsPastJ2000))
        }
        print("Epoch TDB vs skyfield: max difference \(worst) s over \(fx.epochs.count) epochs")
        XCTAssertLessThan(worst, 5e-5)
    }

    func testAcceptedForms() throws {
        let ref = try Epoch("2024-06-01T22:23:00Z").tdbSecondsPastJ2000
        XCTAssertEqual(try Epoch("2024-06-01T22:23:00+00:00").tdbSecondsPastJ2000, ref)
        XCTAssertEqual(try Epoch("2024-06-01T22:23Z").tdbSecondsPastJ2000, ref)
        XCTAssertEqual(try Epoch("2024-06-01 22:23:00").tdbSecondsPastJ2000, ref)
        XCTAssertEqual(try Epoch("2024-06-02T00:23:00+02:00").tdbSecondsPastJ2000, ref)
        XCTAssertEqual(try Epoch("2024-06-01T22:23:00.250Z").tdbSecondsPastJ2000 - ref, 0.25, accuracy: 1e-6)
        XCTAssertEqual(try Epoch(year: 2024, month: 6, day: 1, hour: 22, minute: 23).tdbSecondsPastJ2000, ref)
        XCTAssertEqual(try Epoch("2024-06-01T22:23:00.250Z").utcISO8601, "2024-06-01T22:23:00.250Z")
        XCTAssertEqual(try Epoch("1990-02-13T13:30:50Z").description, "1990-02-13T13:30:50.000Z")
    }

    func testBadStringsThrowNamingTheValue() {
        for bad in ["", "hello", "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z", "2024-06-01T25:00:00Z",
                    "2024-06-01T22:61:00Z", "2024-06-01T22:23:00Q", "2024/06/01", "2024-06-01T22:23:00.Z",
                    "2024-06-01T23:59:60Z"] {
            XCTAssertThrowsError(try Epoch(bad), bad) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains("\"\(bad)\""), "message should name the value: \(message)")
                guard case EphemerisError.invalidTime = error else { return XCTFail("wrong error \(error)") }
            }
        }
        XCTAssertThrowsError(try Epoch(year: 2023, month: 2, day: 29))
    }
}
