import FarSideCore

/// A driving clock as an affine function of the departure time τ: `value` at a reference departure and
/// `slope` (clock seconds per second of later departure; -1, 0 or 1 in this model).
struct AffineClock: Sendable {
    var value: Double
    var slope: Double

    static let zero = AffineClock(value: 0, slope: 0)

    func at(_ dt: Double) -> Double { value + slope * dt }
}

extension LightTimeline {
    /// The departures of a move u -> v in [lo, hi] that keep the rules, with the arrival clocks at the
    /// reference departure `reference` (affine in the departure).
    struct PieceDrive {
        var lo: Double
        var hi: Double
        var reference: Double
        var shadow: AffineClock
        var link: AffineClock
    }

    /// A move u -> v of half `h` over the departures strictly between two consecutive breakpoints p0 < p1
    /// of its state pattern (no state change of u or v meets the switch or the arrival instant in
    /// between), with departure clocks `shadow` / `link` given at the reference departure (p0 + p1) / 2.
    /// The pattern is fixed, so every stretch of the drive has a length affine in the departure: its ends
    /// are either departure-relative (slope 1) or a state change (slope 0). The clocks are tracked as affine
    /// functions and each check (a clock at the end of a dark or unlinked stretch within its limit) becomes a
    /// bound on the departure. Returns nil when no departure of the piece keeps the rules; the window end is
    /// the caller's bound.
    func drivePiece(_ u: Int, _ v: Int, from p0: Double, to p1: Double, half h: Double,
                    shadow: AffineClock, link: AffineClock) -> PieceDrive? {
        let tm = (p0 + p1) / 2
        var piece = PieceDrive(lo: p0, hi: p1, reference: tm, shadow: shadow, link: link)
        if !drivePieceHalf(u, from: tm, to: tm + h, &piece) { return nil }
        if !drivePieceHalf(v, from: tm + h, to: tm + 2 * h, &piece) { return nil }
        return piece
    }

    /// One half of `drivePiece`: in `cell`'s states over [t0, t1] (both departure-relative).
    @inline(__always)
    private func drivePieceHalf(_ cell: Int, from t0: Double, to t1: Double, _ piece: inout PieceDrive) -> Bool {
        var t = t0, startMoves = true
        while t < t1 {
            let k = stepIndex(t)
            guard k < stepCount else { return false }
            let a = state(lit, cell, k), b = state(linked, cell, k)
            let change = Double(min(a.change, b.change)) * step
            let endFixed = change < t1
            let e = endFixed ? change : t1
            let length = AffineClock(value: e - t, slope: (endFixed ? 0 : 1) - (startMoves ? 1 : 0))
            if a.on { piece.shadow = .zero } else {
                piece.shadow.value += length.value
                piece.shadow.slope += length.slope
                if !bound(piece.shadow, by: maxShadow, &piece) { return false }
            }
            if b.on { piece.link = .zero } else {
                piece.link.value += length.value
                piece.link.slope += length.slope
                if !bound(piece.link, by: maxLink, &piece) { return false }
            }
            t = e
            startMoves = !endFixed
        }
        return true
    }

    /// Narrows [lo, hi] to the departures where `clock` <= `limit`; false when none is left.
    @inline(__always)
    private func bound(_ clock: AffineClock, by limit: Double, _ piece: inout PieceDrive) -> Bool {
        guard limit.isFinite else { return true }
        let room = limit - clock.value
        if clock.slope == 0 { return room >= -Self.eps }
        let root = piece.reference + room / clock.slope
        if clock.slope > 0 { piece.hi = min(piece.hi, root) } else { piece.lo = max(piece.lo, root) }
        if piece.lo > piece.hi {
            guard piece.lo <= piece.hi + Self.eps else { return false }
            piece.hi = piece.lo
        }
        return true
    }

    /// The changes (seconds) of `cell`'s lit or linked state in the open interval (t0, t1), in order,
    /// appended to `into`.
    @inline(__always)
    func changes(of cell: Int, after t0: Double, before t1: Double, into out: inout [Double]) {
        var k = stepIndex(t0)
        if k < 0 { k = 0 }
        while k < stepCount {
            let c = nextChange(cell, afterStep: k)
            guard c < stepCount else { return }
            let tc = Double(c) * step
            if tc >= t1 { return }
            if tc > t0 { out.append(tc) }
            k = c
        }
    }
}
