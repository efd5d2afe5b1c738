import Ephemeris
import Foundation
import GeoRaster
import Horizon
import Orbits
import SiteSelection
import Terrain
import Visibility

/// The layers a profile's criteria need, computed on demand on a window of the DEM (the region's, or a
/// tile of it): elevation, slope and roughness (Horn 1981), sunlight, darkness and Earth visibility
/// (illumination engine), relay and comms visibility (relay engine), distance to permanently shadowed cells
/// (exact Euclidean distance transform, or great circles on lat/lon grids), and user rasters resampled
/// onto the grid through GDAL.
///
/// Every layer of a cell depends only on terrain within fixed distances of it, never on the window's
/// extent, so a tile computes the same values as a whole-region run: slope and roughness read one cell
/// around the window; horizons the horizon margin (`HorizonSettings`); the distance to permanently
/// shadowed cells is exact up to the profile's PSR reach (`MissionProfile.psrReachM`: the largest
/// distance its criterion tells apart) and infinite beyond it, the illumination being computed on the
/// window grown by that reach.
public struct LayerStack: @unchecked Sendable {
    public var layers: [Layer: Grid] = [:]
    public var notes: [String] = []

    /// `horizons`: the horizon margin, block and memory budget (a cube larger than it goes through a temporary
    /// file in `scratchDirectory`); the profile sets the azimuths and the observer height.
    public static func compute(profile: MissionProfile, grid: SiteGrid, ephemeris: any EphemerisSource, threads: Int,
                               horizons horizonSettings: HorizonSettings = HorizonSettings(), scratchDirectory: String? = nil,
                               progress: @escaping (Double) -> Void = { _ in }) throws -> LayerStack {
        var stack = LayerStack()
        let dataset = grid.dataset
        let needed = Set(profile.criteria.map(\.layer))
        let window = grid.window
        // One cell around the window for the 3 x 3 terrain kernels.
        let terrainRead = window.expanded(by: 1).clamped(width: dataset.width, height: dataset.height)
        let terrainDEM = try dataset.read(column: terrainRead.column, row: terrainRead.row, width: terrainRead.width, height: terrainRead.height)
        let inner = window.relative(to: terrainRead)
        let dem = terrainDEM.window(rows: inner.rows, columns: inner.columns)
        guard dem.validCount > 0 else { throw FarSideError.badInput("\(dataset.path): every cell of the region is nodata") }
        stack.layers[.elevation] = dem
        StageLog.note("layers: \(window.width) x \(window.height) cells at column \(window.column), row \(window.row)")
        if !needed.isDisjoint(with: [.slope, .roughness]) {
            let t = TerrainKernels.compute(terrainDEM, metrics: grid.cellMetrics.rows(terrainRead.rows), products: [.slope, .roughness], threads: threads)
            stack.layers[.slope] = t[.slope]!.window(rows: inner.rows, columns: inner.columns)
            stack.layers[.roughness] = t[.roughness]!.window(rows: inner.rows, columns: inner.columns)
        }
        progress(0.1)
        if profile.needsTime, let start = profile.start, let end = profile.end {
            let time = try TimeWindow(start: start, end: end, step: profile.stepSeconds)
            guard ephemeris.coverage.contains(start), ephemeris.coverage.contains(end) else {
                throw FarSideError.badInput("profile time window: outside the coverage of \(ephemeris.name)")
            }
            var settings = horizonSettings
            settings.azimuths = profile.azimuths
            settings.observerHeight = profile.heightM
            settings.assumeCRS = dataset.options.assumeCRS
            // The engines compute in blocks aligned to the raster's grid (`EngineTiles`): every cell of the
            // window is computed in its whole block, the window grown to block edges, so its values do not
            // depend on the window. PSR distances need shadowed cells around the window: illumination on the
            // window grown by the reach (then to block edges).
            // (Geographic and cylindrical grids are not tiled: their window is computed whole, `HorizonSettings.blocks`.)
            let alignment = RasterDataset.isLatLonLike(dataset.crs) ? 1 : try HorizonSource.alignment(dataset)
            let aligned = window.alignedOutward(to: alignment).clamped(width: dataset.width, height: dataset.height)
            let wide = needed.contains { $0.needsShadowReach }
            let reach = profile.psrReachM ?? settings.marginKm * 1000
            var lit = aligned
            if wide {
                let m = HorizonSettings(marginKm: reach / 1000).marginCells(dataset, window: window)
                lit = window.expanded(rows: m.rows, columns: m.columns).alignedOutward(to: alignment)
                    .clamped(width: dataset.width, height: dataset.height)
            }
            let horizons = try WindowHorizons.compute(dataset, window: lit, settings: settings, threads: threads,
                                                      scratchDirectory: scratchDirectory ?? NSTemporaryDirectory(),
                                                      progress: { progress(0.1 + 0.3 * $0) })
            defer { horizons.cleanUp() }
            stack.notes += horizons.notes
            let illuminationLayers: Set<Layer> = [.sunFraction, .maxDarknessHours, .earthFraction, .psrDistance, .psrTraverseM, .psrTraverseH]
            if !needed.isDisjoint(with: illuminationLayers) {
                var mapping = IlluminationMapping(time: time, horizons: .compute(settings))
                mapping.threads = threads
                let track = BodyTrack.compute(ephemeris, window: time, threads: threads)
                let inLit = aligned.relative(to: lit)
                let maps = try mapping.maps(dataset, window: aligned, dem: horizons.dem.window(rows: inLit.rows, columns: inLit.columns),
                                            horizons: HorizonWindow(base: horizons.profiles, rowOffset: inLit.row, columnOffset: inLit.column,
                                                                    width: aligned.width, height: aligned.height),
                                            observerHeight: profile.heightM, track: track)
                let own = window.relative(to: aligned)
                stack.layers[.sunFraction] = maps.sunFraction.window(rows: own.rows, columns: own.columns)
                stack.layers[.maxDarknessHours] = maps.maxDarknessHours.window(rows: own.rows, columns: own.columns)
                stack.layers[.earthFraction] = maps.earthFraction.window(rows: own.rows, columns: own.columns)
                if wide {
                    // Permanently shadowed: a sun fraction of 0 (the fractions alone, over the window and its reach).
                    let fractions = try mapping.maps(dataset, window: lit, dem: horizons.dem, horizons: horizons.profiles,
                                                     observerHeight: profile.heightM, track: track, fractionsOnly: true)
                    let shadowed = Grid(width: lit.width, height: lit.height, values: fractions.sunFraction.values.map { $0 == 0 ? 1 : 0 })
                    let inLitWindow = window.relative(to: lit)
                    if needed.contains(.psrDistance) {
                        var distance = psrDistance(shadowed, window: lit, grid: grid, threads: threads)
                        for i in distance.values.indices where distance.values[i] > Float(reach) { distance.values[i] = .infinity }
                        stack.layers[.psrDistance] = distance.window(rows: inLitWindow.rows, columns: inLitWindow.columns)
                    }
                    if !needed.isDisjoint(with: [.psrTraverseM, .psrTraverseH]) {
                        let access = try PSRAccess.layers(dataset, window: lit, dem: horizons.dem, shadowed: shadowed, rover: profile.rover ?? RoverProfile.load("distance"),
                                                          reachM: reach, metres: needed.contains(.psrTraverseM), hours: needed.contains(.psrTraverseH),
                                                          threads: threads)
                        if let m = access.metres { stack.layers[.psrTraverseM] = m.window(rows: inLitWindow.rows, columns: inLitWindow.columns) }
                        if let h = access.hours { stack.layers[.psrTraverseH] = h.window(rows: inLitWindow.rows, columns: inLitWindow.columns) }
                    }
                    if !shadowed.values.contains(1) { stack.notes.append("no permanently shadowed cell within \(reach) m of the window: psr_distance_m is infinite") }
                }
            }
            progress(0.7)
            let relayLayers: Set<Layer> = [.relayFraction, .relayMaxGapHours, .commsFraction]
            if !needed.isDisjoint(with: relayLayers) {
                let constellation = try BuiltInOrbits.resolve(profile.orbit, ephemeris: ephemeris)
                var mapping = RelayMapping(time: time, horizons: .compute(settings), constellation: constellation)
                mapping.threads = threads
                mapping.minElevationDeg = profile.minElevationDeg
                let inLit = aligned.relative(to: lit)
                let maps = try mapping.maps(dataset, window: aligned, dem: horizons.dem.window(rows: inLit.rows, columns: inLit.columns),
                                            horizons: HorizonWindow(base: horizons.profiles, rowOffset: inLit.row, columnOffset: inLit.column,
                                                                    width: aligned.width, height: aligned.height),
                                            observerHeight: profile.heightM,
                                            track: RelayTrack.sample(constellation, ephemeris: ephemeris, window: time))
                let own = window.relative(to: aligned)
                stack.layers[.relayFraction] = maps.relayFraction.window(rows: own.rows, columns: own.columns)
                stack.layers[.relayMaxGapHours] = maps.relayMaxGapHours.window(rows: own.rows, columns: own.columns)
                stack.layers[.commsFraction] = maps.commsFraction.window(rows: own.rows, columns: own.columns)
            }
        }
        progress(0.9)
        for criterion in profile.criteria {
            guard case .raster(let file) = criterion.layer else { continue }
            let source = try RasterDataset.open(file)
            defer { source.close() }
            stack.layers[criterion.layer] = try RasterWarp.resample(source, crsWKT: dataset.crs.wkt, transform: grid.transform,
                                                                    width: dem.width, height: dem.height)
        }
        return stack
    }

