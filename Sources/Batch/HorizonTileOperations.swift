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
    /// The read window's heights, the sweep's padded frames (the grid and its transpose) and two bands.
    public var bytesPerCell: Int { 4 + 16 + 8 }
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
    public var bytesPerCell: Int { 4 + 16 + 8 }
    /// The core's horizon cube (Int16) and the four maps.
    public var bytesPerCoreCell: Int { horizonCubeBytesPerCell(mapping.horizons) + 16 }

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
    public var bytesPerCell: Int { 4 + 16 + 8 }
    public var bytesPerCoreCell: Int { horizonCubeBytesPerCell(mapping.horizons) + 12 }

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

/// Bytes per core cell of a computed horizon cube (Int16 per azimuth; a horizon file holds none).
func horizonCubeBytesPerCell(_ source: HorizonSource) -> Int {
    guard case let .compute(settings) = source else { return 0 }
    return 2 * settings.azimuths
}

/// Tile cores of a map operation are whole horizon blocks (computed horizons), or whole engine blocks
/// (horizons from a file), so every cell is computed as in a single-process run.
func horizonAlignment(_ source: HorizonSource, dem: RasterDataset) throws -> Int {
    guard case let .compute(settings) = source else { return try HorizonSource.alignment(dem) }
    return try settings.blockAlignment(dem)
}
