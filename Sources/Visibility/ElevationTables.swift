import Foundation

/// The exact reformulation behind multi-year illumination (Mazarico et al. 2011 use horizon elevations
/// per azimuth; here the time steps are grouped the same way). Within one azimuth bin, whether and how
/// much of the Sun is visible at a cell depends only on the Sun's elevation against a per-cell threshold
/// theta. So, per bin k, the steps are reduced once to
///   G_k(theta) = sum over steps t in bin k of f((e_t - theta) / r_t),
/// f being `SolarDisc.visibleFraction`, tabulated on a theta grid of r/16 spacing over the bin's
/// elevation range and linearly interpolated; a cell then costs O(bins), not O(steps).
public struct SunBinTables: Sendable {
    struct Bin {
        var low: Double = 0       // theta below which every step of the bin is fully visible
        var spacing: Double = 1
        var values: [Float] = []  // G at low + j * spacing
        var count: Int = 0
        var top: Double = -.infinity  // max(e + r): theta at or above it sees nothing
    }

    var bins: [Bin]

    public init(elevations: [Double], radii: [Double], bins k: [Int32], binCount: Int) {
        var members = [[Int]](repeating: [], count: binCount)
        for t in elevations.indices { members[Int(k[t])].append(t) }
        bins = members.map { steps in
            guard !steps.isEmpty else { return Bin() }
            var b = Bin()
            b.count = steps.count
            let minR = steps.map { radii[$0] }.min()!
            b.spacing = minR / 16
            b.low = steps.map { elevations[$0] - radii[$0] }.min()! - b.spacing
            b.top = steps.map { elevations[$0] + radii[$0] }.max()!
            let m = Int(((b.top - b.low) / b.spacing).rounded(.up)) + 2
            var full = [Int](repeating: 0, count: m + 1)
            var partial = [Double](repeating: 0, count: m)
            for t in steps {
                let e = elevations[t], r = radii[t]
                // grid points theta_j < e - r see the whole disc
                let jFull = max(0, min(m, Int(((e - r - b.low) / b.spacing).rounded(.up))))
                full[0] += 1
                full[jFull] -= 1
                var j = jFull
                while j < m {
                    let theta = b.low + Double(j) * b.spacing
                    if theta >= e + r { break }
                    partial[j] += SolarDisc.visibleFraction((e - theta) / r)
                    j += 1
                }
            }
            var running = 0
            b.values = (0..<m).map { j in
                running += full[j]
                return Float(Double(running) + partial[j])
            }
            return b
        }
    }

    /// Sum over the bin's steps of the visible disc fraction for threshold `theta` (radians).
    public func value(bin k: Int, theta: Double) -> Double {
        let b = bins[k]
        if b.count == 0 || theta >= b.top { return 0 }
        let x = (theta - b.low) / b.spacing
        if x <= 0 { return Double(b.count) }
        let j = Int(x)
        if j + 1 >= b.values.count { return Double(b.values[b.values.count - 1]) }
        let w = x - Double(j)
        return Double(b.values[j]) * (1 - w) + Double(b.values[j + 1]) * w
    }

    /// Largest e + r of the bin: a threshold at or above it never sees any of the Sun.
    public func top(bin k: Int) -> Double { bins[k].top }
}

/// Per azimuth bin, the sorted elevations of a point body (the Earth's centre): the number of steps with
/// the body above threshold theta is one binary search.
public struct PointBinTables: Sendable {
    var sorted: [[Double]]

    public init(elevations: [Double], bins k: [Int32], binCount: Int) {
        var s = [[Double]](repeating: [], count: binCount)
        for t in elevations.indices { s[Int(k[t])].append(elevations[t]) }
        sorted = s.map { $0.sorted() }
    }

    /// Steps of bin k with elevation > theta.
    public func count(bin k: Int, above theta: Double) -> Int {
        let a = sorted[k]
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] > theta { hi = mid } else { lo = mid + 1 }
        }
        return a.count - lo
    }
}
