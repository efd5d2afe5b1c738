import FarSideCore

/// The lit and linked states of every cell over the window, the havens and the rules; the clock
/// arithmetic of the model in `EarliestArrival` (driving through a cell's states, parking).
///
/// A class: the search reads it in every move it expands, and a struct of five arrays copied into a local
/// there cost five retains and releases each time (8 % of the 2048^2 30-day traverse in `swift_retain`
/// and `swift_release`).
final class LightTimeline: Sendable {
    let lit: StepRuns
    let linked: StepRuns
    /// Where the rover may park at any time (the safe havens, plus the origin where the caller says so).
    let haven: [Bool]
    let step: Double
    let stepCount: Int
    /// The window end W (seconds).
    let end: Double
    let maxShadow: Double
    let maxLink: Double
    /// Tolerance on clock limits (seconds).
    static let eps = 1e-6

    /// - Parameter alsoHaven: a cell that is a haven whatever its states (the origin, where the caller says so).
    init(lit: StepRuns, linked: StepRuns, stepSeconds: Double, rules: TraverseRules, alsoHaven: Int? = nil) {
        precondition(lit.stepCount == linked.stepCount && lit.cellCount == linked.cellCount, "lit and linked runs must match")
        precondition(stepSeconds > 0, "the time step must be positive")
        self.lit = lit
        self.linked = linked
        var haven = EarliestArrival.safeHavens(lit: lit, linked: linked, rules: rules, stepSeconds: stepSeconds)
        if let alsoHaven { haven[alsoHaven] = true }
        self.haven = haven
        step = stepSeconds
        stepCount = lit.stepCount
        end = Double(lit.stepCount) * stepSeconds
        maxShadow = rules.maxShadowDriveSeconds
        maxLink = rules.maxNoLinkDriveSeconds
    }

    /// The step holding time `t` (half-open steps), exact at step edges.
    @inline(__always)
    func stepIndex(_ t: Double) -> Int {
        var k = Int((t / step).rounded(.down))
        if Double(k + 1) * step <= t { k += 1 } else if Double(k) * step > t { k -= 1 }
        return k
    }

    /// Whether `runs` holds at `cell` in step `k` (0 <= k < stepCount), and the step at which that changes
    /// (stepCount if never).
    @inline(__always)
    func state(_ runs: StepRuns, _ cell: Int, _ k: Int) -> (on: Bool, change: Int) {
        var low = Int(runs.offsets[cell]), high = Int(runs.offsets[cell + 1])
        let last = high
        while low < high {
            let mid = (low + high) >> 1
            if Int(runs.runs[mid].end) <= k { low = mid + 1 } else { high = mid }
        }
        guard low < last else { return (false, stepCount) }
        let r = runs.runs[low]
        return Int(r.start) <= k ? (true, Int(r.end)) : (false, Int(r.start))
    }

    func isLit(_ cell: Int, at t: Double) -> Bool {
        let k = stepIndex(t)
        return k >= 0 && k < stepCount && state(lit, cell, k).on
    }

    func isLinked(_ cell: Int, at t: Double) -> Bool {
        let k = stepIndex(t)
        return k >= 0 && k < stepCount && state(linked, cell, k).on
    }

    /// The first step after step `k` at which `cell`'s lit or linked state changes (stepCount if none).
    @inline(__always)
    func nextChange(_ cell: Int, afterStep k: Int) -> Int {
        guard k < stepCount else { return stepCount }
        return min(state(lit, cell, k).change, state(linked, cell, k).change)
    }

    /// The end (seconds) of the stretch from `t` during which the rover may park at `cell` without a break
    /// (`t` itself when it may not park at `t`): a haven, or the end of the lit run holding `t`.
    @inline(__always)
    func parkingEnd(_ cell: Int, from t: Double) -> Double {
        if haven[cell] { return end }
        let k = stepIndex(t)
        guard k < stepCount else { return t }
        let s = state(lit, cell, k)
        return s.on ? Double(s.change) * step : t
    }

    /// Clocks of a rover staying at `cell` over [t0, t1]: parked where it may park (lit, or a haven: a lit
    /// or linked instant resets a clock, parked time adds nothing), idling elsewhere (the clocks grow as if
    /// driving). The caller keeps the budgets (the search stops an idle stay at them).
    func stay(_ cell: Int, from t0: Double, to t1: Double, _ s: inout Double, _ l: inout Double) {
        var t = t0
        while t < t1 {
            let k = stepIndex(t)
            guard k < stepCount else { break }
            let a = state(lit, cell, k), b = state(linked, cell, k)
            let e = min(t1, Double(min(a.change, b.change)) * step)
            let parks = a.on || haven[cell]
            if a.on { s = 0 } else if !parks { s += e - t }
            if b.on { l = 0 } else if !parks { l += e - t }
            t = e
        }
        let k = stepIndex(t1)
        if k >= 0 && k < stepCount {
            if state(lit, cell, k).on { s = 0 }
            if state(linked, cell, k).on { l = 0 }
        }
    }

    /// Driving clocks through a move's half: being in `cell`'s state over [t0, t1] (the closing instant
    /// t1 included: the switch instant or the arrival). Returns false when a clock breaks its limit.
    @inline(__always)
    func drive(_ cell: Int, from t0: Double, to t1: Double, _ s: inout Double, _ l: inout Double) -> Bool {
        var t = t0
        while t < t1 {
            let k = stepIndex(t)
            guard k < stepCount else { break }   // within the tolerance past the window end
            let a = state(lit, cell, k), b = state(linked, cell, k)
            let e = min(t1, Double(min(a.change, b.change)) * step)
            if a.on { s = 0 } else {
                s += e - t
                if s > maxShadow + Self.eps { return false }
            }
            if b.on { l = 0 } else {
                l += e - t
                if l > maxLink + Self.eps { return false }
            }
            t = e
        }
        let k = stepIndex(t1)
        if k < stepCount {
            if s > 0 && state(lit, cell, k).on { s = 0 }
            if l > 0 && state(linked, cell, k).on { l = 0 }
        }
        return true
    }

    /// A whole move u -> v departing at `tau` with clocks (s, l) (already reset for u's state at `tau`),
    /// half `h`: the arrival clocks; false when the move breaks a rule.
    @inline(__always)
    func move(_ u: Int, _ v: Int, at tau: Double, half h: Double, _ s: inout Double, _ l: inout Double) -> Bool {
        drive(u, from: tau, to: tau + h, &s, &l) && drive(v, from: tau + h, to: tau + 2 * h, &s, &l)
    }
}
