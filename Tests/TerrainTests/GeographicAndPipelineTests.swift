import Foundation
import GeoRaster
import Terrain
import TestSupport
import XCTest

final class GeographicAndPipelineTests: XCTestCase {
    var folder: URL!
    override func setUp() { folder = TestSupport.scratchDirectory("pipeline") }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    /// On a geographic grid the east-west cell size is R cos(lat) dlon per row, with R = 1,737,400 m.
    func testGeographicGridUsesPerRowCellSizesFromTheMoonRadius() throws {
        let w = 80, h = 120
        let dLat = 0.05, dLon = 0.08
        let transform = GeoTransform(originX: 150, originY: -60, pixelWidth: dLon, pixelHeight: -dLat)
        let grid = TestSupport.sampleSurface(width: w, height: h, cell: 1500)
        let path = try TestSupport.writeRaster(grid, to: folder.appendingPathComponent("geo.tif").path, transform: transform, crs: "IAU_2015:30100")
        let ds = try RasterDataset.open(path)
        let metrics = ds.cellMetrics
        let radius = 1_737_400.0
        let dxOf = { (r: Int) -> Double in radius * cos((-60 - (Double(r) + 0.5) * dLat) * .pi / 180) * dLon * .pi / 180 }
        XCTAssertEqual(metrics.dx[0], dxOf(0), accuracy: 1e-6)
        XCTAssertEqual(metrics.dx[h - 1], dxOf(h - 1), accuracy: 1e-6)
        XCTAssertEqual(metrics.dy[7], radius * dLat * .pi / 180, accuracy: 1e-6)
        XCTAssertLessThan(metrics.dx[h - 1], metrics.dx[0] * 0.85, "cells shrink toward the pole")

        let out = TerrainKernels.compute(try ds.readRows(0..<h), metrics: metrics, products: [.slope, .aspect])
        let ref = ReferenceTerrain.compute(grid, dx: dxOf, dy: radius * dLat * .pi / 180, algorithm: .horn)
        for i in grid.values.indices {
            XCTAssertEqual(Double(out[.slope]!.values[i]), ref.slope[i], accuracy: 1e-3)
            XCTAssertLessThan(ReferenceTerrain.angularDifference(Double(out[.aspect]!.values[i]), ref.aspect[i]), 1e-2)
        }
    }

    /// Streaming in row blocks (with halo) gives exactly the whole-grid result, block edges included.
    func testBlockStreamingEqualsWholeGridComputation() throws {
        var grid = TestSupport.sampleSurface(width: 53, height: 47, cell: 30)
        grid[10, 10] = .nan
        grid[6, 0] = .infinity  // Inf is read as nodata
        let path = try TestSupport.writeRaster(grid, to: folder.appendingPathComponent("dem.tif").path,
                                               transform: GeoTransform(originX: 0, originY: 0, pixelWidth: 30, pixelHeight: -30), crs: "IAU_2015:30135")
        let ds = try RasterDataset.open(path)
        var pipeline = TerrainPipeline()
        pipeline.blockRows = 7
        pipeline.threads = 2
        var outputs: [TerrainProduct: String] = [:]
        for p in TerrainProduct.allCases { outputs[p] = folder.appendingPathComponent("\(p.rawValue).tif").path }
        try pipeline.run(input: ds, outputs: outputs)
        var cleaned = grid
        cleaned[6, 0] = .nan
        let whole = TerrainKernels.compute(cleaned, metrics: .uniform(rows: 47, dx: 30, dy: 30), products: Set(TerrainProduct.allCases))
        for p in TerrainProduct.allCases {
            let written = try TestSupport.readRaster(outputs[p]!)
            for i in written.values.indices {
                let a = written.values[i], b = whole[p]!.values[i]
                XCTAssertTrue(a == b || (a.isNaN && b.isNaN), "\(p) cell \(i): \(a) vs \(b)")
            }
            let out = try RasterDataset.open(outputs[p]!)
            XCTAssertEqual(out.bandDescription(), p.bandDescription)
            XCTAssertEqual(out.bandUnit(), p.unit)
        }
        XCTAssertTrue(try TestSupport.readRaster(outputs[.slope]!)[10, 10].isNaN)
    }

    func testAllNodataIsRefusedAndLeavesNothing() throws {
        let grid = Grid(width: 20, height: 20, repeating: .nan)
        let path = try TestSupport.writeRaster(grid, to: folder.appendingPathComponent("empty.tif").path,
                                               transform: GeoTransform(originX: 0, originY: 0, pixelWidth: 30, pixelHeight: -30), crs: "IAU_2015:30135")
        let out = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        XCTAssertThrowsError(try TerrainPipeline().run(input: try RasterDataset.open(path), outputs: [.slope: out.appendingPathComponent("slope.tif").path])) {
            XCTAssertEqual(($0 as? FarSideError)?.exitCode, 3)
            XCTAssertTrue("\($0)".contains("empty.tif"))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [])
    }
}