    /// The grid for a criterion.
    public func layer(for criterion: MissionProfile.Criterion) -> Grid? {
        layers[criterion.layer]
    }
}

extension LayerStack {
    /// Metres from each cell of `window` to the nearest shadowed cell of it.
    static func psrDistance(_ shadowed: Grid, window: RasterWindow, grid: SiteGrid, threads: Int) -> Grid {
        let dataset = grid.dataset
        guard RasterDataset.isLatLonLike(dataset.crs) else {
            return DistanceTransform.distance(to: shadowed, metrics: grid.cellMetrics.rows(window.rows), threads: threads)
        }
        // Rows are parallels: the separable transform's flat spacing is wrong near a pole and misses
        // neighbours across the pole or the longitude seam; exact great circles instead.
        var points = [SIMD3<Double>](repeating: SIMD3(repeating: .nan), count: window.cellCount)
        for r in 0..<window.height {
            for c in 0..<window.width {
                if let ll = dataset.latLon(column: Double(window.column + c), row: Double(window.row + r), using: grid.transformer) {
                    points[r * window.width + c] = SurfaceFrame.unitVector(lat: ll.lat, lon: ll.lon)
                }
            }
        }
        return SphericalDistance.distance(to: shadowed, points: points, radius: dataset.radius, threads: threads)
    }
}
