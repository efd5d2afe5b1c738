import Foundation
import FarSideCore

/// What a rover's move costs and how long it takes, from the move's planimetric length L (metres) and its
/// rise dz (metres, end minus start): the grade along the direction of travel is atan(dz / L), positive
/// uphill, so uphill and downhill moves differ.
///
/// - `distance`: cost = L (ground distance in metres, the reference case: r.cost and scikit-image's
///   MCP_Geometric on a cost of 1 per metre); no grade limit beyond the cells' own passability.
/// - `time`: cost = S / speed(grade) seconds, S = sqrt(L^2 + dz^2) the distance along the surface.
/// - `energy`: cost = S * energy(grade) watt-hours.
///
/// A move steeper than `maxGradeDeg` either way is not allowed (nil). The duration of a move (for the
/// time-dependent search) is S / speed(grade) whatever the objective.
public struct RoverMotion: Sendable, Equatable {
    public enum Objective: String, Sendable, CaseIterable { case distance, time, energy }

    public var objective: Objective
    /// Steepest grade along a move, degrees (infinity: no limit).
    public var maxGradeDeg: Double
    /// Speed in metres per second against the grade.
    public var speed: SlopeTable
    /// Energy in watt-hours per metre against the grade.
    public var energy: SlopeTable

    public init(objective: Objective, maxGradeDeg: Double = .infinity, speed: SlopeTable = .constant(1),
                energy: SlopeTable = .constant(0)) {
        self.objective = objective
        self.maxGradeDeg = maxGradeDeg
        self.speed = speed
        self.energy = energy
    }

    /// The plain ground-distance model (cost 1 per metre, no grade limit).
    public static let distance = RoverMotion(objective: .distance)

    /// Cost per metre when the cost depends on the length alone (the distance objective): lets a search
    /// use one FIFO queue per move length instead of a heap.
    public var uniformCostPerMetre: Double? { objective == .distance ? 1 : nil }

    /// A lower bound of the cost per metre of planimetric length of any allowed move (halo sizes: a cost
    /// limit C needs a halo of C / leastCostPerMetre metres).
    public var leastCostPerMetre: Double {
        switch objective {
        case .distance: return 1
        case .time: return 1 / (speed.values.max() ?? 1)
        case .energy: return max(0, energy.values.min() ?? 0)
        }
    }

    /// Cost of a move of planimetric length `length` and rise `rise`, or nil when the grade is too steep
    /// (or the rise unknown: NaN).
    @inlinable
    public func cost(length: Double, rise: Double) -> Double? {
        if objective == .distance { return maxGradeDeg.isInfinite || abs(grade(length: length, rise: rise)) <= maxGradeDeg ? length : nil }
        let g = grade(length: length, rise: rise)
        guard abs(g) <= maxGradeDeg else { return nil }
        let surface = (length * length + rise * rise).squareRoot()
        return objective == .time ? surface / speed(g) : surface * energy(g)
    }

    /// Duration of a move in seconds, or nil when not allowed.
    @inlinable
    public func seconds(length: Double, rise: Double) -> Double? {
        let g = grade(length: length, rise: rise)
        guard abs(g) <= maxGradeDeg || (objective == .distance && maxGradeDeg.isInfinite) else { return nil }
        return (length * length + rise * rise).squareRoot() / speed(g)
    }

    /// Grade along the move, degrees (NaN when the rise is NaN: not allowed).
    @inlinable
    public func grade(length: Double, rise: Double) -> Double { atan2(rise, length) * 180 / .pi }
}

extension SlopeTable {
    /// The table of the opposite direction of travel: value(-grade).
    public var mirrored: SlopeTable {
        try! SlopeTable(points: zip(grades, values).map { (-$0, $1) })
    }
}

extension RoverMotion {
    /// The same rover driving the other way: a search from the targets over reversed moves with this
    /// motion gives every cell's cost *to* the targets (a move u -> v costs what v -> u costs the rover).
    public var reversed: RoverMotion {
        RoverMotion(objective: objective, maxGradeDeg: maxGradeDeg, speed: speed.mirrored, energy: energy.mirrored)
    }

    /// Fastest speed of any grade, metres per second.
    public var topSpeed: Double { speed.values.max() ?? 1 }
}
