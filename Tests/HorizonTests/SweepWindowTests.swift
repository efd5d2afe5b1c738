import HorizonTestSupport
import XCTest
import FarSideCore
import Horizon

/// Output windows: the sweep over the whole DEM with only a window's cells as observers gives, in the
/// window, exactly the whole sweep's values (bit for bit, NaN for NaN).
final class SweepWindowTests: XCTestCase {
    /// Rugged terrain (craters, 35-40 degree walls) with nodata holes: a block, a line across, single cells.
    static let dem: Grid = {
        var g = syntheticLunarDEM(width: 300, height: 280, dx: 20, dy: 20, seed: 11)
        for r in 120..<131 { for c in 40..<55 { g[r, c] = .nan } }
        for c in 150..<230 { g[200, c] = .nan }
        for (r, c) in [(10, 10), (140, 150), (279, 299), (0, 200), (139, 148)] { g[r, c] = .nan }
        return g
    }()

    /// Middle, corners, edges, one column or row wide, one cell, almost whole.
    static let windows: [RasterWindow] = [
        RasterWindow(column: 100, row: 90, width: 97, height: 83),
        RasterWindow(column: 0, row: 0, width: 41, height: 37),
        RasterWindow(column: 261, row: 0, width: 39, height: 50),
        RasterWindow(column: 0, row: 230, width: 64, height: 50),
        RasterWindow(column: 243, row: 221, width: 57, height: 59),
        RasterWindow(column: 0, row: 100, width: 300, height: 13),
        RasterWindow(column: 287, row: 0, width: 13, height: 280),
        RasterWindow(column: 149, row: 0, width: 1, height: 280),
        RasterWindow(column: 0, row: 139, width: 300, height: 1),
        RasterWindow(column: 150, row: 140, width: 1, height: 1),
        RasterWindow(column: 1, row: 1, width: 298, height: 278),
    ]

    /// `band` (the whole DEM's, `width` wide) cropped to `window`.
    func crop(_ band: [Float], width: Int, _ window: RasterWindow) -> [Float] {
        window.rows.flatMap { r in window.columns.map { band[r * width + $0] } }
    }

