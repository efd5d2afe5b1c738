import Foundation

/// The exact reformulation behind multi-year illumination (Mazarico et al. 2011 use horizon elevations
/// per azimuth; here the time steps are grouped the same way). Within one azimuth bin, whether and how
/// much of the Sun is visible at a cell depends only on the Sun's elevation against a per-cell threshold
/// theta. So, per bin k, the steps are reduced once to
///   G_k(theta) = sum over steps t in bin k of f((e_t - theta) / r_t),
/// (for a point body such as the Earth's centre, f is the unit step: the count of steps above theta),
/// f being `SolarDisc.visibleFraction`, tabulated on a theta grid of r/16 spacing over the bin's
/// elevation range and linearly interpolated; a cell then costs O(bins), not O(steps).
///
/// Building costs O(steps x 33) for the Sun (each step touches the ~2 x 16 grid points its disc spans,
/// evaluated with `SolarDisc.visibleFractionFast`) and O(steps) for a point body (a step adds its weight
/// to a range of grid points, kept as a difference array).
public struct ElevationBinTables: Sendable {
    /// One bin's table: G at low + j * spacing for j in 0 ..< last - base + 1, stored at values[base ... last].
    struct Bin: Sendable {
        var low = 0.0            // theta below which every step of the bin is fully visible
        var inverseSpacing = 1.0
        var top = -Double.infinity  // max(e + r): theta at or above it sees nothing
        var count = 0.0          // sum of the bin's step weights
        var base = 0
        var last = -1
    }

    var bins: [Bin]
    var values: [Float]

    /// Tables for a point body (the Earth's centre): G_k(theta) = number of steps with e_t > theta,
    /// tabulated every `spacing` radians (default 0.0001 rad = 0.0057 deg: a step decides by its own
    /// elevation unless it is within that of the threshold).
    public init(pointElevations elevations: [Double], bins k: [Int32], weights: [Float]? = nil, binCount: Int, spacing: Double = 0.0001) {
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
        let members = BinMembers(bins: k, weights: weights, binCount: binCount)
        bins = [Bin](repeating: Bin(), count: binCount)
        values = []
        values.reserveCapacity(members.step.count * 20)
        var full: [Double] = [], partial: [Double] = []
        for bin in 0..<binCount {
            let range = members.range(bin)
            guard !range.isEmpty else { bins[bin].base = values.count; continue }
            var count = 0.0, minRadius = Double.infinity, low = Double.infinity, top = -Double.infinity
            for i in range {
                let t = Int(members.step[i]), e = elevations[t], r = radii[t]
                count += members.weight[i]
                minRadius = min(minRadius, r)
                low = min(low, e - r)
                top = max(top, e + r)
            }
            let step = minRadius / 16
            low -= step
            let m = Int(((top - low) / step).rounded(.up)) + 2
            full.removeAll(keepingCapacity: true)
            full.append(contentsOf: repeatElement(0, count: m + 1))
            partial.removeAll(keepingCapacity: true)
            partial.append(contentsOf: repeatElement(0, count: m + 1))
            full.withUnsafeMutableBufferPointer { full in
                partial.withUnsafeMutableBufferPointer { partial in
                    for i in range {
                        let t = Int(members.step[i]), weight = members.weight[i]
                        let e = elevations[t], r = radii[t]
                        // grid points theta_j < e - r see the whole disc
                        let jFull = max(0, min(m, Int(((e - r - low) / step).rounded(.up))))
                        full[0] += weight
                        full[jFull] -= weight
                        if point {
                            // e > theta_j for jFull <= j < jAbove: a range, added to the difference array.
                            var jAbove = max(jFull, min(m, Int(((e - low) / step).rounded(.up))))
                            while jAbove > jFull && !(e > low + Double(jAbove - 1) * step) { jAbove -= 1 }
                            while jAbove < m && e > low + Double(jAbove) * step { jAbove += 1 }
                            partial[jFull] += weight
                            partial[jAbove] -= weight
                        } else {
                            var j = jFull
                            while j < m {
                                let theta = low + Double(j) * step
                                if theta >= e + r { break }
                                partial[j] += weight * SolarDisc.visibleFractionFast((e - theta) / r)
                                j += 1
                            }
                        }
                    }
                }
            }
            bins[bin] = Bin(low: low, inverseSpacing: 1 / step, top: top, count: count, base: values.count, last: values.count + m - 1)
            var running = 0.0, above = 0.0
            for j in 0..<m {
                running += full[j]
                if point {
                    above += partial[j]
                    values.append(Float(running + above))
                } else {
                    values.append(Float(running + partial[j]))
                }
            }
        }
    }

