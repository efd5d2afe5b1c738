import GeoRaster
import Terrain

/// `farside terrain` on a tile (halo one cell: results bit-identical to the whole-raster run).
public struct TerrainTileOperation: TileOperation {
    public var products: [TerrainProduct]
    public var algorithm: SlopeAlgorithm

    public init(products: [TerrainProduct], algorithm: SlopeAlgorithm = .horn) {
        self.products = products
        self.algorithm = algorithm
    }

    public var name: String { "terrain" }
    public var outputNames: [String] { products.map { "\($0.rawValue).tif" } }
    public func halo(_ dem: RasterDataset) -> Int { TerrainPipeline.halo }
    /// The DEM window, its NaN-padded copy, and per product the block buffer and the cropped core.
    public var bytesPerCell: Int { 4 * (2 + 2 * products.count) }

    public func compute(input: RasterDataset, core: RasterWindow, threads: Int, output: TileOutput) throws -> TileResult {
        var pipeline = TerrainPipeline()
        pipeline.algorithm = algorithm
        pipeline.threads = threads
        let grids = try pipeline.tile(input: input, core: core, products: Set(products))
        return TileResult(products.map { p in
            var band = BandSpec(description: p.bandDescription, unit: p.unit)
            band.metadata["ALGORITHM"] = p == .roughness ? "max-min 3x3" : algorithm.rawValue
            return ("\(p.rawValue).tif", grids[p]!, band)
        })
    }
}
