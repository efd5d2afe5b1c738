import Dispatch
import GeoRaster

/// Terrain derivatives over grids: pure functions, no I/O, multi-threaded by row ranges.
public enum TerrainKernels {
    /// Products for the rows of `block` between its first and last row, which are halo rows (use NaN
    /// rows at the raster's top and bottom edges). `metrics` has one entry per output row
    /// (block.height - 2). Returns one grid per requested product, `block.height - 2` rows each.
    public static func computeBlock(_ block: Grid, metrics: CellMetrics, products: Set<TerrainProduct>,
                                    algorithm: SlopeAlgorithm = .horn, threads: Int = 1) -> [TerrainProduct: Grid] {
        let rows = block.height - 2
        precondition(rows >= 0 && metrics.dx.count == rows, "block needs one halo row above and below")
        var buffers = TerrainBuffers(width: block.width, rows: rows, products: products)
        block.values.withUnsafeBufferPointer { input in
            computeBlock(input.baseAddress!, width: block.width, rows: rows, metrics: metrics, into: &buffers, algorithm: algorithm, threads: threads)
        }
        return buffers.grids(rows: rows)
    }

    /// The pointer form: `input` holds `rows + 2` full-width rows (halo above and below); results go to
    /// the first `rows` rows of `buffers`.
    public static func computeBlock(_ input: UnsafePointer<Float>, width: Int, rows: Int, metrics: CellMetrics,
                                    into buffers: inout TerrainBuffers, algorithm: SlopeAlgorithm = .horn, threads: Int = 1) {
        precondition(metrics.dx.count >= rows && buffers.capacityRows >= rows && buffers.width == width)
        let sp = buffers.pointer(.slope), ap = buffers.pointer(.aspect), rp = buffers.pointer(.roughness)
        forEachRowRange(rows: rows, threads: threads) { range in
            // NaN flags of the input rows this range touches (range.lower ... range.upper + 1).
            var dirty = [Bool](repeating: false, count: range.count + 2)
            for k in 0..<(range.count + 2) {
                dirty[k] = VectorMath.containsNaN(input + (range.lowerBound + k) * width, count: width)
            }
            for row in range {
                let k = row - range.lowerBound
                let clean = !(dirty[k] || dirty[k + 1] || dirty[k + 2])
                let kernel = TerrainRowKernel(algorithm: algorithm, dx: metrics.dx[row], dy: metrics.dy[row],
                                              xSign: metrics.xSign, ySign: metrics.ySign)
                let o = row * width
                kernel.run(up: input + row * width, mid: input + (row + 1) * width, down: input + (row + 2) * width,
                           width: width, clean: clean, slope: sp.map { $0 + o }, aspect: ap.map { $0 + o }, roughness: rp.map { $0 + o })
            }
        }
    }

    /// Products for a whole grid (edges by the one-sided rule): the same rows as `computeBlock` over the
    /// grid with a NaN row above and below, read from the grid in place (one shared NaN row stands for the
    /// halo) and written straight into the result arrays, which every row fills (no padded copy, no NaN
    /// pre-fill, no copy out of scratch buffers: one fresh array per product, which matters on large grids
    /// where every fresh page costs the kernel a clearing).
    public static func compute(_ grid: Grid, metrics: CellMetrics, products: Set<TerrainProduct>,
                               algorithm: SlopeAlgorithm = .horn, threads: Int = 1) -> [TerrainProduct: Grid] {
        let width = grid.width, rows = grid.height, n = width * rows
        precondition(metrics.dx.count == rows, "one metrics row per grid row")
        var out: [TerrainProduct: Grid] = [:]
        func product(_ p: TerrainProduct, _ body: (UnsafeMutablePointer<Float>?) -> Void) {
            guard products.contains(p) else { return body(nil) }
            let values = [Float](unsafeUninitializedCapacity: n) { b, initialized in
                body(b.baseAddress)
                initialized = n
            }
            out[p] = Grid(width: width, height: rows, values: values)
        }
        let nanRow = [Float](repeating: .nan, count: width)
        grid.values.withUnsafeBufferPointer { input in
            nanRow.withUnsafeBufferPointer { nanRow in
                product(.slope) { sp in
                    product(.aspect) { ap in
                        product(.roughness) { rp in
                            guard n > 0 else { return }
                            let base = input.baseAddress!, halo = nanRow.baseAddress!
                            let (s, a, r) = (sp.map(SharedPointer.init), ap.map(SharedPointer.init), rp.map(SharedPointer.init))
                            forEachRowRange(rows: rows, threads: threads) { range in
                                // Grid row k (k = -1 and k = rows are the NaN halo) and its NaN flag.
                                func line(_ k: Int) -> UnsafePointer<Float> { k < 0 || k >= rows ? halo : base + k * width }
                                let dirty = ((range.lowerBound - 1)...range.upperBound).map { k in
                                    k < 0 || k >= rows || VectorMath.containsNaN(base + k * width, count: width)
                                }
                                for row in range {
                                    let k = row - range.lowerBound
                                    let kernel = TerrainRowKernel(algorithm: algorithm, dx: metrics.dx[row], dy: metrics.dy[row],
                                                                  xSign: metrics.xSign, ySign: metrics.ySign)
                                    let o = row * width
                                    kernel.run(up: line(row - 1), mid: line(row), down: line(row + 1), width: width,
                                               clean: !(dirty[k] || dirty[k + 1] || dirty[k + 2]),
                                               slope: s.map { $0.base + o }, aspect: a.map { $0.base + o }, roughness: r.map { $0.base + o })
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// `grid` with a NaN row above and below.
    public static func padded(_ grid: Grid, top: Bool = true, bottom: Bool = true) -> Grid {
        let nanRow = [Float](repeating: .nan, count: grid.width)
        var values = top ? nanRow : []
        values.reserveCapacity((grid.height + 2) * grid.width)
        values += grid.values
        if bottom { values += nanRow }
        return Grid(width: grid.width, height: grid.height + (top ? 1 : 0) + (bottom ? 1 : 0), values: values)
    }

    /// Runs `body` over disjoint row ranges on `threads` threads (inline when 1; `ParallelChunks`).
    static func forEachRowRange(rows: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        ParallelChunks.forEachRange(count: rows, threads: threads, body)
    }
}
