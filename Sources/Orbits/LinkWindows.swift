import Ephemeris
import Foundation
import FarSideCore

/// A point on the Moon's reference sphere: planetocentric latitude, east longitude (degrees) and a
/// height in metres above the 1,737,400 m sphere, in the ME frame.
public struct SurfaceSite: Sendable, Equatable {
    public var latitude: Double
    public var longitude: Double
    public var heightMeters: Double

    public init(latitude: Double, longitude: Double, heightMeters: Double = 0) {
        self.latitude = latitude
        self.longitude = longitude
        self.heightMeters = heightMeters
    }

    /// Moon-centred ME position of the site, km.
    public var vectorME: SIMD3<Double> {
        Topocentric.siteVector(latitude: latitude, longitude: longitude, heightMeters: heightMeters)
    }

    /// Azimuth (clockwise from north), elevation (above the local horizontal plane) and slant range
    /// (km) of a Moon-centred ME position: the site vector is subtracted first, so parallax is exact.
    public func look(at positionME: SIMD3<Double>) -> HorizontalCoordinates {
        Topocentric.azimuthElevation(of: positionME, latitude: latitude, longitude: longitude, heightMeters: heightMeters)
    }
}

/// When a link counts as available: elevation >= `minElevationDeg` (smooth sphere, no terrain) and
/// slant range <= `maxRangeKm` when given.
public struct LinkCriteria: Sendable, Equatable {
    public var minElevationDeg: Double
    public var maxRangeKm: Double?

    public init(minElevationDeg: Double = 5, maxRangeKm: Double? = nil) {
        self.minElevationDeg = minElevationDeg
        self.maxRangeKm = maxRangeKm
    }

    public func accepts(_ look: HorizontalCoordinates) -> Bool {
        look.elevation >= minElevationDeg && (maxRangeKm.map { look.distanceKm <= $0 } ?? true)
    }
}

/// A continuous interval with a link to at least one member of the constellation.
public struct LinkWindow: Sendable, Equatable {
    /// First instant with a link (refined between steps, see `LinkAnalysis`), or the interval start.
    public var start: Epoch
    /// Last instant with a link (refined), or the interval end.
    public var end: Epoch
    /// Highest elevation of a linkable satellite during the window, degrees.
    public var peakElevationDeg: Double
    /// When that peak occurs.
    public var peakTime: Epoch
    /// Which satellite gives the peak.
    public var peakSatellite: String
    /// Satellites linkable at some step of the window (in constellation order).
    public var satellites: [String]
    /// Whether the window is cut by the start or end of the analysed interval.
    public var clippedAtStart: Bool
    public var clippedAtEnd: Bool

    public var durationHours: Double { (end.tdbSecondsPastJ2000 - start.tdbSecondsPastJ2000) / 3600 }
}

/// Link windows and statistics of one site and one constellation over [start, end).
public struct LinkReport: Sendable {
    public var constellation: String
    public var site: SurfaceSite
    public var criteria: LinkCriteria
    public var start: Epoch
    public var end: Epoch
    public var stepSeconds: Double
    /// Time steps start + k step < end.
    public var stepCount: Int
    /// Steps with a link.
    public var linkedSteps: Int
    public var windows: [LinkWindow]
    /// Longest run of consecutive steps without a link, times the step, hours (the definition of the
    /// `relay_max_gap_h` map); the whole interval when there is no link at all.
    public var longestGapHours: Double

    /// Fraction of steps with a link (the definition of the `relay_fraction` map).
    public var visibleFraction: Double { stepCount == 0 ? 0 : Double(linkedSteps) / Double(stepCount) }
    /// Sum of the refined window durations, hours.
    public var linkedHours: Double { windows.reduce(0) { $0 + $1.durationHours } }
}

/// Finds link windows by sampling at a fixed step and refining each window edge by bisection.
///
/// Sampling: t_k = start + k step for every t_k < end. A window is a maximal run of steps where some
/// satellite satisfies `LinkCriteria`. Edge refinement (cheap: ~12 evaluations per edge): between the
/// last step without a link and the first with one (and the reverse at the end) the crossing is found
/// by bisection to `edgeToleranceSeconds` (default 0.5 s); windows touching the interval's ends are cut
/// at start/end. A link shorter than one step that falls between two samples is missed, as in the maps.
/// The peak elevation is the best sample refined by a golden-section search within +-1 step.
public struct LinkAnalysis: Sendable {
    public var site: SurfaceSite
    public var constellation: Constellation
    public var criteria: LinkCriteria
    public var edgeToleranceSeconds: Double

    public init(site: SurfaceSite, constellation: Constellation, criteria: LinkCriteria = LinkCriteria(),
                edgeToleranceSeconds: Double = 0.5) {
        self.site = site
        self.constellation = constellation
        self.criteria = criteria
        self.edgeToleranceSeconds = edgeToleranceSeconds
    }

    /// Look angles of every member at `t`.
    public func looks(at t: Epoch) -> [HorizontalCoordinates] {
        constellation.satellites.map { site.look(at: $0.positionME(at: t)) }
    }

    /// Whether some member is linkable at `t`.
    public func isLinked(at t: Epoch) -> Bool {
        constellation.satellites.contains { criteria.accepts(site.look(at: $0.positionME(at: t))) }
    }

    /// Highest elevation among linkable members at `t` (-infinity when none), with its index.
    func bestLinked(at t: Epoch) -> (elevation: Double, index: Int) {
        var best = (elevation: -Double.infinity, index: -1)
        for (i, s) in constellation.satellites.enumerated() {
            let look = site.look(at: s.positionME(at: t))
            if criteria.accepts(look), look.elevation > best.elevation { best = (look.elevation, i) }
        }
        return best
    }

