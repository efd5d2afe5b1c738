import Foundation

/// Fresh lunar crater shape from Pike (1977), "Size-dependence in the shape of fresh impact craters on
/// the Moon" (Impact and Explosion Cratering, 489-509), diameters D in km:
/// - simple craters (D < 15 km): depth d = 0.196 D^1.010, rim height h = 0.036 D^1.014;
/// - complex craters (D >= 15 km): d = 1.044 D^0.301, h = 0.236 D^0.399, a flat floor of about half the
///   diameter and a central peak.
/// Outside the rim the ejecta blanket thins as (r/R)^-3 (McGetchin, Settle & Head 1973), shifted so it
/// reaches zero at `reach` (3 radii) instead of leaving a step there.
public struct CraterMorphometry: Sendable {
    public static let transitionDiameterKm = 15.0

    public let diameter: Double  // metres
    public let depth: Double     // rim crest to floor, metres
    public let rimHeight: Double // above the surrounding plain, metres
    public let isComplex: Bool

    /// `degradation` in 0...1 scales a fresh crater down (1 = fresh, 0.2 = heavily degraded).
    public init(diameter: Double, degradation: Double = 1) {
        let dKm = diameter / 1000
        self.diameter = diameter
        isComplex = dKm >= Self.transitionDiameterKm
        if isComplex {
            depth = 1044 * pow(dKm, 0.301) * degradation
            rimHeight = 236 * pow(dKm, 0.399) * degradation
        } else {
            depth = 196 * pow(dKm, 1.010) * degradation
            rimHeight = 36 * pow(dKm, 1.014) * degradation
        }
    }

    /// Radius of influence (ejecta beyond it is below a few per cent of the rim height).
    public var reach: Double { diameter * 1.5 }

    /// Height change at distance `r` metres from the centre.
    public func profile(_ r: Double) -> Double {
        let radius = diameter / 2
        let x = r / radius
        if x >= 1 {
            let edge = 1.0 / 27  // (reach / R)^-3
            return x >= 3 ? 0 : rimHeight * (pow(x, -3) - edge) / (1 - edge)
        }
        let floorLevel = rimHeight - depth
        guard isComplex else { return floorLevel + depth * x * x }
        // Flat floor to half the radius, a central peak, then a parabolic wall to the rim.
        let floorEdge = 0.5
        if x <= floorEdge {
            let peakHeight = depth * 0.25, peakRadius = 0.15
            let peak = x < peakRadius ? peakHeight * 0.5 * (1 + cos(.pi * x / peakRadius)) : 0
            return floorLevel + peak
        }
        let t = (x - floorEdge) / (1 - floorEdge)
        return floorLevel + depth * t * t
    }
}
