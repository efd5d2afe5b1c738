import GeoRaster
@testable import Terrain
import XCTest

/// Kernels against hand-computed cells and exact surfaces.
final class SlopeAspectKernelTests: XCTestCase {
    /// `compute` reads the grid in place (a shared NaN row as the halo) and writes straight into its
    /// results: bit for bit what `computeBlock` gives on the grid with NaN rows added, with NaN holes, for
    /// any number of threads.
    func testComputeEqualsTheBlockOfThePaddedGrid() {
        for (w, h) in [(37, 29), (1, 5), (9, 1), (64, 70)] {
            var state: UInt64 = UInt64(w * 131 + h)
            let values = (0..<(w * h)).map { i -> Float in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return (state >> 60) == 0 ? .nan : Float(i % w) * 3 + Float(i / w) * 2 + Float(state >> 40) / 1e5
            }
            let g = Grid(width: w, height: h, values: values)
            let metrics = CellMetrics.uniform(rows: h, dx: 20, dy: 25)
            let want = TerrainKernels.computeBlock(TerrainKernels.padded(g), metrics: metrics, products: Set(TerrainProduct.allCases))
            for threads in [1, 3] {
                let got = TerrainKernels.compute(g, metrics: metrics, products: Set(TerrainProduct.allCases), threads: threads)
                for p in TerrainProduct.allCases {
                    XCTAssertEqual(got[p]?.values.map(\.bitPattern), want[p]?.values.map(\.bitPattern), "\(w) x \(h) \(p) \(threads) threads")
                }
            }
        }
    }

    func compute(_ values: [Float], width: Int, cell: Double, products: Set<TerrainProduct> = Set(TerrainProduct.allCases),
                 algorithm: SlopeAlgorithm = .horn) -> [TerrainProduct: Grid] {
        let grid = Grid(width: width, height: values.count / width, values: values)
        return TerrainKernels.compute(grid, metrics: .uniform(rows: grid.height, dx: cell, dy: cell), products: products, algorithm: algorithm)
    }

    /// ESRI's documented Horn example ("How Slope works"): 5 m cells, slope 75.26 degrees at the centre.
    func testHornSlopeMatchesTheDocumentedWorkedExample() {
        let out = compute([50, 45, 50, 30, 30, 30, 8, 10, 10], width: 3, cell: 5)
        let expected = atan((0.05 * 0.05 + 3.8 * 3.8).squareRoot()) * 180 / Double.pi  // 75.2576
        XCTAssertEqual(Double(out[.slope]![1, 1]), expected, accuracy: 1e-4)
        XCTAssertEqual(Double(out[.slope]![1, 1]), 75.2576, accuracy: 1e-3)
    }

    /// ESRI's documented aspect example ("How Aspect works"): 92.64 degrees.
    func testHornAspectMatchesTheDocumentedWorkedExample() {
        let out = compute([101, 92, 85, 101, 92, 85, 101, 91, 84], width: 3, cell: 5)
        XCTAssertEqual(Double(out[.aspect]![1, 1]), 92.6425, accuracy: 1e-3)
        XCTAssertEqual(out[.roughness]![1, 1], 17)
    }

    /// On a tilted plane every stencil is exact, edges and cells beside holes included (one-sided rule).
    func testPlaneIsExactEverywhereIncludingEdgesAndHoles() {
        let w = 23, h = 11, cell = 10.0
        var g = Grid(width: w, height: h, repeating: 0)
        for r in 0..<h { for c in 0..<w { g[r, c] = Float(0.1 * Double(c) * cell + 0.05 * Double(h - 1 - r) * cell + 100) } }
        g[5, 9] = .nan
        g[0, 0] = .nan
        for algorithm in SlopeAlgorithm.allCases {
            let out = TerrainKernels.compute(g, metrics: .uniform(rows: h, dx: cell, dy: cell), products: [.slope, .aspect], algorithm: algorithm)
            let slope = atan((0.1 * 0.1 + 0.05 * 0.05).squareRoot()) * 180 / .pi  // 6.3794
            let aspect = atan2(-0.1, -0.05) * 180 / .pi + 360                    // 243.4349
            for r in 0..<h {
                for c in 0..<w {
                    if g[r, c].isNaN {
                        XCTAssertTrue(out[.slope]![r, c].isNaN)
                        continue
                    }
                    XCTAssertEqual(Double(out[.slope]![r, c]), slope, accuracy: 2e-3, "\(algorithm) slope at \(r),\(c)")
                    XCTAssertEqual(Double(out[.aspect]![r, c]), aspect, accuracy: 2e-2, "\(algorithm) aspect at \(r),\(c)")
                }
            }
        }
    }

