import Foundation
import FarSideCore

/// A landing ellipse (the lander's dispersion footprint): semi-axes in metres and the azimuth of the major
/// axis in degrees clockwise from grid north (up the raster).
///
/// Safe fraction of a cell = (safe cells inside the ellipse centred on it) / (all cells inside that ellipse),
/// exact on the raster: a cell is inside when its centre is (`containsOffset`).
///
/// Policy at the raster edge: cells of the ellipse that fall outside the raster count as *unsafe* (unknown
/// terrain is not safe to land on), so the denominator is always the full ellipse's cell count and a cell
/// near the edge can only reach the requirement if the ellipse part inside the raster makes up for it.
/// NaN or any value below 0.5 in the safe mask is unsafe too.
///
/// Metric cell sizes: the ellipse centred in row r is laid out with that row's `dx[r]` for every row
/// offset (a local flat approximation on geographic grids, where dx shrinks with cos(latitude); the error
/// over a few-km ellipse is a fraction of a cell) and `dy[r]` between rows (dy is uniform in practice).
/// `xSign`/`ySign` of the metrics orient columns and rows (row 0 at the top and north-up when ySign = +1).
///
/// Algorithm: per row a prefix sum of the safe mask; the ellipse's chord at row offset i is one column
/// interval [c + lo_i, c + hi_i] (asymmetric for a rotated ellipse), from the roots of the ellipse's quadratic
/// in the east coordinate, refined cell by cell with the same inside test, so it is exact against brute force.
/// The count is sum_i (P[r+i][c+hi_i+1] - P[r+i][c+lo_i]): O(N x ellipse height), vectorised over columns,
/// multi-threaded over rows.
public struct LandingEllipse: Sendable, Equatable, Hashable {
    public var semiMajor: Double
    public var semiMinor: Double
    public var azimuthDegrees: Double

    public init(semiMajor: Double, semiMinor: Double, azimuthDegrees: Double = 0) {
        precondition(semiMajor > 0 && semiMinor > 0 && semiMajor.isFinite && semiMinor.isFinite, "ellipse semi-axes must be > 0")
        self.semiMajor = semiMajor
        self.semiMinor = semiMinor
        self.azimuthDegrees = azimuthDegrees
    }

    /// Whether the point `east`, `north` metres from the centre lies inside (or on) the ellipse.
    @inline(__always)
    public func contains(east: Double, north: Double) -> Bool {
        let t = azimuthDegrees * .pi / 180
        let s = sin(t), c = cos(t)
        let u = east * s + north * c        // along the major axis
        let v = east * c - north * s        // along the minor axis
        let p = u / semiMajor, q = v / semiMinor
        return p * p + q * q <= 1
    }

    /// Whether the cell `rows` below and `columns` right of the centre cell has its centre inside the ellipse.
    @inline(__always)
    public func containsOffset(rows i: Int, columns j: Int, dx: Double, dy: Double, xSign: Double = 1, ySign: Double = 1) -> Bool {
        contains(east: Double(j) * dx * xSign, north: -Double(i) * dy * ySign)
    }

    /// The chord table: for each row offset `i` in `-halfRows...halfRows` the inclusive column offsets
    /// inside the ellipse, or nil where the row misses it.
    public func chords(dx: Double, dy: Double, xSign: Double = 1, ySign: Double = 1) -> (halfRows: Int, intervals: [ClosedRange<Int>?]) {
        let t = azimuthDegrees * .pi / 180
        let s = sin(t), c = cos(t)
        let a2 = semiMajor * semiMajor, b2 = semiMinor * semiMinor
        let northExtent = (a2 * c * c + b2 * s * s).squareRoot()
        let half = Int((northExtent / dy).rounded(.up)) + 1
        let qa = s * s / a2 + c * c / b2
        var out: [ClosedRange<Int>?] = []
        out.reserveCapacity(2 * half + 1)
        for i in -half...half {
            let north = -Double(i) * dy * ySign
            let qb = 2 * north * s * c * (1 / a2 - 1 / b2)
            let qc = north * north * (c * c / a2 + s * s / b2) - 1
            let disc = qb * qb - 4 * qa * qc
            let inside = { (j: Int) in self.containsOffset(rows: i, columns: j, dx: dx, dy: dy, xSign: xSign, ySign: ySign) }
            var lo: Int, hi: Int
            if disc >= 0 {
                let r = disc.squareRoot()
                let e1 = (-qb - r) / (2 * qa), e2 = (-qb + r) / (2 * qa)
                let j1 = e1 / (dx * xSign), j2 = e2 / (dx * xSign)
                lo = Int(Swift.min(j1, j2).rounded(.up)); hi = Int(Swift.max(j1, j2).rounded(.down))
            } else {
                let jc = Int(((-qb / (2 * qa)) / (dx * xSign)).rounded())
                lo = jc; hi = jc - 1
                if inside(jc) { hi = jc }
            }
            if lo > hi {
                // Rounding may have emptied a one-cell chord: try the cells at the centre of the chord.
                let mid = Int((Double(lo + hi) / 2).rounded())
                for j in [mid, mid - 1, mid + 1] where inside(j) { lo = j; hi = j; break }
            }
            if lo <= hi {
                while lo <= hi && !inside(lo) { lo += 1 }
                while hi >= lo && !inside(hi) { hi -= 1 }
                if lo <= hi {
                    while inside(lo - 1) { lo -= 1 }
                    while inside(hi + 1) { hi += 1 }
                }
            }
            out.append(lo <= hi ? lo...hi : nil)
        }
        return (half, out)
    }

