import Foundation

/// The exact reformulation behind multi-year illumination (Mazarico et al. 2011 use horizon elevations
/// per azimuth; here the time steps are grouped the same way). Within one azimuth bin, whether and how
/// much of the Sun is visible at a cell depends only on the Sun's elevation against a per-cell threshold
/// theta. So, per bin k, the steps are reduced once to
///   G_k(theta) = sum over steps t in bin k of f((e_t - theta) / r_t),
/// (for a point body such as the Earth's centre, f is the unit step: the count of steps above theta),
/// f being `SolarDisc.visibleFraction`, tabulated on a theta grid of r/16 spacing over the bin's
/// elevation range and linearly interpolated; a cell then costs O(bins), not O(steps).
public struct ElevationBinTables: Sendable {
    // Flat storage, bin k's table at values[offset[k] ..< offset[k + 1]].
    var low: [Double]      // theta below which every step of the bin is fully visible
    var spacing: [Double]
    var inverseSpacing: [Double] = []
    var top: [Double]      // max(e + r): theta at or above it sees nothing
    var count: [Double]
    var offset: [Int]
    var values: [Float]    // G at low + j * spacing

    /// Tables for a point body (the Earth's centre): G_k(theta) = number of steps with e_t > theta,
    /// tabulated every `spacing` radians (default 0.0002 rad = 0.011 deg).
    public init(pointElevations elevations: [Double], bins k: [Int32], weights: [Float]? = nil, binCount: Int, spacing: Double = 0.0002) {
        self.init(elevations: elevations, radii: [Double](repeating: spacing * 16, count: elevations.count), bins: k,
                  weights: weights, binCount: binCount, point: true)
    }

    /// `bins[t]` is the bin at or below step t's azimuth and `weights[t]` the share of the next bin
    /// (linear interpolation in azimuth, so thresholds are sampled at bin azimuths exactly); without
    /// weights every step counts fully in its own bin.
    public init(elevations: [Double], radii: [Double], bins k: [Int32], weights: [Float]? = nil, binCount: Int) {
        self.init(elevations: elevations, radii: radii, bins: k, weights: weights, binCount: binCount, point: false)
    }

    init(elevations: [Double], radii: [Double], bins k: [Int32], weights: [Float]?, binCount: Int, point: Bool) {
        var members = [[(Int, Double)]](repeating: [], count: binCount)
        for t in elevations.indices {
            let w = Double(weights?[t] ?? 0)
            if w < 1 { members[Int(k[t])].append((t, 1 - w)) }
            if w > 0 { members[(Int(k[t]) + 1) % binCount].append((t, w)) }
        }
        low = [Double](repeating: 0, count: binCount)
        spacing = [Double](repeating: 1, count: binCount)
        top = [Double](repeating: -.infinity, count: binCount)
        count = [Double](repeating: 0, count: binCount)
        offset = [0]
        values = []
        for (bin, steps) in members.enumerated() {
            guard !steps.isEmpty else { offset.append(values.count); continue }
            count[bin] = steps.reduce(0) { $0 + $1.1 }
            let step = steps.map { radii[$0.0] }.min()! / 16
            spacing[bin] = step
            low[bin] = steps.map { elevations[$0.0] - radii[$0.0] }.min()! - step
            top[bin] = steps.map { elevations[$0.0] + radii[$0.0] }.max()!
            let m = Int(((top[bin] - low[bin]) / step).rounded(.up)) + 2
            var full = [Double](repeating: 0, count: m + 1)
            var partial = [Double](repeating: 0, count: m)
            for (t, weight) in steps {
                let e = elevations[t], r = radii[t]
                // grid points theta_j < e - r see the whole disc
                let jFull = max(0, min(m, Int(((e - r - low[bin]) / step).rounded(.up))))
                full[0] += weight
                full[jFull] -= weight
                var j = jFull
                while j < m {
                    let theta = low[bin] + Double(j) * step
                    if theta >= e + r { break }
                    partial[j] += weight * (point ? (e > theta ? 1 : 0) : SolarDisc.visibleFraction((e - theta) / r))
                    j += 1
                }
            }
            var running = 0.0
            for j in 0..<m {
                running += full[j]
                values.append(Float(running + partial[j]))
            }
            offset.append(values.count)
        }
        inverseSpacing = spacing.map { 1 / $0 }
    }

    /// Sum over the bin's steps of the visible disc fraction for threshold `theta` (radians).
    @inline(__always)
    public func value(bin k: Int, theta: Double) -> Double {
        if theta >= top[k] { return 0 }
        let x = (theta - low[k]) * inverseSpacing[k]
        if x <= 0 { return count[k] }  // every step of the bin fully visible
        let j = Int(x), base = offset[k], last = offset[k + 1] - 1
        if base + j + 1 > last { return Double(values[last]) }
        let w = x - Double(j)
        return Double(values[base + j]) * (1 - w) + Double(values[base + j + 1]) * w
    }

    /// Largest e + r of the bin: a threshold at or above it never sees any of the Sun.
    public func top(bin k: Int) -> Double { top[k] }
}
