import GeoRaster

/// File-to-file terrain derivation in row blocks with a one-row halo, so memory stays bounded
/// (a few blocks of `blockRows` full-width rows plus GDAL's capped block cache) for rasters larger
/// than RAM. The input is read once per block (plus the two halo rows); outputs go through
/// `RasterWriter`s, which leave nothing behind unless every product is complete.
public struct TerrainPipeline {
    public var algorithm: SlopeAlgorithm = .horn
    public var threads: Int = 1
    /// Rows per block: a multiple of the output tile height keeps each tile row written once.
    public var blockRows: Int = RasterWriter.tileSize
    public var writeOptions = RasterWriteOptions()
    /// Called with the completed fraction after each block.
    public var progress: ((Double) -> Void)?

    public init() {}

    /// Computes `outputs` (product -> path) from `input`. Throws badInput when the raster has no valid
    /// cell (all nodata), outputFailed when an output cannot be written.
    public func run(input: RasterDataset, outputs: [TerrainProduct: String]) throws {
        let geometry = RasterGeometry(of: input)
        let nodata: Float = input.nodata.map { Float($0) }.flatMap { $0.isFinite ? $0 : nil } ?? -9999
        var writers: [TerrainProduct: RasterWriter] = [:]
        do {
            for (product, path) in outputs.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                var band = BandSpec(description: product.bandDescription, unit: product.unit)
                band.metadata["ALGORITHM"] = product == .roughness ? "max-min 3x3" : algorithm.rawValue
                writers[product] = try RasterWriter(path: path, geometry: geometry, bands: [band], nodata: nodata, options: writeOptions)
            }
            let metrics = input.cellMetrics
            let products = Set(outputs.keys)
            var valid = 0
            var start = 0
            while start < input.height {
                let end = min(start + blockRows, input.height)
                let block = try readBlock(input, rows: start..<end)
                valid += block.validCount - haloValidCount(block, input: input, rows: start..<end)
                let results = TerrainKernels.computeBlock(block, metrics: metrics.rows(start..<end), products: products,
                                                          algorithm: algorithm, threads: threads)
                for (product, grid) in results { try writers[product]!.write(grid, row: start) }
                start = end
                progress?(Double(end) / Double(input.height))
            }
            guard valid > 0 else { throw FarSideError.badInput("\(input.path): every cell is nodata") }
            for product in writers.keys.sorted(by: { $0.rawValue < $1.rawValue }) { try writers[product]!.commit() }
        } catch {
            writers.values.forEach { $0.abort() }
            throw error
        }
    }

    /// Rows `rows` plus one halo row above and below (NaN rows beyond the raster's edges).
    func readBlock(_ input: RasterDataset, rows: Range<Int>) throws -> Grid {
        let top = max(0, rows.lowerBound - 1), bottom = min(input.height, rows.upperBound + 1)
        let grid = try input.readRows(top..<bottom)
        return TerrainKernels.padded(grid, top: top == rows.lowerBound, bottom: bottom == rows.upperBound)
    }

    /// Valid cells in the halo rows of `block` (so each input row is counted once).
    private func haloValidCount(_ block: Grid, input: RasterDataset, rows: Range<Int>) -> Int {
        block.rows(0..<1).validCount + block.rows((block.height - 1)..<block.height).validCount
    }
}
