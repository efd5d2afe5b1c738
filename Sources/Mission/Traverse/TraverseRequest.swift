import Ephemeris
import Foundation
import GeoRaster
import Orbits
import Traverse
import Visibility

/// A planetocentric latitude and east longitude, degrees.
public struct GeoPoint: Sendable, Equatable, CustomStringConvertible {
    public var lat: Double
    public var lon: Double
    public init(lat: Double, lon: Double) { self.lat = lat; self.lon = lon }

    /// "LAT,LON" as the command line gives it.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let lat = parts[0], let lon = parts[1], lat.isFinite, lon.isFinite, abs(lat) <= 90, lon >= -180, lon <= 360 else {
            throw FarSideError.usage("'\(text)': expected LAT,LON in degrees (-90 ... 90, -180 ... 360), e.g. -89.45,222.7")
        }
        self.init(lat: lat, lon: lon)
    }

    public var description: String { String(format: "%.5f,%.5f", lat, lon) }
}

/// What a traverse needs besides the DEM: where from and to, which rover, the moves, the time window and
/// where its sunlight and links come from.
public struct TraverseRequest: Sendable {
    public var origin: GeoPoint
    public var targets: [GeoPoint]
    public var rover: RoverProfile
    public var neighbourhood: Neighbourhood = .eight
    /// The time window (nil: a static cost-distance run; the rover's time rules are then not applied).
    public var time: TimeWindow?
    /// Horizons for sunlight and links (computed with the rover's height, or read from a file).
    public var horizons: HorizonSource = .compute(HorizonSettings())
    /// The relay constellation, for rovers whose link is `relay` or `earth_or_relay`.
    public var relay: Constellation?
    public var relayMinElevationDeg = 5.0
    /// Cost beyond which the search stops, in the rover's cost unit (nil: none). It bounds the window read:
    /// the limit divided by the rover's least cost per metre.
    public var maxCost: Double?
    /// How many label families the time-dependent search keeps per cell (more: more cells proven earliest,
    /// slower; `FamilyCap`, docs/methods/earliest-arrival.md).
    public var familyCap = FamilyCap.traverse
    /// Also a route to the nearest permanently shadowed cell the rover may enter (for a rover kept out of
    /// permanent shadow, the nearest passable cell beside one): the cheapest, or with a time window the
    /// earliest reached (`TraverseResult.shadowRoute`). Permanent shadow is found over the time window.
    public var toShadow = false
    /// With `toShadow` and a time window, that route is all the caller wants: the time searches stop once
    /// its arrival is known, so travel_time_h and its bound hold only the cells reached by then.
    public var stopAtShadow = false
    public var threads = 1

    public init(origin: GeoPoint, targets: [GeoPoint], rover: RoverProfile) {
        self.origin = origin
        self.targets = targets
        self.rover = rover
    }
}
