import Foundation

/// How far a capped time search (`EarliestArrival.search` with a `familyCap`, which dropped families) is
/// from the earliest arrivals under the rules, certified against a relaxation: the same search with parking
/// allowed anywhere has every route of the rules and more, so its arrivals are LOWER bounds, while each
/// arrival of the capped search is reached by a route that keeps the rules, an UPPER bound. Where the two
/// agree the arrival is proven earliest; elsewhere the earliest lies between them.
public struct ArrivalCertificate: Sendable, Equatable {
    /// Cells the capped search reached.
    public let reached: Int
    /// Reached cells whose arrival equals the lower bound (within `tolerance`): proven earliest.
    public let proven: Int
    /// Cells the relaxation reaches but the capped search did not (reachable or not under the rules: unknown).
    public let missed: Int
    /// The largest gap between an arrival and its lower bound (seconds).
    public let largestGapSeconds: Double
    /// The median gap over the reached cells that are not proven (seconds; 0 when none).
    public let medianGapSeconds: Double

    /// Arrivals that differ by at most this much (seconds) are the same.
    public static let tolerance = 1e-3

    /// `arrivals`: the capped search's; `lowerBounds`: the relaxation's (infinity where unreachable).
    public init(arrivals: [Double], lowerBounds: [Double]) {
        precondition(arrivals.count == lowerBounds.count, "one lower bound per cell")
        var reached = 0, proven = 0, missed = 0, gaps: [Double] = []
        for (a, b) in zip(arrivals, lowerBounds) {
            if a.isFinite {
                reached += 1
                let gap = a - b
                if gap <= Self.tolerance { proven += 1 } else { gaps.append(gap) }
            } else if b.isFinite {
                missed += 1
            }
        }
        gaps.sort()
        self.reached = reached
        self.proven = proven
        self.missed = missed
        largestGapSeconds = gaps.last ?? 0
        medianGapSeconds = gaps.isEmpty ? 0 : gaps[gaps.count / 2]
    }

    /// Whether every cell is settled: each reached arrival proven, none missed.
    public var isComplete: Bool { proven == reached && missed == 0 }

    /// One sentence for the run's notes.
    public var summary: String {
        var text = "\(proven) of \(reached) reached cells are proven earliest (equal to the bound with parking allowed anywhere)"
        if proven < reached {
            text += String(format: "; at the other %d the earliest arrival under the rules lies between that bound (travel_time_lower_h.tif) and the route's, "
                           + "a gap of %.2f h at the median and %.2f h at most", reached - proven, medianGapSeconds / 3600, largestGapSeconds / 3600)
        }
        if missed > 0 { text += "; \(missed) cells reachable with parking anywhere were not reached (under the rules: unknown)" }
        return text
    }

    /// What the certificate says of the route to target `number` arriving at `arrival` (seconds), nil when
    /// it is proven earliest.
    public static func targetNote(_ number: Int, arrival: Double, lowerBound: Double) -> String? {
        guard arrival - lowerBound > tolerance else { return nil }
        return String(format: "route to target %d keeps the rules and arrives after %.2f h; the earliest arrival under the rules is at least %.2f h "
                      + "(the bound with parking allowed anywhere)", number, arrival / 3600, lowerBound / 3600)
    }
}
