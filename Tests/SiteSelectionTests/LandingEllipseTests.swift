import XCTest
import FarSideCore
@testable import SiteSelection

final class LandingEllipseTests: XCTestCase {
    func testInsideTest() {
        let north = LandingEllipse(semiMajor: 2500, semiMinor: 1250, azimuthDegrees: 0)
        XCTAssertTrue(north.contains(east: 0, north: 2500))
        XCTAssertTrue(north.contains(east: 0, north: -2499))
        XCTAssertFalse(north.contains(east: 0, north: 2501))
        XCTAssertTrue(north.contains(east: 1249, north: 0))
        XCTAssertFalse(north.contains(east: 1300, north: 0))
        let east = LandingEllipse(semiMajor: 2500, semiMinor: 1250, azimuthDegrees: 90)
        XCTAssertTrue(east.contains(east: 2499, north: 0))
        XCTAssertFalse(east.contains(east: 0, north: 1300))
        // 45 deg: the major axis points north-east.
        let ne = LandingEllipse(semiMajor: 2500, semiMinor: 500, azimuthDegrees: 45)
        XCTAssertTrue(ne.contains(east: 1700, north: 1700))
        XCTAssertFalse(ne.contains(east: 1700, north: -1700))
        // Row offsets grow southwards (ySign = +1): 20 rows down is 2 km south.
        XCTAssertTrue(north.containsOffset(rows: 20, columns: 0, dx: 100, dy: 100))
        XCTAssertFalse(ne.containsOffset(rows: -12, columns: -12, dx: 100, dy: 100))
        XCTAssertTrue(ne.containsOffset(rows: -12, columns: 12, dx: 100, dy: 100))
    }

    func testHandCountedCircle() {
        // Radius 150 m on 100 m cells: the 3 x 3 block (corners at 141 m) is inside, 200 m is not.
        let e = LandingEllipse(semiMajor: 150, semiMinor: 150)
        let safe = Grid(width: 5, height: 5, repeating: 1)
        let m = CellMetrics.uniform(rows: 5, dx: 100, dy: 100)
        let (counts, totals) = LandingEllipse.safeCounts(safe: safe, metrics: m, ellipse: e)
        XCTAssertEqual(totals, [9, 9, 9, 9, 9])
        XCTAssertEqual(counts[2 * 5 + 2], 9)
        XCTAssertEqual(counts[0], 4)          // corner: outside cells count as unsafe
        XCTAssertEqual(counts[2], 6)          // top edge
        let f = LandingEllipse.safeFraction(safe: safe, metrics: m, ellipse: e)
        XCTAssertEqual(f[0, 0], 4.0 / 9, accuracy: 1e-6)
        XCTAssertEqual(f[2, 2], 1)
    }

    /// Every cell centre of the bounding box checked one by one.
    func bruteForce(_ safe: Grid, _ m: CellMetrics, _ e: LandingEllipse) -> (counts: [Int32], totals: [Int32]) {
        let w = safe.width, h = safe.height
        var counts = [Int32](repeating: 0, count: w * h), totals = [Int32](repeating: 0, count: h)
        for r in 0..<h {
            let dx = m.dx[r], dy = m.dy[r]
            let hi = Int((e.semiMajor / dy).rounded(.up)) + 2, hj = Int((e.semiMajor / dx).rounded(.up)) + 2
            var total: Int32 = 0
            for i in -hi...hi { for j in -hj...hj where e.containsOffset(rows: i, columns: j, dx: dx, dy: dy, xSign: m.xSign, ySign: m.ySign) { total += 1 } }
            totals[r] = total
            for c in 0..<w {
                var n: Int32 = 0
                for i in -hi...hi {
                    let rr = r + i
                    if rr < 0 || rr >= h { continue }
                    for j in -hj...hj {
                        let cc = c + j
                        if cc < 0 || cc >= w { continue }
                        if safe[rr, cc] >= 0.5 && e.containsOffset(rows: i, columns: j, dx: dx, dy: dy, xSign: m.xSign, ySign: m.ySign) { n += 1 }
                    }
                }
                counts[r * w + c] = n
            }
        }
        return (counts, totals)
    }

    func testAgainstBruteForce() {
        let w = 41, h = 33
        let safe = randomMask(w, h, seed: 9, pSafe: 0.7, nanEvery: 20)
        let ellipses = [LandingEllipse(semiMajor: 2500, semiMinor: 1250, azimuthDegrees: 0),
                        LandingEllipse(semiMajor: 2500, semiMinor: 1250, azimuthDegrees: 30),
                        LandingEllipse(semiMajor: 900, semiMinor: 300, azimuthDegrees: 90),
                        LandingEllipse(semiMajor: 1800, semiMinor: 400, azimuthDegrees: 137.5),
                        LandingEllipse(semiMajor: 700, semiMinor: 690, azimuthDegrees: -20),
                        LandingEllipse(semiMajor: 200, semiMinor: 200, azimuthDegrees: 0)]   // exact-boundary circle
        var geographic = CellMetrics.uniform(rows: h, dx: 100, dy: 120)
        for r in 0..<h { geographic.dx[r] = 150 * cos(Double(r) * 0.03) }
        let metricsList = [CellMetrics.uniform(rows: h, dx: 100, dy: 100),
                           CellMetrics.uniform(rows: h, dx: 70, dy: 130),
                           CellMetrics(dx: [Double](repeating: 90, count: h), dy: [Double](repeating: 110, count: h), xSign: -1, ySign: -1),
                           geographic]
        for m in metricsList {
            for e in ellipses {
                let fast = LandingEllipse.safeCounts(safe: safe, metrics: m, ellipse: e, threads: 2)
                let slow = bruteForce(safe, m, e)
                XCTAssertEqual(fast.ellipseCells, slow.totals, "\(e) \(m.dx[0])x\(m.dy[0])")
                XCTAssertEqual(fast.counts, slow.counts, "\(e) \(m.dx[0])x\(m.dy[0])")
            }
        }
    }

    func testChordsAreAsymmetricWhenRotated() {
        let e = LandingEllipse(semiMajor: 2500, semiMinor: 1250, azimuthDegrees: 30)
        let t = e.chords(dx: 100, dy: 100)
        let above = t.intervals[t.halfRows - 10]!      // 1 km north: the chord leans east
        XCTAssertGreaterThan(above.upperBound, -above.lowerBound)
        let below = t.intervals[t.halfRows + 10]!
        XCTAssertEqual(below.lowerBound, -above.upperBound)   // point symmetry
        // Centre row: |E| <= 1 / sqrt(sin^2(30)/a^2 + cos^2(30)/b^2) = 1386.75 m, so 13 cells each side.
        XCTAssertEqual(t.intervals[t.halfRows], -13...13)
    }
}
