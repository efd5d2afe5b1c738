import GeoRaster
import Terrain
import TestSupport
import XCTest

/// `farside terrain` kernels against gdaldem (GDAL's own implementation) on the same projected lunar DEM.
final class GdaldemComparisonTests: XCTestCase {
    var gdaldem: String!
    var folder: URL!

    override func setUpWithError() throws {
        try TestSupport.require(TestSupport.which("gdaldem") != nil, "gdaldem (apt-get install gdal-bin)")
        let tool = TestSupport.which("gdaldem")!
        gdaldem = tool
        folder = TestSupport.scratchDirectory("gdaldem")
    }

    override func tearDown() { if let folder { try? FileManager.default.removeItem(at: folder) } }

    /// A 20 m south-polar-stereographic DEM with relief from a few metres to ~45 degrees.
    func makeDEM() throws -> (path: String, grid: Grid) {
        let grid = TestSupport.sampleSurface(width: 301, height: 257, cell: 20)
        let path = folder.appendingPathComponent("dem.tif").path
        try TestSupport.writeRaster(grid, to: path, transform: GeoTransform(originX: 10_000, originY: 30_000, pixelWidth: 20, pixelHeight: -20),
                                    crs: "IAU_2015:30135")
        return (path, grid)
    }

    func runGdaldem(_ mode: String, _ input: String, _ extra: [String] = []) throws -> Grid {
        let out = folder.appendingPathComponent("gd_\(mode)\(extra.joined()).tif").path
        let result = try TestSupport.run(gdaldem, [mode, input, out, "-q"] + extra)
        XCTAssertEqual(result.status, 0, result.stderr)
        let ds = try RasterDataset.open(out)
        return try ds.readRows(0..<ds.height)
    }

    func testSlopeAspectRoughnessMatchGdaldemInTheInterior() throws {
        let dem = try makeDEM()
        for algorithm in SlopeAlgorithm.allCases {
            let alg = algorithm == .horn ? [] : ["-alg", "ZevenbergenThorne"]
            let ours = TerrainKernels.compute(dem.grid, metrics: .uniform(rows: dem.grid.height, dx: 20, dy: 20),
                                              products: Set(TerrainProduct.allCases), algorithm: algorithm, threads: 2)
            let slope = try runGdaldem("slope", dem.path, alg)
            let aspect = try runGdaldem("aspect", dem.path, alg)
            var maxSlope = 0.0, maxAspect = 0.0, steepest = 0.0
            for r in 1..<(dem.grid.height - 1) {
                for c in 1..<(dem.grid.width - 1) {
                    maxSlope = max(maxSlope, abs(Double(ours[.slope]![r, c]) - Double(slope[r, c])))
                    maxAspect = max(maxAspect, angularDifference(Double(ours[.aspect]![r, c]), Double(aspect[r, c])))
                    steepest = max(steepest, Double(slope[r, c]))
                }
            }
            print("gdaldem \(algorithm): max |slope diff| \(maxSlope) deg, max |aspect diff| \(maxAspect) deg, steepest \(steepest) deg")
            XCTAssertGreaterThan(steepest, 20, "the test DEM must have real relief")
            XCTAssertLessThanOrEqual(maxSlope, 0.001)
            XCTAssertLessThanOrEqual(maxAspect, 0.01)
        }
        let rough = try runGdaldem("roughness", dem.path)
        let ours = TerrainKernels.compute(dem.grid, metrics: .uniform(rows: dem.grid.height, dx: 20, dy: 20), products: [.roughness])
        for r in 1..<(dem.grid.height - 1) {
            for c in 1..<(dem.grid.width - 1) { XCTAssertEqual(ours[.roughness]![r, c], rough[r, c], accuracy: 1e-3) }
        }
    }

    func angularDifference(_ a: Double, _ b: Double) -> Double { ReferenceTerrain.angularDifference(a, b) }
}
