import Ephemeris
import Foundation
import GeoRaster
import Mission
import Visibility

/// Cells of a horizon margin on `dem`: the larger of the row and column margins at the DEM's middle
/// (the tile plan's halo; each tile reads exactly its `HorizonSettings.readWindow`).
func marginCells(_ settings: HorizonSettings, dem: RasterDataset) -> Int {
    let m = settings.marginCells(dem, window: .whole(width: dem.width, height: dem.height))
    return max(m.rows, min(m.columns, dem.width))
}

/// `farside horizon` on a tile: the core's horizons from the core and its horizon margin (`HorizonSettings`),
/// streamed band by band into the tile's horizon.tif.
public struct HorizonTileOperation: TileOperation {
    public var settings: HorizonSettings
    public var int16: Bool

    public init(settings: HorizonSettings, int16: Bool) {
        self.settings = settings
        self.int16 = int16
    }

    public var name: String { "horizon" }
    public var outputNames: [String] { ["horizon.tif"] }
    public var inputFiles: [String] { settings.farField.map { [$0] } ?? [] }
    public func halo(_ dem: RasterDataset) -> Int { marginCells(settings, dem: dem) }
    /// Cores are whole horizon blocks (`HorizonSettings`): the same horizons as a single-process run.
    public func alignment(_ dem: RasterDataset) throws -> Int { try settings.blockAlignment(dem) }
    /// One horizon block swept at a time (`HorizonSettings.sweepBytes`), its bands streamed to the file.
    public var bytesPerCell: Int { 0 }
    public func fixedBytes(_ dem: RasterDataset) -> Int64 { settings.sweepBytes(dem) }
    public func estimatedBytes(core: RasterWindow) -> Int64 { Int64(core.cellCount) * Int64(settings.azimuths) * (int16 ? 2 : 4) + (16 << 20) }

    public func compute(input: RasterDataset, core: RasterWindow, threads: Int, output: TileOutput) throws -> TileResult {
        var options = output.options
        if int16 { options.sampleType = .int16(scale: 0.01) }
        let notes = try HorizonBands.write(input, window: core, settings: settings, to: output.path("horizon.tif"), threads: threads,
                                           options: options)
        var result = TileResult(rasters: [:], notes: notes)
        result.written = ["horizon.tif"]
        return result
    }
}

/// `farside illumination` on a tile (`IlluminationMapping` on the core; cores aligned to the engines' blocks).
public struct IlluminationTileOperation: TileOperation {
    public var mapping: IlluminationMapping
    /// The ephemeris each task opens (kernels, or the analytical theory).
    public var ephemeris: @Sendable () throws -> any EphemerisSource
    public var inputFiles: [String]

    public init(mapping: IlluminationMapping, ephemeris: @escaping @Sendable () throws -> any EphemerisSource, inputFiles: [String]) {
        self.mapping = mapping
        self.ephemeris = ephemeris
        self.inputFiles = inputFiles
    }

    public var name: String { "illumination" }
    public var outputNames: [String] { IlluminationMapping.fileNames }
    public func halo(_ dem: RasterDataset) -> Int { horizonHalo(mapping.horizons, dem: dem) }
    public func alignment(_ dem: RasterDataset) throws -> Int { try horizonAlignment(mapping.horizons, dem: dem) }
    public var bytesPerCell: Int { 0 }
    /// The core's heights and four maps, and the engines' per-cell profiles of a block in flight.
    public var bytesPerCoreCell: Int { 4 + 16 }
    public func fixedBytes(_ dem: RasterDataset) -> Int64 { horizonFixedBytes(mapping.horizons, dem: dem) }

    public func compute(input: RasterDataset, core: RasterWindow, threads: Int, output: TileOutput) throws -> TileResult {
        var mapping = mapping
        mapping.threads = threads
        let source = try ephemeris()
        let result = try mapping.run(input, window: core, ephemeris: source, scratchDirectory: output.folder)
        return TileResult(IlluminationMapping.rasters(result.maps), metadata: mapping.metadata(ephemeris: source, observerHeight: result.observerHeight),
                          notes: result.notes)
    }
}

/// `farside relay` maps on a tile (`RelayMapping` on the core; cores aligned to the engines' blocks).
public struct RelayTileOperation: TileOperation {
    public var mapping: RelayMapping
    public var orbit: String
    public var ephemeris: @Sendable () throws -> any EphemerisSource
    public var inputFiles: [String]

    public init(mapping: RelayMapping, orbit: String, ephemeris: @escaping @Sendable () throws -> any EphemerisSource, inputFiles: [String]) {
        self.mapping = mapping
        self.orbit = orbit
        self.ephemeris = ephemeris
        self.inputFiles = inputFiles
    }

    public var name: String { "relay" }
    public var outputNames: [String] { RelayMapping.fileNames }
    public func halo(_ dem: RasterDataset) -> Int { horizonHalo(mapping.horizons, dem: dem) }
    public func alignment(_ dem: RasterDataset) throws -> Int { try horizonAlignment(mapping.horizons, dem: dem) }
    public var bytesPerCell: Int { 0 }
    /// The core's heights and three maps.
    public var bytesPerCoreCell: Int { 4 + 12 }
    public func fixedBytes(_ dem: RasterDataset) -> Int64 { horizonFixedBytes(mapping.horizons, dem: dem) }

    public func compute(input: RasterDataset, core: RasterWindow, threads: Int, output: TileOutput) throws -> TileResult {
        var mapping = mapping
        mapping.threads = threads
        let result = try mapping.run(input, window: core, ephemeris: try ephemeris(), scratchDirectory: output.folder)
        return TileResult(RelayMapping.rasters(result.maps), metadata: mapping.metadata(orbit: orbit, observerHeight: result.observerHeight),
                          notes: result.notes)
    }
}

/// A horizon source's halo on `dem` (none for a horizon file: its horizons are already computed).
func horizonHalo(_ source: HorizonSource, dem: RasterDataset) -> Int {
    guard case let .compute(settings) = source else { return 0 }
    return marginCells(settings, dem: dem)
}

/// A horizon block's sweep and the horizon cube's budget (beyond it the cube goes through a temporary
/// file), plus two engine blocks of profiles in flight (`BlockTiles`: 2 x 256^2 x A floats).
func horizonFixedBytes(_ source: HorizonSource, dem: RasterDataset) -> Int64 {
    guard case let .compute(settings) = source else { return 2 * 256 * 256 * 360 * 4 }
    return settings.sweepBytes(dem) + settings.memoryBytes + 2 * 256 * 256 * Int64(settings.azimuths) * 4
}

/// Tile cores of a map operation are whole horizon blocks (computed horizons), or whole engine blocks
/// (horizons from a file), so every cell is computed as in a single-process run.
func horizonAlignment(_ source: HorizonSource, dem: RasterDataset) throws -> Int {
    guard case let .compute(settings) = source else { return try HorizonSource.alignment(dem) }
    return try settings.blockAlignment(dem)
}
