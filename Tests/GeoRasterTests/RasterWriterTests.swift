import Foundation
import GeoRaster
import TestSupport
import XCTest

final class RasterWriterTests: XCTestCase {
    var folder: URL!
    override func setUp() { folder = TestSupport.scratchDirectory("writer") }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    func geometry(_ w: Int, _ h: Int) throws -> RasterGeometry {
        RasterGeometry(width: w, height: h, geoTransform: GeoTransform(originX: -5000, originY: 5000, pixelWidth: 10, pixelHeight: -10),
                       crsWKT: try SpatialReference.moonSouthPolar().wkt)
    }

    func testTiledDeflateWithNodataDescriptionsAndMetadata() throws {
        let path = folder.appendingPathComponent("out.tif").path
        var grid = Grid(width: 700, height: 600, repeating: 3.5)
        grid[2, 3] = .nan
        let writer = try RasterWriter(path: path, geometry: try geometry(700, 600),
                                      bands: [BandSpec(description: "slope (degrees)", unit: "deg")], nodata: -9999,
                                      options: RasterWriteOptions(compression: .deflate(level: 1),
                                                                  metadata: ["FARSIDE_COMMAND": "farside terrain x", "FARSIDE_VERSION": "9.9"]))
        try writer.write(grid, row: 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "nothing at the final name before commit")
        try writer.commit()
        let ds = try RasterDataset.open(path)
        XCTAssertEqual(ds.blockSize.width, 512)
        XCTAssertEqual(ds.blockSize.height, 512)
        XCTAssertEqual(ds.metadataItem("COMPRESSION", domain: "IMAGE_STRUCTURE"), "DEFLATE")
        XCTAssertEqual(ds.metadataItem("PREDICTOR", domain: "IMAGE_STRUCTURE"), "3")
        XCTAssertEqual(ds.nodata, -9999)
        XCTAssertEqual(ds.bandDescription(), "slope (degrees)")
        XCTAssertEqual(ds.bandUnit(), "deg")
        XCTAssertEqual(ds.metadataItem("FARSIDE_VERSION"), "9.9")
        XCTAssertEqual(ds.body, .moon)
        XCTAssertEqual(ds.geoTransform.originX, -5000)
        let back = try ds.readRows(0..<600)
        XCTAssertTrue(back[2, 3].isNaN)
        XCTAssertEqual(back[599, 699], 3.5)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["out.tif"], "no temporary left")
    }

    /// Int16 storage (GDAL scale 0.01): codes round(v / 0.01), clamped to +-32767, NaN ->
    /// nodata -32768, converted in place in the caller's buffer, eight lanes at a time plus a scalar tail
    /// (width 13: rows are not multiples of eight).
    func testInt16CodesRoundClampAndMarkNodata() throws {
        let path = folder.appendingPathComponent("i16.tif").path
        var options = RasterWriteOptions()
        options.sampleType = .int16(scale: 0.01)
        let values: [Float] = [0, 0.004, 0.006, -0.006, 12.345, -45.678, 90, -90, 400, -400, .nan, 1.5, -0.015,
                               3.14159, .nan, 89.999, -89.999, 0.125, 327.67, -327.67, 1000, .nan, 7, -7, 0.02, 2.5]
        var buffer = values
        let writer = try RasterWriter(path: path, geometry: try geometry(13, 2), bands: [BandSpec(description: "x")], options: options)
        try buffer.withUnsafeMutableBufferPointer { try writer.write(consuming: $0, band: 1, row: 0, rows: 2) }
        try writer.commit()
        let ds = try RasterDataset.open(path)
        XCTAssertEqual(ds.nodata, -32768)
        let back = try ds.readRows(0..<2)
        for (i, v) in values.enumerated() {
            let got = back[i / 13, i % 13]
            if v.isNaN { XCTAssertTrue(got.isNaN, "cell \(i)"); continue }
            // Within half a code of the value (or of the clamp bound), on the 0.01 lattice.
            let target = max(-327.67, min(327.67, Double(v)))
            XCTAssertEqual(Double(got), target, accuracy: 0.005 + 1e-5, "cell \(i): \(v)")
            XCTAssertEqual(Double(got) * 100, (Double(got) * 100).rounded(), accuracy: 0.01, "cell \(i): \(v)")
        }
        XCTAssertEqual(back[0, 8], 327.67, accuracy: 1e-4)      // 400 clamped
        XCTAssertEqual(back[0, 9], -327.67, accuracy: 1e-4)
        XCTAssertEqual(back[1, 12], 2.5, accuracy: 1e-4)        // last cell, scalar tail
    }

    /// Uncompressed files take whole tile rows straight to GDALWriteBlock: two tile rows and partial
    /// edge tiles (700 x 600 in 512 tiles), NaN cells, two bands, Float32 and Int16; a write of rows that
    /// do not start a tile row takes GDAL's cached path in the same file. Every cell reads back.
    func testUncompressedWholeTileRowsReadBack() throws {
        for int16 in [false, true] {
            let path = folder.appendingPathComponent("direct-\(int16).tif").path
            var options = RasterWriteOptions(compression: .none)
            if int16 { options.sampleType = .int16(scale: 0.01) }
            let (w, h) = (700, 600)
            func value(_ band: Int, _ r: Int, _ c: Int) -> Float {
                (r * 7 + c * 3) % 101 == 0 ? .nan : Float(band * 100 + (r * 13 + c * 29) % 1000) * 0.0625 - 20
            }
            let writer = try RasterWriter(path: path, geometry: try geometry(w, h),
                                          bands: [BandSpec(description: "a"), BandSpec(description: "b")], options: options)
            // Band 1: all rows at once (two whole tile rows, the second one partial).
            var band1 = (0..<(w * h)).map { value(1, $0 / w, $0 % w) }
            try band1.withUnsafeMutableBufferPointer { try writer.write(consuming: $0, band: 1, row: 0, rows: h) }
            // Band 2: the first tile row whole, then rows 512 ..< 600 in two writes (the second does not
            // start a tile row: cached path).
            for (start, count) in [(0, 512), (512, 40), (552, 48)] {
                var rows = (0..<(w * count)).map { value(2, start + $0 / w, $0 % w) }
                try rows.withUnsafeMutableBufferPointer { try writer.write(consuming: $0, band: 2, row: start, rows: count) }
            }
            try writer.commit()
            let ds = try RasterDataset.open(path)
            XCTAssertEqual(ds.metadataItem("COMPRESSION", domain: "IMAGE_STRUCTURE"), nil, "uncompressed")
            XCTAssertEqual(ds.nodata, int16 ? -32768 : -9999)
            for band in 1...2 {
                let back = try RasterDataset.open(path, options: OpenOptions(band: band)).readRows(0..<h)
                var mismatches = 0, nans = 0
                for r in 0..<h {
                    for c in 0..<w {
                        let v = value(band, r, c), got = back[r, c]
                        if v.isNaN { nans += 1; if !got.isNaN { mismatches += 1 }; continue }
                        // Float32 exactly; Int16 within half a code (0.01).
                        if !(abs(Double(got) - Double(v)) <= (int16 ? 0.005 + 1e-5 : 0)) { mismatches += 1 }
                    }
                }
                XCTAssertGreaterThan(nans, 1000, "the pattern has nodata cells")
                XCTAssertEqual(mismatches, 0, "band \(band), int16 \(int16)")
            }
        }
    }

    func testAbortLeavesNothing() throws {
        let path = folder.appendingPathComponent("never.tif").path
        let writer = try RasterWriter(path: path, geometry: try geometry(10, 10), bands: [BandSpec(description: "x")])
        try writer.write(Grid(width: 10, height: 10, repeating: 1), row: 0)
        writer.abort()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
    }

    func testCloudOptimizedGeoTIFFHasOverviews() throws {
        let path = folder.appendingPathComponent("cog.tif").path
        let writer = try RasterWriter(path: path, geometry: try geometry(1500, 1200), bands: [BandSpec(description: "h")],
                                      options: RasterWriteOptions(cog: true))
        try writer.write(TestSupport.sampleSurface(width: 1500, height: 1200, cell: 10), row: 0)
        try writer.commit()
        let ds = try RasterDataset.open(path)
        XCTAssertEqual(ds.metadataItem("LAYOUT", domain: "IMAGE_STRUCTURE"), "COG")
        XCTAssertGreaterThanOrEqual(ds.overviewCount, 1)
        XCTAssertEqual(ds.bandDescription(), "h")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["cog.tif"])
    }

    func testUnwritableTargetIsAnOutputError() throws {
        let blocker = folder.appendingPathComponent("file")
        _ = FileManager.default.createFile(atPath: blocker.path, contents: Data("x".utf8))
        XCTAssertThrowsError(try RasterWriter(path: blocker.path + "/sub/out.tif", geometry: try geometry(4, 4), bands: [BandSpec(description: "x")])) {
            XCTAssertEqual(($0 as? FarSideError)?.exitCode, 4)
        }
    }
}
