import Foundation
import GeoRaster

/// What a batch task computes on one tile: the rasters it writes (file names as the single command
/// writes them), the halo it needs, the memory it holds, and the computation itself (the core's cells
/// only). Commands whose results are more than mosaics (rank's global ranking) also write per-tile files
/// and finish the merge themselves.
public protocol TileOperation: Sendable {
    /// The command's name ("terrain").
    var name: String { get }
    /// Output rasters of one tile, mosaicked by the merge, e.g. ["slope.tif"].
    var outputNames: [String] { get }
    /// Other per-tile files (not mosaicked), e.g. rank's candidates.
    var fileNames: [String] { get }
    /// Files the merge writes besides the mosaics (e.g. sites.csv).
    var mergedNames: [String] { get }
    /// Input files besides the DEM (profiles, kernels, horizon files), checksummed in the plan.
    var inputFiles: [String] { get }
    /// Cells of terrain around a core the computation needs.
    func halo(_ dem: RasterDataset) throws -> Int
    /// The region the run covers (nil: the whole DEM).
    func region(_ dem: RasterDataset) throws -> RasterWindow?
    /// Tile cores are multiples of this many cells (engine blocks aligned to the raster's grid).
    func alignment(_ dem: RasterDataset) throws -> Int
    /// Peak bytes held per cell of the read window (core and halo) and per cell of the core.
    var bytesPerCell: Int { get }
    var bytesPerCoreCell: Int { get }
    /// Bytes held whatever the tile's size (a horizon block's sweep, a horizon cube's budget).
    func fixedBytes(_ dem: RasterDataset) throws -> Int64
    /// Upper bound of the bytes a tile's outputs take on disk.
    func estimatedBytes(core: RasterWindow) -> Int64
    /// The core's outputs. `output` is the tile's folder and its output set (all or nothing): an operation
    /// may write large outputs itself through it (`TileResult.written`) and keep its temporaries there.
    func compute(input: RasterDataset, core: RasterWindow, threads: Int, output: TileOutput) throws -> TileResult
    /// The first pass of a two-pass run (nil: one pass). Its tiles, planned on its own `region` with the
    /// same tile size, are all computed before any tile of this operation, which reads their outputs as
    /// mosaics on the DEM's grid (`TileOutput.prepass`): what a tile needs from around its core is then
    /// computed once, by the tile that owns it, instead of again in every neighbour's halo.
    func prepass(_ dem: RasterDataset) throws -> (any TileOperation)?
    /// Writes `mergedNames` into the output set from the done tiles (their folders in `run`).
    func finishMerge(plan: BatchPlan, run: RunFolder, tiles: [TilePlan.Tile], set: OutputSet, directory: String,
                     options: RasterWriteOptions) throws
}

extension TileOperation {
    public var fileNames: [String] { [] }
    public var mergedNames: [String] { [] }
    public var inputFiles: [String] { [] }
    public func region(_ dem: RasterDataset) throws -> RasterWindow? { nil }
    public func alignment(_ dem: RasterDataset) throws -> Int { 1 }
    public var bytesPerCoreCell: Int { 0 }
    public func fixedBytes(_ dem: RasterDataset) throws -> Int64 { 0 }
    public func prepass(_ dem: RasterDataset) throws -> (any TileOperation)? { nil }
    public func estimatedBytes(core: RasterWindow) -> Int64 { Int64(outputNames.count) * Int64(core.cellCount) * 4 + (16 << 20) }
    public func finishMerge(plan: BatchPlan, run: RunFolder, tiles: [TilePlan.Tile], set: OutputSet, directory: String,
                            options: RasterWriteOptions) throws {}
}

/// Where a tile's outputs go: its folder, and write options whose output set publishes them together.
public struct TileOutput {
    public var folder: String
    public var options: RasterWriteOptions
    /// In a two-pass run's main pass: the first pass's outputs by file name, each a mosaic (VRT) of all its
    /// tiles on the DEM's whole grid.
    public var prepass: [String: String] = [:]

    /// The path of output `name` in the tile's folder.
    public func path(_ name: String) -> String { URL(fileURLWithPath: folder).appendingPathComponent(name).path }
}

/// One tile's outputs: rasters on the core's grid by file name, other files' bytes by name, GeoTIFF metadata.
public struct TileResult {
    public var rasters: [String: (grid: Grid, band: BandSpec)]
    public var files: [String: Data]
    public var metadata: [String: String]
    /// Outputs the operation wrote itself into the output set (`TileOutput`).
    public var written: Set<String> = []
    /// Lines for the task's log.
    public var notes: [String]

    public init(rasters: [String: (grid: Grid, band: BandSpec)], files: [String: Data] = [:], metadata: [String: String] = [:],
                notes: [String] = []) {
        self.rasters = rasters
        self.files = files
        self.metadata = metadata
        self.notes = notes
    }

    /// Rasters named `names` in that order, from a list of (name, grid, band).
    public init(_ rasters: [(name: String, grid: Grid, band: BandSpec)], metadata: [String: String] = [:], notes: [String] = []) {
        var byName: [String: (grid: Grid, band: BandSpec)] = [:]
        for r in rasters { byName[r.name] = (r.grid, r.band) }
        self.init(rasters: byName, metadata: metadata, notes: notes)
    }
}
