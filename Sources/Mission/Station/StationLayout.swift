import Foundation
import GeoRaster

/// One element of a station layout: the base, a power site, the communications site or the ice target.
public struct StationElement: Sendable {
    public enum Kind: String, Sendable { case base, power, comms, ice }
    public var kind: Kind
    /// 1, 2, ... among elements of its kind.
    public var number: Int
    public var row: Int
    public var column: Int
    public var lat: Double
    public var lon: Double
    public var x: Double
    public var y: Double
    /// Rover cost from the base (rover's unit; 0 for the base).
    public var cost: Double
    /// The element's score in the layout objective (0 ... 1).
    public var score: Double
    /// Why it was chosen, in words.
    public var reason: String
    /// The rover's route from the base (nil for the base).
    public var route: [RouteVertex]?
    /// The ice element with a timed rover: leaving the base at the window's start, the earliest arrival in
    /// permanent shadow, waits for sunlight and links included (`SiteShadowAccess`).
    public var datedShadow: ShadowAccess? = nil
}

/// A candidate layout: the elements around one base site, its objective and why.
public struct StationLayout: Sendable {
    public var rank: Int
    /// The base site's rank among the base candidates.
    public var baseRank: Int
    public var elements: [StationElement]
    /// Weighted objective (0 ... 1), NaN when infeasible.
    public var score: Double
    public var feasible: Bool
    /// What made it infeasible, or a one-line summary.
    public var reason: String
}

/// The layouts of a station profile over its region, best first.
public struct StationResult: Sendable {
    public var layouts: [StationLayout]
    public var window: RasterWindow
    public var crsWKT: String
    public var feasibleBaseCount: Int
    public var notes: [String]
}