    /// Windows and statistics over [start, end) at `stepSeconds`.
    /// - Throws: `FarSideError.usage` for a non-positive step, end <= start, or more than 10 million steps.
    public func report(start: Epoch, end: Epoch, stepSeconds: Double) throws -> LinkReport {
        guard stepSeconds > 0, stepSeconds.isFinite else { throw FarSideError.usage("{step}: must be positive") }
        guard end > start else { throw FarSideError.usage("{end} \(end) is not after {start} \(start)") }
        let span = end.tdbSecondsPastJ2000 - start.tdbSecondsPastJ2000
        let count = Int((span / stepSeconds - 1e-6).rounded(.up))
        guard count <= 10_000_000 else { throw FarSideError.usage("{step}: \(count) steps is too many") }
        func time(_ k: Int) -> Epoch { start.addingSeconds(Double(k) * stepSeconds) }

        var linked = [Bool](repeating: false, count: count)
        var best = [(elevation: Double, index: Int)](repeating: (-.infinity, -1), count: count)
        var seen = [[Bool]](repeating: [], count: count)
        for k in 0..<count {
            let t = time(k)
            var flags = [Bool](repeating: false, count: constellation.satellites.count)
            for (i, s) in constellation.satellites.enumerated() {
                let look = site.look(at: s.positionME(at: t))
                if criteria.accepts(look) {
                    flags[i] = true
                    if look.elevation > best[k].elevation { best[k] = (look.elevation, i) }
                }
            }
            seen[k] = flags
            linked[k] = best[k].index >= 0
        }

        var windows: [LinkWindow] = []
        var longestGapSteps = 0, gapSteps = 0
        var k = 0
        while k < count {
            if !linked[k] {
                gapSteps += 1
                longestGapSteps = max(longestGapSteps, gapSteps)
                k += 1
                continue
            }
            gapSteps = 0
            let first = k
            while k < count, linked[k] { k += 1 }
            let last = k - 1
            let clippedStart = first == 0
            let clippedEnd = last == count - 1
            let wStart = clippedStart ? start : crossing(from: time(first - 1), to: time(first), linkedAtEnd: true)
            let wEnd: Epoch
            if clippedEnd {
                wEnd = end
            } else {
                wEnd = crossing(from: time(last), to: time(last + 1), linkedAtEnd: false)
            }
            // Peak: best sample, then golden-section search within +-1 step (inside the window).
            var peakK = first
            for j in first...last where best[j].elevation > best[peakK].elevation { peakK = j }
            let lo = max(time(peakK).addingSeconds(-stepSeconds), wStart)
            let hi = min(time(peakK).addingSeconds(stepSeconds), wEnd)
            let (peakTime, peak) = refinePeak(lo: lo, hi: hi, sample: time(peakK), sampleBest: best[peakK])
            var names: [String] = []
            for (i, s) in constellation.satellites.enumerated() where (first...last).contains(where: { seen[$0][i] }) {
                names.append(s.name)
            }
            windows.append(LinkWindow(start: wStart, end: wEnd, peakElevationDeg: peak.elevation, peakTime: peakTime,
                                      peakSatellite: constellation.satellites[peak.index].name, satellites: names,
                                      clippedAtStart: clippedStart, clippedAtEnd: clippedEnd))
        }
        return LinkReport(constellation: constellation.name, site: site, criteria: criteria, start: start, end: end,
                          stepSeconds: stepSeconds, stepCount: count, linkedSteps: linked.lazy.filter { $0 }.count,
                          windows: windows, longestGapHours: Double(longestGapSteps) * stepSeconds / 3600)
    }

    /// Bisection for the instant between `a` and `b` where the link state changes.
    func crossing(from a: Epoch, to b: Epoch, linkedAtEnd: Bool) -> Epoch {
        var lo = a.tdbSecondsPastJ2000, hi = b.tdbSecondsPastJ2000
        // Invariant: state(lo) != linkedAtEnd... i.e. lo has the "before" state, hi the "after" state.
        while hi - lo > edgeToleranceSeconds {
            let mid = 0.5 * (lo + hi)
            if isLinked(at: Epoch(tdbSecondsPastJ2000: mid)) == linkedAtEnd { hi = mid } else { lo = mid }
        }
        // Report the instant that is inside the window.
        return Epoch(tdbSecondsPastJ2000: linkedAtEnd ? hi : lo)
    }

    func refinePeak(lo: Epoch, hi: Epoch, sample: Epoch,
                    sampleBest: (elevation: Double, index: Int)) -> (Epoch, (elevation: Double, index: Int)) {
        var a = lo.tdbSecondsPastJ2000, b = hi.tdbSecondsPastJ2000
        let g = (5.0.squareRoot() - 1) / 2
        var bestT = sample, bestV = sampleBest
        guard b - a > 1 else { return (bestT, bestV) }
        func f(_ x: Double) -> (elevation: Double, index: Int) {
            let v = bestLinked(at: Epoch(tdbSecondsPastJ2000: x))
            if v.elevation > bestV.elevation { bestV = v; bestT = Epoch(tdbSecondsPastJ2000: x) }
            return v
        }
        var c = b - g * (b - a), d = a + g * (b - a)
        var fc = f(c).elevation, fd = f(d).elevation
        while b - a > 1 {
            if fc > fd {
                b = d; d = c; fd = fc
                c = b - g * (b - a); fc = f(c).elevation
            } else {
                a = c; c = d; fc = fd
                d = a + g * (b - a); fd = f(d).elevation
            }
        }
        return (bestT, bestV)
    }
}