    func testRoughnessIsRangeOfTheWindowIgnoringMissingNeighbours() {
        let values: [Float] = [1, 2, 3, 4,
                               5, 9, 7, 8,
                               0, 2, .nan, 4]
        let out = compute(values, width: 4, cell: 1, products: [.roughness])
        let r = out[.roughness]!
        XCTAssertEqual(r[1, 1], 9)    // 0 ... 9
        XCTAssertEqual(r[1, 2], 7)    // 2 ... 9 (NaN ignored)
        XCTAssertEqual(r[0, 0], 8)    // 1, 2, 5, 9 at the corner
        XCTAssertTrue(r[2, 2].isNaN)  // nodata centre stays nodata
    }

    func testFlatCellsHaveZeroSlopeAndNoAspect() {
        let out = compute([Float](repeating: 7, count: 40), width: 10, cell: 3)
        XCTAssertTrue(out[.slope]!.values.allSatisfy { $0 == 0 })
        XCTAssertTrue(out[.aspect]!.values.allSatisfy { $0.isNaN })
    }

    func testDegenerateShapesDoNotCrash() {
        for (w, h) in [(1, 1), (1, 9), (9, 1), (2, 2)] {
            let g = Grid(width: w, height: h, values: (0..<(w * h)).map { Float($0) })
            let out = TerrainKernels.compute(g, metrics: .uniform(rows: h, dx: 1, dy: 1), products: Set(TerrainProduct.allCases))
            XCTAssertEqual(out[.slope]!.values.count, w * h)
            XCTAssertFalse(out[.slope]!.values.contains { $0.isNaN }, "\(w)x\(h)")
        }
    }

    /// The SIMD path against a Double brute force of the same definitions on rough random terrain
    /// (widths that leave remainders, NaN holes, both algorithms, several threads).
    func testVectorKernelMatchesDoubleReference() {
        var rng = SystemRandomNumberGenerator()
        for (w, h) in [(37, 19), (64, 33), (9, 9)] {
            var g = Grid(width: w, height: h, repeating: 0)
            for i in g.values.indices { g.values[i] = Float.random(in: -2000 ... -1000, using: &rng) }
            g.values[w * 3 + 5] = .nan
            let dx = 7.5, dy = 9.0
            for algorithm in SlopeAlgorithm.allCases {
                let out = TerrainKernels.compute(g, metrics: .uniform(rows: h, dx: dx, dy: dy), products: Set(TerrainProduct.allCases),
                                                 algorithm: algorithm, threads: 3)
                let ref = ReferenceTerrain.compute(g, dx: { _ in dx }, dy: dy, algorithm: algorithm)
                for i in g.values.indices {
                    XCTAssertEqual(out[.slope]!.values[i].isNaN, ref.slope[i].isNaN)
                    if ref.slope[i].isNaN { continue }
                    XCTAssertEqual(Double(out[.slope]!.values[i]), ref.slope[i], accuracy: 1e-3)
                    XCTAssertLessThan(ReferenceTerrain.angularDifference(Double(out[.aspect]!.values[i]), ref.aspect[i]), 1e-2)
                    XCTAssertEqual(Double(out[.roughness]!.values[i]), ref.roughness[i], accuracy: 1e-3)
                }
            }
        }
    }
}
