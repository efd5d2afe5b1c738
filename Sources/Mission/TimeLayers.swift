import Ephemeris
import Foundation
import GeoRaster
import Orbits
import Visibility

/// A profile's time-dependent layers on one window of a DEM, and the permanently shadowed cells of a
/// wider window: sun fraction, longest darkness and Earth visibility (illumination engine), relay and
/// comms visibility (relay engine), each from the horizons of the horizon rule (`HorizonSettings`); the
/// shadow mask (1 where no part of the Sun is seen at any step: a sun fraction of 0) over the window grown
/// by the profile's PSR reach, for the layers that measure the way to permanent shadow.
///
/// Both windows are aligned to the engines' blocks, whose grid is the raster's own, so a cell's values do
/// not depend on the window it was computed in: a tiled run computes the same values piece by piece
/// (`compute` on a piece of the shadow window) and reads them back (`PrecomputedLayers`).
public struct TimeLayers {
    /// The window of `layers` (nil: no map layer was asked for).
    public var maps: RasterWindow?
    /// Map layers (`mapLayers`) on `maps`.
    public var layers: [Layer: Grid] = [:]
    /// The window of `shadowed` (nil: no layer needs permanent shadow).
    public var shadow: RasterWindow?
    /// 1 where permanently shadowed, 0 elsewhere (nodata cells too), on `shadow`.
    public var shadowed: Grid?
    public var notes: [String] = []

    /// The layers computed on the map window.
    public static let illuminationLayers: Set<Layer> = [.sunFraction, .maxDarknessHours, .earthFraction]
    public static let relayLayers: Set<Layer> = [.relayFraction, .relayMaxGapHours, .commsFraction]
    public static let mapLayers = illuminationLayers.union(relayLayers)

    /// The windows the time layers of `window` need: the map window (`window` aligned outward to the engines'
    /// blocks) and, when a criterion measures the way to permanent shadow, the shadow window (`window` grown
    /// by the PSR reach, then aligned), both clamped to the DEM; and the reach in metres.
    public static func windows(profile: MissionProfile, dataset: RasterDataset, window: RasterWindow, marginKm: Double) throws
        -> (maps: RasterWindow, shadow: RasterWindow?, reachM: Double) {
        // Geographic and cylindrical grids are not tiled: their window is computed whole (`HorizonSettings.blocks`).
        let alignment = RasterDataset.isLatLonLike(dataset.crs) ? 1 : try HorizonSource.alignment(dataset)
        let maps = window.alignedOutward(to: alignment).clamped(width: dataset.width, height: dataset.height)
        let reach = profile.psrReachM ?? marginKm * 1000
        guard profile.needsShadowReach else { return (maps, nil, reach) }
        let m = HorizonSettings(marginKm: reach / 1000).marginCells(dataset, window: window)
        let shadow = window.expanded(rows: m.rows, columns: m.columns).alignedOutward(to: alignment).clamped(width: dataset.width, height: dataset.height)
        return (maps, shadow, reach)
    }

