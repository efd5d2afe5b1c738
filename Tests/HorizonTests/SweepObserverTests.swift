import HorizonTestSupport
import XCTest
import FarSideCore
import Horizon

/// Observer masks (`HorizonSweeper.observers`, `HorizonOptions.observers`): only some cells' horizons are
/// wanted (a traverse wants the cells its rover can reach); those come out exactly as in the whole sweep,
/// bit for bit, the others NaN.
final class SweepObserverTests: XCTestCase {
    /// Irregular masks on the rugged DEM with nodata holes of `SweepWindowTests`: blobs (a reachable region
    /// with holes), scattered single cells, one row, one column, everything, nothing.
    static func masks(width: Int, height: Int) -> [(String, [Bool])] {
        var rng = SplitMix64(seed: 5)
        var blobs = [Bool](repeating: false, count: width * height)
        for _ in 0..<9 {
            let cr = Int(rng.next() % UInt64(height)), cc = Int(rng.next() % UInt64(width)), rad = 5 + Int(rng.next() % 40)
            for r in max(0, cr - rad)..<min(height, cr + rad) {
                for c in max(0, cc - rad)..<min(width, cc + rad) where (r - cr) * (r - cr) + (c - cc) * (c - cc) <= rad * rad {
                    blobs[r * width + c] = (r + 2 * c) % 11 != 0    // holes inside
                }
            }
        }
        var scattered = [Bool](repeating: false, count: width * height)
        for _ in 0..<60 { scattered[Int(rng.next() % UInt64(width * height))] = true }
        let row = (0..<(width * height)).map { $0 / width == 77 }
        let column = (0..<(width * height)).map { $0 % width == width - 1 }
        return [("blobs", blobs), ("scattered", scattered), ("row 77", row), ("last column", column),
                ("all", [Bool](repeating: true, count: width * height)), ("none", [Bool](repeating: false, count: width * height))]
    }

    func assertMasked(_ got: [Float], whole: [Float], mask: [Bool], _ what: @autoclosure () -> String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, whole.count, what(), file: file, line: line)
        var differ = 0, first = ""
        for i in got.indices {
            let ok = mask[i] ? (got[i].bitPattern == whole[i].bitPattern || (got[i].isNaN && whole[i].isNaN)) : got[i].isNaN
            if !ok { if differ == 0 { first = "cell \(i) (wanted \(mask[i])): \(got[i]) vs \(whole[i])" }; differ += 1 }
        }
        XCTAssertEqual(differ, 0, "\(what()): \(differ) cells wrong, first \(first)", file: file, line: line)
    }

    /// Row- and column-primary azimuths, odd ones near the axes and diagonals, non-square cells, with observer
    /// height; one sweeper reused across masks (its masks rebuilt when `observers` changes).
    func testMaskedCellsMatchTheWholeSweep() {
        let dem = SweepWindowTests.dem
        for (dx, dy) in [(20.0, 20.0), (20.0, 27.0)] {
            var whole = HorizonSweeper(dem: dem, dx: dx, dy: dy, observerHeight: 2, threads: 2)
            var masked = HorizonSweeper(dem: dem, dx: dx, dy: dy, observerHeight: 2, threads: 3)
            let azimuths = [0.0, 7.3, 30, 44.99, 45, 53.4, 90, 133.7, 181.7, 216.52, 263.1, 300.9, 359.7]
            let reference = azimuths.map { whole.horizon(azimuthDegrees: $0) }
            for (name, mask) in Self.masks(width: dem.width, height: dem.height) {
                masked.observers = mask
                for (k, az) in azimuths.enumerated() {
                    assertMasked(masked.horizon(azimuthDegrees: az), whole: reference[k], mask: mask, "\(name) azimuth \(az) cells \(dx) x \(dy)")
                }
            }
        }
    }

    /// With an output window, the mask covers the window's cells.
    func testMaskInsideAWindow() {
        let dem = SweepWindowTests.dem
        let window = RasterWindow(column: 100, row: 90, width: 97, height: 83)
        var options = HorizonOptions(azimuthCount: 12, observerHeight: 0, threads: 2)
        var whole: [[Float]] = []
        HorizonMap.forEachAzimuth(dem, dx: 20, dy: 20, options: options, window: window) { _, _, band in whole.append(band) }
        let (_, mask) = Self.masks(width: window.width, height: window.height)[0]
        options.observers = mask
        HorizonMap.forEachAzimuth(dem, dx: 20, dy: 20, options: options, window: window) { k, az, band in
            assertMasked(band, whole: whole[k], mask: mask, "window, azimuth \(az)")
        }
    }
}
