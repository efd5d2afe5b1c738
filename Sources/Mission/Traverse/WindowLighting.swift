import Ephemeris
import Foundation
import GeoRaster
import Horizon
import Orbits
import Traverse
import Visibility

/// Sunlight and links of a traverse's window: its horizons (computed at the rover's height, with the horizon
/// margin, or read from a file), permanent shadow when asked (no part of the Sun seen in the window: sun
/// fraction 0, as `rank`'s psr; only a rover kept out of it needs it) and, for time-dependent searches, the per-cell runs of lit and linked steps
/// (`StepStateEngine`: lit = the Sun's centre above the terrain and the rover's minimum Sun elevation;
/// linked = the Earth above the terrain, a relay by `RelayMapEngine`'s rules, or either, by the rover's
/// link), for the window's cells or those of `cells` (the others: never lit, never linked).
struct WindowLighting {
    var psr: [Bool]?
    var lit: StepRuns?
    var linked: StepRuns?
    var notes: [String]

    static func compute(_ dataset: RasterDataset, window: RasterWindow, dem: Grid, time: TimeWindow, request: TraverseRequest,
                        ephemeris: any EphemerisSource, needPSR: Bool, needStates: Bool, cells: [Bool]? = nil, scratchDirectory: String,
                        progress: ((Double) -> Void)?) throws -> WindowLighting {
        var source = request.horizons
        if case .compute(var settings) = source {
            settings.observerHeight = request.rover.time?.heightM ?? settings.observerHeight
            source = .compute(settings)
        }
        let horizons = try source.horizons(dataset, window: window, threads: request.threads, scratchDirectory: scratchDirectory,
                                           observers: cells, progress: { progress?(0.6 * $0) })
        defer { horizons.cleanUp() }
        let track = BodyTrack.compute(ephemeris, window: time, threads: request.threads)
        var lighting = WindowLighting(psr: nil, lit: nil, linked: nil, notes: horizons.notes)
        if needPSR {
            // A pass over every step of its own (the Sun's disc, not the lit state's centre): 5 of the 60 s of
            // a 2048 x 2048, 720-step run, so only when the rover's rules need it.
            var mapping = IlluminationMapping(time: time, horizons: source)
            mapping.threads = request.threads
            let fractions = try mapping.maps(dataset, window: window, dem: dem, horizons: horizons.profiles, observerHeight: horizons.observerHeight,
                                             track: track, fractionsOnly: true)
            lighting.psr = fractions.psr.values.map { $0 == 1 }
        }
        progress?(0.8)
        guard needStates, let rules = request.rover.time else { return lighting }
        StageLog.note("traverse: lit and linked steps of \(window.width) x \(window.height) cells over \(time.count) steps")
        var engine = StepStateEngine()
        engine.threads = request.threads
        engine.observerHeight = horizons.observerHeight
        engine.radius = dataset.radius
        engine.minSunElevationDeg = rules.minSunElevationDeg
        engine.cells = cells
        engine.rasterOrigin = RasterOrigin(row: window.row, column: window.column)
        engine.rasterTransform = dataset.geoTransform
        let transform = window.geoTransform(in: dataset.geoTransform)
        let transformer = try CoordinateTransformer(crs: dataset.crs)
        let states: StepStates
        if rules.link == .earth {
            states = try engine.run(dem: dem, transform: transform, transformer: transformer, horizon: horizons.profiles, track: track)
        } else {
            guard let constellation = request.relay else {
                throw FarSideError.usage("rover \(request.rover.name) links through a relay: the relay orbit is needed")
            }
            let relayTrack = RelayTrack.sample(constellation, ephemeris: ephemeris, window: time)
            let relays = StepStateEngine.Relays(satellites: relayTrack.satellites, minElevationDeg: request.relayMinElevationDeg)
            states = try engine.run(dem: dem, transform: transform, transformer: transformer, horizon: horizons.profiles, track: track, relays: relays)
        }
        lighting.lit = states.lit
        switch rules.link {
        case .earth: lighting.linked = states.earth
        case .relay: lighting.linked = states.relay
        case .earth_or_relay: lighting.linked = states.linked
        }
        progress?(1)
        return lighting
    }
}
