import GeoRaster

extension TerrainPipeline {
    /// The halo terrain needs: the 3 x 3 window's one cell.
    public static let halo = 1

    /// Terrain of one tile: reads `core` grown by the one-cell halo (clamped to the raster), computes every
    /// product there, and returns the core's cells only. Inside the raster a core cell sees the same 3 x 3
    /// neighbours as in a whole-raster run and edge cells the same one-sided differences, so tiled results
    /// are bit-identical to `run`'s.
    public func tile(input: RasterDataset, core: RasterWindow, products: Set<TerrainProduct>) throws -> [TerrainProduct: Grid] {
        let read = core.expanded(by: Self.halo).clamped(width: input.width, height: input.height)
        let grid = try input.read(column: read.column, row: read.row, width: read.width, height: read.height)
        let metrics = input.cellMetrics.rows(read.rows)
        let inner = core.relative(to: read)
        return TerrainKernels.compute(grid, metrics: metrics, products: products, algorithm: algorithm, threads: threads)
            .mapValues { $0.window(rows: inner.rows, columns: inner.columns) }
    }
}