    /// Sum over the bin's steps of the visible disc fraction for threshold `theta` (radians).
    @inline(__always)
    public func value(bin k: Int, theta: Double) -> Double {
        bins.withUnsafeBufferPointer { b in
            values.withUnsafeBufferPointer { v in Self.value(b[k], theta: theta, values: v.baseAddress!) }
        }
    }

    @inline(__always)
    static func value(_ b: Bin, theta: Double, values: UnsafePointer<Float>) -> Double {
        if theta >= b.top { return 0 }
        let x = (theta - b.low) * b.inverseSpacing
        if x <= 0 { return b.count }  // every step of the bin fully visible
        let j = Int(x)
        if b.base + j + 1 > b.last { return Double(values[b.last]) }
        let w = x - Double(j)
        return Double(values[b.base + j]) * (1 - w) + Double(values[b.base + j + 1]) * w
    }

    /// Calls `body` with a lookup of G for (bin, theta) that skips the arrays' bounds checks (for the
    /// O(cells x bins) loops).
    @inline(__always)
    func withLookup<R>(_ body: (Lookup) throws -> R) rethrows -> R {
        try bins.withUnsafeBufferPointer { b in
            try values.withUnsafeBufferPointer { v in try body(Lookup(bins: b.baseAddress!, values: v.baseAddress!)) }
        }
    }

    struct Lookup {
        let bins: UnsafePointer<Bin>
        let values: UnsafePointer<Float>

        @inline(__always)
        func value(bin k: Int, theta: Double) -> Double { ElevationBinTables.value(bins[k], theta: theta, values: values) }
    }

    /// Largest e + r of the bin: a threshold at or above it never sees any of the Sun.
    public func top(bin k: Int) -> Double { bins[k].top }
}

/// The steps of each bin, in step order, with their weights: a step in bin k with weight w (the share of
/// bin k + 1) counts 1 - w in bin k and w in bin k + 1 (counting sort, no per-bin arrays).
struct BinMembers {
    var start: [Int]     // bin k's members at start[k] ..< start[k + 1]
    var step: [Int32]
    var weight: [Double]

    init(bins k: [Int32], weights: [Float]?, binCount: Int) {
        func visit(_ body: (Int, Int, Double) -> Void) {
            for t in k.indices {
                let w = Double(weights?[t] ?? 0)
                if w < 1 { body(Int(k[t]), t, 1 - w) }
                if w > 0 { body((Int(k[t]) + 1) % binCount, t, w) }
            }
        }
        var start = [Int](repeating: 0, count: binCount + 1)
        visit { bin, _, _ in start[bin + 1] += 1 }
        for b in 0..<binCount { start[b + 1] += start[b] }
        var next = start
        var step = [Int32](repeating: 0, count: start[binCount])
        var weight = [Double](repeating: 0, count: start[binCount])
        visit { bin, t, w in
            step[next[bin]] = Int32(t)
            weight[next[bin]] = w
            next[bin] += 1
        }
        self.start = start
        self.step = step
        self.weight = weight
    }

    func range(_ bin: Int) -> Range<Int> { start[bin]..<start[bin + 1] }
}
