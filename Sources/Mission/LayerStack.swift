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
    /// file in `scratchDirectory`); the profile sets the azimuths and the observer height. `precomputed`: the
    /// time layers and shadow mask from a tiled run's first pass, read instead of computed.
    public static func compute(profile: MissionProfile, grid: SiteGrid, ephemeris: any EphemerisSource, threads: Int,
                               horizons horizonSettings: HorizonSettings = HorizonSettings(), scratchDirectory: String? = nil,
                               precomputed: PrecomputedLayers? = nil, progress: @escaping (Double) -> Void = { _ in }) throws -> LayerStack {
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
        if profile.needsTime {
            // The engines compute in blocks aligned to the raster's grid (`EngineTiles`): every cell of the
            // window is computed in its whole block, the window grown to block edges, so its values do not
            // depend on the window. PSR layers need the shadowed cells around the window out to the reach.
            let windows = try TimeLayers.windows(profile: profile, dataset: dataset, window: window, marginKm: horizonSettings.marginKm)
            var time: TimeLayers
            if let precomputed {
                time = try precomputed.read(dataset: dataset, maps: windows.maps, shadow: windows.shadow)
            } else {
                time = try TimeLayers.compute(profile: profile, dataset: dataset, maps: windows.maps, shadow: windows.shadow, ephemeris: ephemeris,
                                              settings: horizonSettings, threads: threads, scratchDirectory: scratchDirectory ?? NSTemporaryDirectory(),
                                              progress: { progress(0.1 + 0.6 * $0) })
            }
            stack.notes += time.notes
            if let maps = time.maps {
                let own = window.relative(to: maps)
                // Moved out one by one (a window that is the whole map shares its storage), so no layer is held twice.
                for layer in Array(time.layers.keys) where needed.contains(layer) {
                    stack.layers[layer] = time.layers.removeValue(forKey: layer)!.window(rows: own.rows, columns: own.columns)
                }
                time.layers = [:]
            }
            if let lit = time.shadow, let shadowed = time.shadowed {
                try stack.addShadowReachLayers(profile: profile, grid: grid, lit: lit, shadowed: shadowed, reachM: windows.reachM, threads: threads)
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
    /// The layers that measure the way to permanent shadow (`psr_distance_m`, `psr_traverse_m`,
    /// `psr_traverse_h`) on the window, from the shadow mask of `lit` (the window grown by the reach).
    mutating func addShadowReachLayers(profile: MissionProfile, grid: SiteGrid, lit: RasterWindow, shadowed: Grid, reachM reach: Double,
                                       threads: Int) throws {
        let dataset = grid.dataset
        let needed = Set(profile.criteria.map(\.layer))
        let inLit = grid.window.relative(to: lit)
        if needed.contains(.psrDistance) {
            var distance = Self.psrDistance(shadowed, window: lit, grid: grid, threads: threads)
            for i in distance.values.indices where distance.values[i] > Float(reach) { distance.values[i] = .infinity }
            layers[.psrDistance] = distance.window(rows: inLit.rows, columns: inLit.columns)
        }
        if !needed.isDisjoint(with: [.psrTraverseM, .psrTraverseH]) {
            let dem = try dataset.read(column: lit.column, row: lit.row, width: lit.width, height: lit.height)
            let access = try PSRAccess.layers(dataset, window: lit, dem: dem, shadowed: shadowed, rover: profile.rover ?? RoverProfile.load("distance"),
                                              reachM: reach, metres: needed.contains(.psrTraverseM), hours: needed.contains(.psrTraverseH),
                                              threads: threads)
            if let m = access.metres { layers[.psrTraverseM] = m.window(rows: inLit.rows, columns: inLit.columns) }
            if let h = access.hours {
                layers[.psrTraverseH] = h.window(rows: inLit.rows, columns: inLit.columns)
                notes.append("psr_traverse_h is the rover's driving time to permanent shadow, without the waits that sunlight and links "
                             + "impose (the time window does not enter it); the ranked sites' dated arrival, waits included, is psr_dated_h "
                             + "(with a timed rover), and from any point: farside traverse --to-psr --start/--end")
            }
        }
        if !shadowed.values.contains(1) { notes.append("no permanently shadowed cell within \(reach) m of the window: psr_distance_m is infinite") }
    }

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
