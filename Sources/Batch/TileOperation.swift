import GeoRaster
import Terrain

/// What a batch task computes on one tile: the rasters it writes (file names as the single command
/// writes them), the halo it needs, the memory per cell it holds, and the computation itself (the core's
/// cells only).
public protocol TileOperation: Sendable {
    /// The command's name ("terrain").
    var name: String { get }
    /// Output rasters of one tile, e.g. ["slope.tif"].
    var outputNames: [String] { get }
    /// Cells of terrain around a core the computation needs.
    func halo(cellSize: Double) -> Int
    /// Peak bytes held per cell of the read window (inputs, outputs and scratch).
    var bytesPerCell: Int { get }
    /// The core's outputs by file name, with their band descriptions.
    func compute(input: RasterDataset, core: RasterWindow, threads: Int) throws -> [String: (grid: Grid, band: BandSpec)]
}

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
    public func halo(cellSize: Double) -> Int { TerrainPipeline.halo }
    /// The DEM window, its NaN-padded copy, and per product the block buffer and the cropped core.
    public var bytesPerCell: Int { 4 * (2 + 2 * products.count) }

    public func compute(input: RasterDataset, core: RasterWindow, threads: Int) throws -> [String: (grid: Grid, band: BandSpec)] {
        var pipeline = TerrainPipeline()
        pipeline.algorithm = algorithm
        pipeline.threads = threads
        let grids = try pipeline.tile(input: input, core: core, products: Set(products))
        var out: [String: (grid: Grid, band: BandSpec)] = [:]
        for p in products {
            var band = BandSpec(description: p.bandDescription, unit: p.unit)
            band.metadata["ALGORITHM"] = p == .roughness ? "max-min 3x3" : algorithm.rawValue
            out["\(p.rawValue).tif"] = (grids[p]!, band)
        }
        return out
    }
}
