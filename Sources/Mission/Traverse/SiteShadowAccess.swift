import Ephemeris
import Foundation
import GeoRaster
import Orbits
import Traverse
import Visibility

/// A ranked site's dated way to permanent shadow (`SiteShadowAccess`).
public struct ShadowAccess: Sendable {
    /// Hours after the window's start at which the rover, leaving the site then, is first in a
    /// permanently shadowed cell it may enter (waits for sunlight and links included); nil when it gets
    /// to none within the window and the profile's reach.
    public var arrivalHours: Double?
    /// A lower bound of that earliest arrival: equal to it when it is proven earliest.
    public var lowerBoundHours: Double?
    /// Of the arrival, the hours parked or idling (the rest is driving).
    public var waitHours: Double?
    /// The shadowed cell reached.
    public var lat: Double?
    public var lon: Double?
    /// Why there is no value, or what limits it.
    public var note: String?

    /// The sites' columns (sites.csv, .geojson, .gpkg), in this order: `numbers`, then `note`.
    public static let fieldNames = ["psr_dated_h", "psr_dated_lower_h", "psr_dated_wait_h", "psr_dated_lat", "psr_dated_lon", "psr_dated_note"]

    /// The values of `fieldNames` before the note, in the same order.
    public var numbers: [Double?] { [arrivalHours, lowerBoundHours, waitHours, lat, lon] }

    /// Whether the arrival is the earliest under the rover's rules (not only a route's).
    public var proven: Bool {
        guard let a = arrivalHours, let b = lowerBoundHours else { return false }
        return b >= a - ArrivalCertificate.tolerance / 3600   // (as the traverse certifies a cell)
    }
}

/// The time-dependent `psr_traverse_h` of ranked sites: from each site, the profile rover's earliest
/// arrival at the nearest permanently shadowed cell it may enter, leaving at the profile's window start,
/// by the traverse's own search (`TraversePlanning` with `toShadow`: `EarliestArrival` through the lit and
/// linked steps of the site's surroundings, stopped at the first arrival in shadow; the site is the
/// rover's base, so it may wait there).
///
/// Why per site and not per cell: a dated arrival from every cell at one departure time is an all-to-one
/// time-dependent problem; one search from a common source does not give it, and reversing the search gives
/// latest departures for a fixed arrival instead (the value wanted needs arrival-time profiles per cell).
/// The `psr_traverse_h` layer the scorer reads stays the rover's driving time to shadow, a lower bound of
/// this value (every arrival takes at least the fastest drive); the sites' reports give both.
///
/// The search window is the profile's reach (`psr_reach_m`, metres of the rover's fastest driving) around
/// each site, its horizons computed there with the profile's azimuths and the rover's mast height, and
/// permanent shadow is the rover's (no part of the Sun over the window at that height).
public enum SiteShadowAccess {
    /// Whether a profile asks for it: a `psr_traverse_h` criterion, a rover with time rules and a window.
    public static func wanted(_ profile: MissionProfile) -> Bool {
        profile.criteria.contains { $0.layer == .psrTraverseH } && profile.rover?.time != nil && profile.start != nil && profile.end != nil
    }

    /// Fills each site's `shadowAccess` (nothing when `wanted` is false) and says what the values are in
    /// `notes`.
    public static func annotate(_ sites: inout [SiteReport], dataset: RasterDataset, profile: MissionProfile, ephemeris: any EphemerisSource,
                                horizons: HorizonSettings, threads: Int, scratchDirectory: String, notes: inout [String]) throws {
        guard wanted(profile), !sites.isEmpty else { return }
        let access = try compute(dataset, sites: sites, profile: profile, ephemeris: ephemeris, horizons: horizons, threads: threads,
                                 scratchDirectory: scratchDirectory)
        for i in sites.indices { sites[i].shadowAccess = access[i] }
        notes.append("psr_dated_h (sites): the rover's earliest arrival in permanent shadow leaving the site at the window's start, waits for "
                     + "sunlight and links included (farside traverse --to-psr); the psr_traverse_h layer scored is its driving time, a lower bound")
    }

    /// The dated access of each site (nil for all when `wanted` is false).
    public static func compute(_ dataset: RasterDataset, sites: [SiteReport], profile: MissionProfile, ephemeris: any EphemerisSource,
                               horizons: HorizonSettings, threads: Int, scratchDirectory: String,
                               progress: ((Double) -> Void)? = nil) throws -> [ShadowAccess?] {
        guard wanted(profile), let rover = profile.rover, let start = profile.start, let end = profile.end else { return sites.map { _ in nil } }
        let time = try TimeWindow(start: start, end: end, step: profile.stepSeconds)
        return try compute(dataset, origins: sites.map { GeoPoint(lat: $0.lat, lon: $0.lon) }, rover: rover, time: time,
                           reachM: profile.psrReachM ?? horizons.marginKm * 1000, profile: profile, ephemeris: ephemeris, horizons: horizons,
                           threads: threads, scratchDirectory: scratchDirectory, progress: progress)
    }

    /// From each of `origins` (the rover's base: it may wait there), leaving at `time`'s start: the rover's
    /// earliest arrival in permanent shadow within `reachM` metres of its fastest driving. `profile` gives the
    /// azimuths, the relay orbit and its minimum elevation.
    public static func compute(_ dataset: RasterDataset, origins: [GeoPoint], rover: RoverProfile, time: TimeWindow, reachM: Double,
                               profile: MissionProfile, ephemeris: any EphemerisSource, horizons: HorizonSettings, threads: Int,
                               scratchDirectory: String, progress: ((Double) -> Void)? = nil) throws -> [ShadowAccess] {
        let relay = rover.time == nil || rover.time?.link == .earth ? nil : try BuiltInOrbits.resolve(profile.orbit, ephemeris: ephemeris)
        var settings = horizons
        settings.azimuths = profile.azimuths
        settings.assumeCRS = dataset.options.assumeCRS
        var out: [ShadowAccess] = []
        for (k, origin) in origins.enumerated() {
            var request = TraverseRequest(origin: origin, targets: [], rover: rover)
            request.neighbourhood = .sixteen
            request.time = time
            request.relay = relay
            request.relayMinElevationDeg = profile.minElevationDeg
            request.horizons = .compute(settings)
            request.maxCost = reachM * rover.motion.leastCostPerMetre * rover.costScale
            request.toShadow = true
            request.stopAtShadow = true
            request.threads = threads
            var access = ShadowAccess()
            do {
                let result = try TraversePlanning.run(dataset, request: request, ephemeris: ephemeris, scratchDirectory: scratchDirectory,
                                                      memoryBytes: settings.memoryBytes,
                                                      progress: { progress?((Double(k) + $0) / Double(origins.count)) })
                if let route = result.shadowRoute, let arrival = route.arrivalHours {
                    access.arrivalHours = arrival
                    access.lowerBoundHours = result.shadowArrivalLowerHours
                    access.waitHours = route.vertices.reduce(0) { $0 + ($1.waitHours ?? 0) }
                    access.lat = route.target.lat
                    access.lon = route.target.lon
                    if !access.proven { access.note = "route found; the earliest arrival lies between the lower bound and it (the search's family cap)" }
                } else {
                    access.note = "no permanently shadowed cell reached within the window and \(Int(reachM)) m of driving"
                }
            } catch FarSideError.badInput(let why) {
                // A site the rover may not stand on, say: the value is missing there, with the reason.
                access.note = why
            }
            out.append(access)
        }
        return out
    }
}