    /// Safe-cell counts per cell, and the ellipse's total cell count for each row (it depends on the row's dx).
    public static func safeCounts(safe: Grid, metrics: CellMetrics, ellipse: LandingEllipse, threads: Int = 1)
        -> (counts: [Int32], ellipseCells: [Int32]) {
        let w = safe.width, h = safe.height
        precondition(metrics.dx.count == h, "metrics rows \(metrics.dx.count) != grid rows \(h)")
        let stride = w + 1
        // Row prefix sums of the safe mask (value >= 0.5 is safe; NaN compares false).
        var prefix = [Int32](repeating: 0, count: stride * h)
        prefix.withUnsafeMutableBufferPointer { pb in
            let P = pb.baseAddress!
            safe.values.withUnsafeBufferPointer { sb in
                let S = sb.baseAddress!
                Parallel.forEachRange(h, threads: threads) { rows in
                    for r in rows {
                        var acc: Int32 = 0
                        let src = S + r * w, dst = P + r * stride
                        dst[0] = 0
                        for c in 0..<w {
                            acc &+= src[c] >= 0.5 ? 1 : 0
                            dst[c + 1] = acc
                        }
                    }
                }
            }
        }
        var counts = [Int32](repeating: 0, count: w * h)
        var totals = [Int32](repeating: 0, count: h)
        prefix.withUnsafeBufferPointer { pb in
            counts.withUnsafeMutableBufferPointer { cb in
                totals.withUnsafeMutableBufferPointer { tb in
                    let P = pb.baseAddress!, C = cb.baseAddress!, T = tb.baseAddress!
                    Parallel.forEachRange(h, threads: threads) { rows in
                        var tableKey: (Double, Double) = (.nan, .nan)
                        var table: (halfRows: Int, intervals: [ClosedRange<Int>?]) = (0, [])
                        var total: Int32 = 0
                        for r in rows {
                            if tableKey.0 != metrics.dx[r] || tableKey.1 != metrics.dy[r] {
                                tableKey = (metrics.dx[r], metrics.dy[r])
                                table = ellipse.chords(dx: metrics.dx[r], dy: metrics.dy[r], xSign: metrics.xSign, ySign: metrics.ySign)
                                total = Int32(table.intervals.reduce(0) { $0 + ($1?.count ?? 0) })
                            }
                            T[r] = total
                            let out = C + r * w
                            for (k, iv) in table.intervals.enumerated() {
                                guard let iv else { continue }
                                let rr = r + k - table.halfRows
                                if rr < 0 || rr >= h { continue }
                                accumulateRow(P + rr * stride, width: w, lo: iv.lowerBound, hi: iv.upperBound, into: out)
                            }
                        }
                    }
                }
            }
        }
        return (counts, totals)
    }

    /// out[c] += P[clamp(c + hi + 1)] - P[clamp(c + lo)], clamping to [0, w]; the unclamped middle is a
    /// straight vectorisable loop.
    @inline(__always)
    static func accumulateRow(_ P: UnsafePointer<Int32>, width w: Int, lo: Int, hi: Int, into out: UnsafeMutablePointer<Int32>) {
        let c0 = Swift.min(w, Swift.max(0, -lo))          // first column with c + lo >= 0
        let c1 = Swift.max(c0, Swift.min(w, w - hi - 1))  // first column with c + hi + 1 > w
        @inline(__always) func clamped(_ c: Int) -> Int32 {
            let right = Swift.min(w, Swift.max(0, c + hi + 1)), left = Swift.min(w, Swift.max(0, c + lo))
            return P[right] &- P[left]
        }
        for c in 0..<c0 { out[c] &+= clamped(c) }
        let R = P + (hi + 1), L = P + lo
        var c = c0
        while c < c1 { out[c] &+= R[c] &- L[c]; c += 1 }
        for c in c1..<w { out[c] &+= clamped(c) }
    }

    /// The safe fraction (0...1) of the ellipse centred on every cell (see the type's edge policy).
    public static func safeFraction(safe: Grid, metrics: CellMetrics, ellipse: LandingEllipse, threads: Int = 1) -> Grid {
        let (counts, totals) = safeCounts(safe: safe, metrics: metrics, ellipse: ellipse, threads: threads)
        var out = [Float](repeating: 0, count: counts.count)
        let w = safe.width
        for r in 0..<safe.height {
            let inv = totals[r] > 0 ? 1 / Double(totals[r]) : 0
            for c in 0..<w { out[r * w + c] = Float(Double(counts[r * w + c]) * inv) }
        }
        return Grid(width: w, height: safe.height, values: out)
    }
}
