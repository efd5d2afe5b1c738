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
            let width = input.width
            // Room for ~3 strips of tiles of the input and of every output.
            let strip = width * max(blockRows, input.blockSize.height) * MemoryLayout<Float>.size
            GDALEnvironment.setBlockCache(bytes: min(1 << 30, max(32 << 20, 3 * strip * (1 + outputs.count))))
            var buffers = TerrainBuffers(width: width, rows: blockRows, products: Set(outputs.keys))
            let block = UnsafeMutableBufferPointer<Float>.allocate(capacity: (blockRows + 2) * width)
            defer { block.deallocate() }
            var valid = 0
            var start = 0
            while start < input.height {
                let end = min(start + blockRows, input.height)
                valid += try readBlock(input, rows: start..<end, into: block.baseAddress!)
                TerrainKernels.computeBlock(block.baseAddress!, width: width, rows: end - start, metrics: metrics.rows(start..<end),
                                            into: &buffers, algorithm: algorithm, threads: threads)
                for (product, writer) in writers {
                    try writer.write(consuming: buffers.buffer(product, rows: end - start)!, row: start, rows: end - start)
                    if end % RasterWriter.tileSize == 0 { try writer.flush() }
                }
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

    /// Reads rows `rows` plus one halo row above and below into `block` (NaN rows beyond the raster's
    /// edges); returns the valid cells of `rows` themselves.
    func readBlock(_ input: RasterDataset, rows: Range<Int>, into block: UnsafeMutablePointer<Float>) throws -> Int {
        let w = input.width
        let valid = try input.read(into: block + w, row: rows.lowerBound, width: w, height: rows.count)
        let below = block + (rows.count + 1) * w
        if rows.lowerBound == 0 { block.update(repeating: .nan, count: w) } else { try input.read(into: block, row: rows.lowerBound - 1, width: w, height: 1) }
        if rows.upperBound == input.height { below.update(repeating: .nan, count: w) } else { try input.read(into: below, row: rows.upperBound, width: w, height: 1) }
        return valid
    }
}
