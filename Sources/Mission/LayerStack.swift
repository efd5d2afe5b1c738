import Ephemeris
import Foundation
import GeoRaster
import Horizon
import Orbits
import SiteSelection
import Terrain
import Visibility

/// The layers a profile's criteria need, computed on demand on the region's window of the DEM:
/// elevation, slope and roughness (Horn 1981), sunlight, darkness and Earth visibility (illumination
/// engine), relay and comms visibility (relay engine), distance to permanently shadowed cells (exact
/// Euclidean distance transform), and user rasters resampled onto the grid through GDAL.
public struct LayerStack: @unchecked Sendable {
    public var layers: [Layer: Grid] = [:]
    public var notes: [String] = []

    public static func compute(profile: MissionProfile, grid: SiteGrid, ephemeris: any EphemerisSource,
                               threads: Int, progress: (Double) -> Void = { _ in }) throws -> LayerStack {
        var stack = LayerStack()
        let dataset = grid.dataset
        let needed = Set(profile.criteria.map(\.layer))
        let outer = try dataset.read(column: grid.outerColumns.lowerBound, row: grid.outerRows.lowerBound,
                                     width: grid.outerColumns.count, height: grid.outerRows.count)
        guard outer.validCount > 0 else { throw FarSideError.badInput("\(dataset.path): every cell of the region is nodata") }
        let inner = (rows: (grid.rows.lowerBound - grid.outerRows.lowerBound)..<(grid.rows.upperBound - grid.outerRows.lowerBound),
                     columns: (grid.columns.lowerBound - grid.outerColumns.lowerBound)..<(grid.columns.upperBound - grid.outerColumns.lowerBound))
        let dem = outer.window(rows: inner.rows, columns: inner.columns)
        stack.layers[.elevation] = dem
        let outerMetrics = grid.cellMetrics.rows(grid.outerRows)
        if !needed.isDisjoint(with: [.slope, .roughness]) {
            let t = TerrainKernels.compute(outer, metrics: outerMetrics, products: [.slope, .roughness], threads: threads)
            stack.layers[.slope] = t[.slope]!.window(rows: inner.rows, columns: inner.columns)
            stack.layers[.roughness] = t[.roughness]!.window(rows: inner.rows, columns: inner.columns)
        }
        progress(0.1)
        if profile.needsTime, let start = profile.start, let end = profile.end {
            let window = try TimeWindow(start: start, end: end, step: profile.stepSeconds)
            guard ephemeris.coverage.contains(start), ephemeris.coverage.contains(end) else {
                throw FarSideError.badInput("profile time window: outside the coverage of \(ephemeris.name)")
            }
            let mid = outer.height / 2
            let options = HorizonOptions(azimuthCount: profile.azimuths, observerHeight: profile.heightM, radius: dataset.radius, threads: threads)
            // Geographic/cylindrical grids whose cell sizes vary too much for one sweep (near a pole, wide
            // latitude spans, cylindrical metres far from the standard parallel): horizons on a projected
            // grid, resampled back per cell (`ProjectedHorizons`).
            let cube: any HorizonProfiles
            if let plan = try ProjectedHorizons.plan(dataset, rows: grid.outerRows, columns: grid.outerColumns,
                                                     sweepDx: outerMetrics.dx[mid], sweepDy: outerMetrics.dy[mid], azimuths: profile.azimuths) {
                stack.notes.append(plan.note(for: dataset.path))
                cube = try ProjectedHorizons.compute(dataset, rows: grid.outerRows, columns: grid.outerColumns, plan: plan,
                                                     options: options, dem: outer)
            } else {
                cube = HorizonMap.cube(outer, dx: outerMetrics.dx[mid], dy: outerMetrics.dy[mid], options: options, storage: .int16CentiDegrees)
            }
            progress(0.4)
            let horizons = HorizonWindow(base: cube, rowOffset: inner.rows.lowerBound, columnOffset: inner.columns.lowerBound,
                                         width: dem.width, height: dem.height)
            let illuminationLayers: Set<Layer> = [.sunFraction, .maxDarknessHours, .earthFraction, .psrDistance]
            if !needed.isDisjoint(with: illuminationLayers) {
                let track = BodyTrack.compute(ephemeris, window: window, threads: threads)
                var engine = IlluminationEngine()
                engine.threads = threads
                engine.observerHeight = profile.heightM
                engine.radius = dataset.radius
                engine.windowHours = window.durationHours
                // PSR distances need shadowed cells outside the region too: the whole outer grid then.
                let wide = needed.contains(.psrDistance)
                let maps = try engine.run(dem: wide ? outer : dem, transform: wide ? grid.outerTransform : grid.transform,
                                          transformer: grid.transformer, horizon: wide ? cube : horizons as any HorizonProfiles, track: track,
                                          stepHours: window.stepHours)
                func crop(_ g: Grid) -> Grid { wide ? g.window(rows: inner.rows, columns: inner.columns) : g }
                stack.layers[.sunFraction] = crop(maps.sunFraction)
                stack.layers[.maxDarknessHours] = crop(maps.maxDarknessHours)
                stack.layers[.earthFraction] = crop(maps.earthFraction)
                if wide {
                    let shadowed = Grid(width: outer.width, height: outer.height, values: maps.psr.values.map { $0 == 1 ? 1 : 0 })
                    let distance: Grid
                    if RasterDataset.isLatLonLike(dataset.crs) {
                        // Rows are parallels: the separable transform's flat spacing is wrong near a pole and
                        // misses neighbours across the pole or the longitude seam; exact great circles instead.
                        var points = [SIMD3<Double>](repeating: SIMD3(repeating: .nan), count: outer.width * outer.height)
                        for r in 0..<outer.height {
                            for c in 0..<outer.width {
                                if let ll = dataset.latLon(column: Double(grid.outerColumns.lowerBound + c), row: Double(grid.outerRows.lowerBound + r),
                                                           using: grid.transformer) {
                                    points[r * outer.width + c] = SurfaceFrame.unitVector(lat: ll.lat, lon: ll.lon)
                                }
                            }
                        }
                        distance = SphericalDistance.distance(to: shadowed, points: points, radius: dataset.radius, threads: threads)
                    } else {
                        distance = DistanceTransform.distance(to: shadowed, metrics: outerMetrics, threads: threads)
                    }
                    stack.layers[.psrDistance] = crop(distance)
                    if !shadowed.values.contains(1) { stack.notes.append("no permanently shadowed cell in the window and margin: psr_distance_m is infinite") }
                }
            }
            progress(0.7)
            let relayLayers: Set<Layer> = [.relayFraction, .relayMaxGapHours, .commsFraction]
            if !needed.isDisjoint(with: relayLayers) {
                let track = RelayTrack.sample(try BuiltInOrbits.resolve(profile.orbit, ephemeris: ephemeris), ephemeris: ephemeris, window: window)
                var engine = RelayMapEngine()
                engine.threads = threads
                engine.minElevationDeg = profile.minElevationDeg
                engine.observerHeight = profile.heightM
                engine.radius = dataset.radius
                engine.windowHours = window.durationHours
                let maps = try engine.run(dem: dem, transform: grid.transform, transformer: grid.transformer, horizon: horizons,
                                          satellites: track.satellites, earth: track.earth, stepHours: window.stepHours)
                stack.layers[.relayFraction] = maps.relayFraction
                stack.layers[.relayMaxGapHours] = maps.relayMaxGapHours
                stack.layers[.commsFraction] = maps.commsFraction
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
