import Ephemeris
import Foundation
import GeoRaster
import Mission

/// The first pass of a tiled `rank` run whose profile has a time window: the time layers its criteria name
/// (sun fraction, darkness, Earth and relay visibility) and, for the layers that measure the way to
/// permanent shadow, the shadow mask, each computed once on the tile that owns the cells
/// (`TimeLayers.compute`). Its tiles cover the region's time windows (`RankMapping.timeWindows`: the map
/// window, and the shadow window grown by the PSR reach); the main pass reads them back around each core
/// (`PrecomputedLayers`) instead of computing its neighbours' horizons again in its halo.
public struct RankLayersOperation: TileOperation {
    public var mapping: RankMapping
    public var ephemeris: @Sendable () throws -> any EphemerisSource
    public var inputFiles: [String]

    public init(mapping: RankMapping, ephemeris: @escaping @Sendable () throws -> any EphemerisSource, inputFiles: [String]) {
        self.mapping = mapping
        self.ephemeris = ephemeris
        self.inputFiles = inputFiles
    }

    var profile: MissionProfile { mapping.profile }
    public var name: String { "rank-layers" }

    /// The map layers the criteria name, in the order the docs list them.
    var mapLayers: [Layer] { Layer.computed.filter { l in TimeLayers.mapLayers.contains(l) && profile.criteria.contains { $0.layer == l } } }

    public var outputNames: [String] {
        mapLayers.map(PrecomputedLayers.fileName) + (profile.needsShadowReach ? [PrecomputedLayers.shadowFileName] : [])
    }

    public func region(_ dem: RasterDataset) throws -> RasterWindow? {
        let windows = try mapping.timeWindows(try SiteGrid.bounds(dataset: dem, region: profile.region))
        return windows.shadow ?? windows.maps
    }

    /// The horizon margin (around each horizon block).
    public func halo(_ dem: RasterDataset) throws -> Int { marginCells(mapping.horizons, dem: dem) }
    public func alignment(_ dem: RasterDataset) throws -> Int { try mapping.horizons.blockAlignment(dem) }
    public var bytesPerCell: Int { 4 }
    /// Per cell: the heights, the engines' maps (six floats) and the outputs.
    public var bytesPerCoreCell: Int { 4 * (8 + outputNames.count) }
    public func fixedBytes(_ dem: RasterDataset) throws -> Int64 {
        var settings = mapping.horizons
        settings.azimuths = profile.azimuths
        return horizonFixedBytes(.compute(settings), dem: dem)
    }

    /// The piece's layers: map layers where it meets the map window (nodata elsewhere), the shadow mask on all of it.
    public func compute(input: RasterDataset, core piece: RasterWindow, threads: Int, output: TileOutput) throws -> TileResult {
        let windows = try mapping.timeWindows(try SiteGrid.bounds(dataset: input, region: profile.region))
        let maps = piece.intersection(windows.maps)
        let time = try TimeLayers.compute(profile: profile, dataset: input, maps: maps.isEmpty ? nil : maps, shadow: profile.needsShadowReach ? piece : nil,
                                          ephemeris: try ephemeris(), settings: mapping.horizons, threads: threads, scratchDirectory: output.folder)
        var rasters: [(name: String, grid: Grid, band: BandSpec)] = []
        for layer in mapLayers {
            var grid = Grid(width: piece.width, height: piece.height, repeating: .nan)
            if let m = time.maps, let values = time.layers[layer] {
                let at = m.relative(to: piece)
                grid.paste(values, row: at.row, column: at.column)
            }
            rasters.append((PrecomputedLayers.fileName(layer), grid, BandSpec(description: "\(layer.name) (first pass of a tiled rank run)")))
        }
        if let shadowed = time.shadowed {
            rasters.append((PrecomputedLayers.shadowFileName, shadowed, BandSpec(description: "1 where permanently shadowed (sun fraction 0)")))
        }
        return TileResult(rasters, metadata: ["PROFILE": profile.name], notes: time.notes)
    }
}