    /// Bit-for-bit equality (any NaN equals any NaN), with the first differences in the message.
    func assertIdentical(_ got: [Float], _ expected: [Float], _ what: @autoclosure () -> String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, expected.count, what(), file: file, line: line)
        let differ = zip(got, expected).enumerated().filter { _, p in !(p.0.bitPattern == p.1.bitPattern || (p.0.isNaN && p.1.isNaN)) }
        XCTAssertTrue(differ.isEmpty, "\(what()): \(differ.count) cells differ, first \(differ.prefix(3).map { "\($0.offset): \($0.element.0) vs \($0.element.1)" })",
                      file: file, line: line)
    }

    /// 36 azimuths (every 10 degrees: axes, diagonals, row- and column-primary), with and without observer
    /// height, every window against the whole sweep.
    func testWindowsMatchTheWholeSweep() {
        let dem = Self.dem
        for h in [0.0, 2.0] {
            let options = HorizonOptions(azimuthCount: 36, observerHeight: h, threads: 2)
            var whole: [[Float]] = []
            HorizonMap.forEachAzimuth(dem, dx: 20, dy: 20, options: options) { _, _, band in whole.append(band) }
            XCTAssertEqual(whole.count, 36)
            for window in Self.windows {
                var k = 0
                HorizonMap.forEachAzimuth(dem, dx: 20, dy: 20, options: options, window: window) { b, az, band in
                    XCTAssertEqual(b, k)
                    assertIdentical(band, crop(whole[b], width: dem.width, window), "h \(h) azimuth \(az) window \(window)")
                    k += 1
                }
                XCTAssertEqual(k, 36)
            }
        }
    }

    /// Azimuths that are not multiples of 45 or 10 degrees, near the diagonals and axes, on non-square cells
    /// (where the diagonal of the cells is not 45 degrees), one sweeper reused across windows and the whole DEM.
    func testOddAzimuthsNonSquareCellsAndReuse() {
        let dem = Self.dem
        var sweeper = HorizonSweeper(dem: dem, dx: 20, dy: 27, observerHeight: 2, threads: 3)
        var fresh = HorizonSweeper(dem: dem, dx: 20, dy: 27, observerHeight: 2, threads: 1)
        for az in [0.3, 7.3, 36.52, 44.99, 45, 53.4, 89.999, 133.7, 181.7, 216.52, 263.1, 300.9, 359.7] {
            let whole = fresh.horizon(azimuthDegrees: az)
            for window in Self.windows.shuffled() {
                assertIdentical(sweeper.horizon(azimuthDegrees: az, window: window), crop(whole, width: dem.width, window), "azimuth \(az) window \(window)")
            }
            XCTAssertEqual(sweeper.horizon(azimuthDegrees: az, window: .whole(width: dem.width, height: dem.height)).map(\.bitPattern),
                           whole.map(\.bitPattern), "azimuth \(az): whole window")
        }
    }

    /// The stream and the cube hand over window-sized bands.
    func testStreamAndCubeWindows() throws {
        let dem = Self.dem
        let window = RasterWindow(column: 30, row: 200, width: 70, height: 45)
        let options = HorizonOptions(azimuthCount: 11, observerHeight: 0, threads: 2)
        let whole = HorizonMap.cube(dem, dx: 20, dy: 20, options: options)
        final class Sink: @unchecked Sendable { var bands: [Int: [Float]] = [:] }
        let sink = Sink()
        try HorizonMap.streamAzimuths(dem, dx: 20, dy: 20, options: options, window: window) { k, _, band in
            sink.bands[k] = band
            band = [Float](repeating: 0, count: band.count)           // scratch
        }
        let cube = HorizonMap.cube(dem, dx: 20, dy: 20, options: options, window: window)
        XCTAssertEqual(cube.width, 70)
        XCTAssertEqual(cube.height, 45)
        for k in 0..<11 {
            let expected = crop(whole.band(k), width: dem.width, window)
            assertIdentical(sink.bands[k] ?? [], expected, "stream band \(k)")
            assertIdentical(cube.band(k), expected, "cube band \(k)")
        }
    }

    /// With a far field the window's bands are the whole DEM's too (the far grid's sweep is windowed to the
    /// far cells the window's samples read).
    func testFarField() {
        let near = syntheticLunarDEM(width: 150, height: 120, dx: 100, dy: 100, seed: 21)
        let nearT = GeoTransform(originX: -7500, originY: 6000, pixelWidth: 100, pixelHeight: -100)
        var far = syntheticLunarDEM(width: 90, height: 80, dx: 1000, dy: 1000, seed: 22)
        for r in 0..<80 { far[r, 70] += 2500 }                          // a ridge in the east
        for r in 30..<34 { for c in 50..<56 { far[r, c] = .nan } }
        let farT = GeoTransform(originX: -45_000, originY: 40_000, pixelWidth: 1000, pixelHeight: -1000)
        let ff = FarField(dem: far, transform: farT, nearTransform: nearT)
        for h in [0.0, 2.0] {
            let options = HorizonOptions(azimuthCount: 12, observerHeight: h, threads: 2)
            var whole: [[Float]] = [], nearOnly: [[Float]] = []
            HorizonMap.forEachAzimuth(near, dx: 100, dy: 100, options: options, farField: ff) { _, _, band in whole.append(band) }
            HorizonMap.forEachAzimuth(near, dx: 100, dy: 100, options: options) { _, _, band in nearOnly.append(band) }
            XCTAssertGreaterThan(zip(whole[3], nearOnly[3]).filter { $0.0 > $0.1 + 1 }.count, 1000, "the ridge raises the east")
            for window in [RasterWindow(column: 40, row: 30, width: 61, height: 47), RasterWindow(column: 0, row: 0, width: 150, height: 1),
                           RasterWindow(column: 149, row: 0, width: 1, height: 120), RasterWindow(column: 120, row: 90, width: 30, height: 30)] {
                HorizonMap.forEachAzimuth(near, dx: 100, dy: 100, options: options, farField: ff, window: window) { k, _, band in
                    assertIdentical(band, crop(whole[k], width: near.width, window), "far field h \(h) band \(k) window \(window)")
                }
            }
        }
    }
}
