import Foundation
import Traverse
import GeoRaster

/// One vertex of a route: a cell centre, with what the rover meets there.
public struct RouteVertex: Sendable {
    /// Raster row and column.
    public var row: Int
    public var column: Int
    /// Map coordinates in the DEM's CRS, and planetocentric lat/lon.
    public var x: Double
    public var y: Double
    public var lat: Double
    public var lon: Double
    public var elevation: Double
    /// The cell's slope (3 x 3 Horn), degrees.
    public var slopeDeg: Double
    /// Grade of the move that reaches this vertex (positive uphill), degrees; 0 at the start.
    public var gradeDeg: Double
    /// Planimetric distance along the route from the origin, metres.
    public var distanceM: Double
    /// Cost from the origin along this route, in the rover's cost unit.
    public var cost: Double
    /// Time-dependent runs: hours after the window's start when the rover arrives and leaves, the wait in
    /// between and why, and the cell's state when it arrives.
    public var arrivalHours: Double?
    public var departureHours: Double?
    public var waitHours: Double?
    public var waitReason: String?
    public var lit: Bool?
    public var linked: Bool?
    /// Hours since the rover was last lit / last in contact, on arrival.
    public var shadowClockHours: Double?
    public var linkClockHours: Double?
}

/// A route from the origin to one target.
public struct TraverseRoute: Sendable {
    public var targetIndex: Int
    public var target: GeoPoint
    public var vertices: [RouteVertex]
    /// A route to the nearest permanent shadow (`TraverseRequest.toShadow`), its target the cell reached.
    public var toShadow = false
    /// Total cost in the rover's cost unit.
    public var cost: Double { vertices.last?.cost ?? 0 }
    public var distanceM: Double { vertices.last?.distanceM ?? 0 }
    /// Arrival at the target, hours after the window's start (time-dependent runs).
    public var arrivalHours: Double? { vertices.last?.arrivalHours }
}

extension TraverseRoute {
    /// The route to the nearest permanent shadow along `vertices` (its last vertex the shadowed cell),
    /// numbered after the `--to` targets.
    init(shadow vertices: [RouteVertex], index: Int) {
        let last = vertices.last!
        self.init(targetIndex: index, target: GeoPoint(lat: last.lat, lon: last.lon), vertices: vertices, toShadow: true)
    }
}

/// A traverse's results on its window of the DEM.
public struct TraverseResult: Sendable {
    /// The raster cells searched (the whole DEM, or the part a cost limit can reach).
    public var window: RasterWindow
    public var geometry: RasterGeometry
    /// Cost from the origin (rover's unit; NaN where unreachable).
    public var cost: Grid
    /// Earliest arrival, hours after the window's start (NaN where unreachable); time-dependent runs only.
    public var travelTimeHours: Grid?
    /// Lower bounds of the earliest arrival (hours): `travelTimeHours` itself when the time search is exact,
    /// else the arrivals with parking allowed anywhere (`TimedTraverse`); time-dependent runs only.
    public var travelTimeLowerHours: Grid?
    /// How close `travelTimeHours` is to the earliest arrivals, when the search dropped label families.
    public var arrivalCertificate: ArrivalCertificate?
    /// 1 where a parked rover survives the whole window (a safe haven for nights and blackouts), else 0.
    public var safeHavens: Grid?
    public var routes: [TraverseRoute]
    /// The route to the nearest permanently shadowed cell (`TraverseRequest.toShadow`): the cheapest, or with
    /// a time window the earliest reached; nil when none is reached (the run fails then, unless
    /// `stopAtShadow`).
    public var shadowRoute: TraverseRoute?
    /// With a time window and `toShadow`: a lower bound of the earliest arrival at any of those cells (hours;
    /// the shadow route's own arrival when it is proven earliest: the search kept every label family, or
    /// the bound with parking allowed anywhere meets it).
    public var shadowArrivalLowerHours: Double?
    public var passableCells: Int
    public var reachableCells: Int
    /// Wall time of the static cost-distance search, seconds.
    public var searchSeconds: Double
    /// Wall time of the time-dependent search, seconds.
    public var timeSearchSeconds: Double?
    public var notes: [String] = []
}
