/// A criterion's layer: one FarSide computes from the DEM (and the time window), or a user raster with its
/// file. Parsed and checked with the profile, so a misspelt layer is a profile error naming the field, never
/// a missing grid at run time.
public enum Layer: Hashable, Sendable, CustomStringConvertible {
    case elevation, slope, roughness
    case sunFraction, maxDarknessHours, earthFraction, psrDistance
    case relayFraction, relayMaxGapHours, commsFraction
    /// Rover access to permanent shadow: metres along the profile rover's shortest path to the nearest
    /// permanently shadowed cell, and its driving hours along its fastest one (`PSRAccess`).
    case psrTraverseM, psrTraverseH
    /// A user raster, resampled onto the DEM's grid.
    case raster(file: String)

    /// The layers FarSide computes, in the order the docs list them.
    public static let computed: [Layer] = [.elevation, .slope, .roughness, .sunFraction, .maxDarknessHours, .earthFraction,
                                           .relayFraction, .relayMaxGapHours, .commsFraction, .psrDistance,
                                           .psrTraverseM, .psrTraverseH]

    /// Every name a profile may give (`raster` needs `file`).
    public static var names: [String] { computed.map(\.name) + ["raster"] }

    /// The name in profiles and reports.
    public var name: String {
        switch self {
        case .elevation: return "elevation"
        case .slope: return "slope"
        case .roughness: return "roughness"
        case .sunFraction: return "sun_fraction"
        case .maxDarknessHours: return "max_darkness_h"
        case .earthFraction: return "earth_fraction"
        case .psrDistance: return "psr_distance_m"
        case .relayFraction: return "relay_fraction"
        case .relayMaxGapHours: return "relay_max_gap_h"
        case .commsFraction: return "comms_fraction"
        case .psrTraverseM: return "psr_traverse_m"
        case .psrTraverseH: return "psr_traverse_h"
        case .raster: return "raster"
        }
    }

    public var description: String { name }

    /// Layers that need the permanently shadowed cells around the window (out to the profile's reach).
    public var needsShadowReach: Bool { self == .psrDistance || self == .psrTraverseM || self == .psrTraverseH }

    /// The layer a profile names (nil: unknown name, or `raster` without a file, or a file on another layer).
    public init?(name: String, file: String?) {
        if name == "raster" {
            guard let file else { return nil }
            self = .raster(file: file)
            return
        }
        guard file == nil, let layer = Self.computed.first(where: { $0.name == name }) else { return nil }
        self = layer
    }

    /// Needs the time window (illumination or relay).
    public var needsTime: Bool {
        switch self {
        case .sunFraction, .maxDarknessHours, .earthFraction, .psrDistance, .relayFraction, .relayMaxGapHours, .commsFraction,
             .psrTraverseM, .psrTraverseH: return true
        case .elevation, .slope, .roughness, .raster: return false
        }
    }
}