    /// Computes the map layers the profile's criteria name on `maps` and the shadow mask on `shadow`
    /// (which holds `maps` when both are given). Horizons are computed once, for `shadow ?? maps`; the
    /// shadow mask comes from the map window's sun fraction where it covers it, and from the illumination
    /// engine's fractions (a small part of its cost) on the rest.
    public static func compute(profile: MissionProfile, dataset: RasterDataset, maps: RasterWindow?, shadow: RasterWindow?,
                               ephemeris: any EphemerisSource, settings: HorizonSettings, threads: Int, scratchDirectory: String,
                               progress: @escaping (Double) -> Void = { _ in }) throws -> TimeLayers {
        guard let start = profile.start, let end = profile.end else { throw FarSideError.usage("profile \(profile.name): no time window") }
        let time = try TimeWindow(start: start, end: end, step: profile.stepSeconds)
        guard ephemeris.coverage.contains(start), ephemeris.coverage.contains(end) else {
            throw FarSideError.badInput("profile time window: outside the coverage of \(ephemeris.name)")
        }
        let needed = Set(profile.criteria.map(\.layer))
        var result = TimeLayers(maps: needed.isDisjoint(with: mapLayers) ? nil : maps, shadow: shadow)
        guard let all = shadow ?? result.maps else { return result }
        precondition(result.maps.map { all.contains($0) } ?? true, "the shadow window holds the map window")
        var settings = settings
        settings.azimuths = profile.azimuths
        settings.observerHeight = profile.heightM
        settings.assumeCRS = dataset.options.assumeCRS
        let horizons = try WindowHorizons.compute(dataset, window: all, settings: settings, threads: threads, scratchDirectory: scratchDirectory,
                                                  progress: { progress(0.4 * $0) })
        defer { horizons.cleanUp() }
        result.notes = horizons.notes
        /// `part`'s heights and horizons, cut from the horizon window's.
        func cut(_ part: RasterWindow) -> (dem: Grid, horizons: HorizonWindow) {
            let p = part.relative(to: all)
            return (horizons.dem.window(rows: p.rows, columns: p.columns),
                    HorizonWindow(base: horizons.profiles, rowOffset: p.row, columnOffset: p.column, width: part.width, height: part.height))
        }
        var illumination = IlluminationMapping(time: time, horizons: .compute(settings))
        illumination.threads = threads
        let needsSun = shadow != nil || !needed.isDisjoint(with: illuminationLayers)
        let track = needsSun ? BodyTrack.compute(ephemeris, window: time, threads: threads) : nil
        var sunOnMaps: Grid?
        if let maps = result.maps, let track, !needed.isDisjoint(with: illuminationLayers) || shadow == maps {
            let (dem, profiles) = cut(maps)
            let m = try illumination.maps(dataset, window: maps, dem: dem, horizons: profiles, observerHeight: profile.heightM, track: track)
            result.layers[.sunFraction] = m.sunFraction
            result.layers[.maxDarknessHours] = m.maxDarknessHours
            result.layers[.earthFraction] = m.earthFraction
            sunOnMaps = m.sunFraction
        }
        progress(0.6)
        if let shadow, let track {
            // The sun fraction over the shadow window: the map window's own, and on the ring around it (at
            // most four rectangles) the fractions alone.
            var sun = Grid(width: shadow.width, height: shadow.height)
            var covered: RasterWindow?
            if let maps = result.maps, let own = sunOnMaps {
                let p = maps.relative(to: shadow)
                sun.paste(own, row: p.row, column: p.column)
                covered = maps
            }
            for ring in shadow.subtracting(covered) {
                let (dem, profiles) = cut(ring)
                let f = try illumination.maps(dataset, window: ring, dem: dem, horizons: profiles, observerHeight: profile.heightM, track: track,
                                              fractionsOnly: true)
                let p = ring.relative(to: shadow)
                sun.paste(f.sunFraction, row: p.row, column: p.column)
            }
            result.shadowed = Grid(width: shadow.width, height: shadow.height, values: sun.values.map { $0 == 0 ? 1 : 0 })
        }
        progress(0.7)
        if let maps = result.maps, !needed.isDisjoint(with: relayLayers) {
            let constellation = try BuiltInOrbits.resolve(profile.orbit, ephemeris: ephemeris)
            var relay = RelayMapping(time: time, horizons: .compute(settings), constellation: constellation)
            relay.threads = threads
            relay.minElevationDeg = profile.minElevationDeg
            let (dem, profiles) = cut(maps)
            let m = try relay.maps(dataset, window: maps, dem: dem, horizons: profiles, observerHeight: profile.heightM,
                                   track: RelayTrack.sample(constellation, ephemeris: ephemeris, window: time))
            result.layers[.relayFraction] = m.relayFraction
            result.layers[.relayMaxGapHours] = m.relayMaxGapHours
            result.layers[.commsFraction] = m.commsFraction
        }
        progress(1)
        return result
    }
}

/// Time layers a first pass of a tiled run computed piece by piece (`TimeLayers.compute` on each piece,
/// written as GeoTIFFs on the DEM's grid), read back through mosaics of the pieces (VRTs): a layer's file
/// by its name (`fileName`), and the shadow mask's.
public struct PrecomputedLayers: Sendable {
    public var layers: [Layer: String]
    public var shadow: String?

    public init(layers: [Layer: String], shadow: String?) {
        self.layers = layers
        self.shadow = shadow
    }

    /// The first pass's mosaics (VRT paths by its file names, `fileName`) for the layers `profile` needs.
    public init(mosaics: [String: String], profile: MissionProfile) {
        var layers: [Layer: String] = [:]
        for c in profile.criteria where TimeLayers.mapLayers.contains(c.layer) { layers[c.layer] = mosaics[Self.fileName(c.layer)] }
        self.init(layers: layers, shadow: mosaics[Self.shadowFileName])
    }

    /// The file a first pass writes a layer to ("time-sun_fraction.tif"), and the shadow mask's.
    public static func fileName(_ layer: Layer) -> String { "time-\(layer.name).tif" }
    public static let shadowFileName = "time-shadow.tif"

    /// The layers on `maps` and the shadow mask on `shadow`, read from the mosaics (`dataset`'s grid).
    public func read(dataset: RasterDataset, maps: RasterWindow, shadow shadowWindow: RasterWindow?) throws -> TimeLayers {
        func read(_ path: String, _ w: RasterWindow) throws -> Grid {
            let mosaic = try RasterDataset.open(path)
            defer { mosaic.close() }
            guard mosaic.width == dataset.width, mosaic.height == dataset.height else {
                throw FarSideError.failure("\(path): \(mosaic.width) x \(mosaic.height), not the DEM's grid")
            }
            return try mosaic.read(column: w.column, row: w.row, width: w.width, height: w.height)
        }
        var result = TimeLayers(maps: layers.isEmpty ? nil : maps, shadow: shadowWindow)
        for (layer, path) in layers { result.layers[layer] = try read(path, maps) }
        if let shadowWindow {
            guard let shadow else { throw FarSideError.failure("no shadow mask from the first pass") }
            var grid = try read(shadow, shadowWindow)
            for i in grid.values.indices where grid.values[i] != 1 { grid.values[i] = 0 }
            result.shadowed = grid
        }
        return result
    }
}
