import Foundation
import GeoRaster

/// Deterministic generator (SplitMix64).
struct TestRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * uniform() }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// A synthetic lunar DEM: spectral fractal background (power-law amplitude, Hurst ~0.8, wavelengths down to
/// 5 cells) plus a power-law population of simple craters (D >= 10 cells; bowl depth 0.2 D, raised rim,
/// ejecta falling off as (r/R)^-3), then one binomial 3x3 smoothing pass, like the footprint of a laser
/// altimeter DEM (LOLA gridded products are smooth at the pixel scale). Wall slopes reach 35-40 degrees.
func syntheticLunarDEM(width: Int, height: Int, dx: Double, dy: Double, seed: UInt64) -> Grid {
    var rng = TestRNG(seed: seed)
    var z = [Float](repeating: 0, count: width * height)
    let extent = max(Double(width) * dx, Double(height) * dy)
    // Fractal: sum of plane waves.
    var waves: [(kx: Double, ky: Double, amp: Double, phase: Double)] = []
    for _ in 0..<60 {
        let lambda = max(extent * pow(2, -rng.uniform(0, 6.5)), 5 * max(dx, dy))
        let theta = rng.uniform(0, 2 * .pi)
        let k = 2 * Double.pi / lambda
        waves.append((k * cos(theta), k * sin(theta), 0.03 * lambda * pow(lambda / extent, 0.6) * rng.uniform(0.5, 1.5), rng.uniform(0, 2 * .pi)))
    }
    var craters: [(x: Double, y: Double, r: Double)] = []
    for _ in 0..<70 {
        let d = max(extent * 0.02, 10 * max(dx, dy)) * pow(rng.uniform(0.0003, 1), -1 / 1.8) // power law
        craters.append((rng.uniform(0, Double(width) * dx), rng.uniform(0, Double(height) * dy), min(d, extent * 0.7) / 2))
    }
    for r in 0..<height {
        for c in 0..<width {
            let x = Double(c) * dx, y = Double(r) * dy
            var h = 0.0
            for w in waves { h += w.amp * sin(w.kx * x + w.ky * y + w.phase) }
            for cr in craters {
                let rr = ((x - cr.x) * (x - cr.x) + (y - cr.y) * (y - cr.y)).squareRoot() / cr.r
                let depth = 0.2 * 2 * cr.r, rim = 0.04 * 2 * cr.r
                if rr < 1 { h += -depth + (depth + rim) * rr * rr } else if rr < 4 { h += rim * pow(rr, -3) }
            }
            z[r * width + c] = Float(h)
        }
    }
    var s = z
    for r in 0..<height {
        for c in 0..<width {
            var acc: Float = 0, wsum: Float = 0
            for dr in -1...1 {
                for dc in -1...1 {
                    let rr = r + dr, cc = c + dc
                    if rr < 0 || cc < 0 || rr >= height || cc >= width { continue }
                    let w: Float = (dr == 0 ? 2 : 1) * (dc == 0 ? 2 : 1)
                    acc += w * z[rr * width + cc]; wsum += w
                }
            }
            s[r * width + c] = acc / wsum
        }
    }
    return Grid(width: width, height: height, values: s)
}

/// Brute-force horizon by ray marching: from the centre of (row, column), along grid azimuth `azDeg`
/// (clockwise from up), in steps of half the smaller cell size, bilinear heights, exact sphere geometry:
/// tan e = ((R + z_j) cos(theta) - (R + z_i + h)) / ((R + z_j) sin(theta)), theta = s / R, out to the
/// rectangle of cell centres. NaN samples are skipped; -90 when there is nothing.
func bruteForceHorizon(_ dem: Grid, dx: Double, dy: Double, row: Int, column: Int, azimuthDegrees azDeg: Double,
                       observerHeight h: Double, radius R: Double, stepCells: Double = 0.5) -> Double {
    let zi = Double(dem[row, column])
    if zi.isNaN { return .nan }
    let az = azDeg * .pi / 180
    // Exact zeros on the axes, so a ray along a row or column does not leave the grid by rounding.
    let ux = abs(sin(az)) < 1e-12 ? 0 : sin(az), uy = abs(cos(az)) < 1e-12 ? 0 : cos(az)
    let ds = stepCells * min(dx, dy)
    var best = -Double.pi / 2
    var s = ds
    let W = dem.width, H = dem.height
    while true {
        let c = Double(column) + s * ux / dx
        let r = Double(row) - s * uy / dy
        if c < 0 || r < 0 || c > Double(W - 1) || r > Double(H - 1) { break }
        var c0 = Int(c), r0 = Int(r)
        if c0 == W - 1 { c0 -= 1 }
        if r0 == H - 1 { r0 -= 1 }
        let wx = c - Double(c0), wy = r - Double(r0)
        func at(_ rr: Int, _ cc: Int, _ w: Double) -> Double { w == 0 ? 0 : w * Double(dem[min(rr, H - 1), min(cc, W - 1)]) }
        let zj = at(r0, c0, (1 - wx) * (1 - wy)) + at(r0, c0 + 1, wx * (1 - wy)) + at(r0 + 1, c0, (1 - wx) * wy) + at(r0 + 1, c0 + 1, wx * wy)
        if !zj.isNaN {
            let theta = s / R
            let e = atan2((R + zj) * cos(theta) - (R + zi + h), (R + zj) * sin(theta))
            if e > best { best = e }
        }
        s += ds
    }
    return best * 180 / .pi
}

struct ErrorStats: CustomStringConvertible {
    var rms: Double, p99: Double, max: Double, mean: Double, count: Int
    init(_ diffs: [Double]) {
        let a = diffs.map(abs).sorted()
        count = a.count
        rms = (diffs.reduce(0) { $0 + $1 * $1 } / Double(Swift.max(1, a.count))).squareRoot()
        mean = diffs.reduce(0, +) / Double(Swift.max(1, a.count))
        p99 = a.isEmpty ? 0 : a[Swift.min(a.count - 1, Int(0.99 * Double(a.count)))]
        max = a.last ?? 0
    }
    var description: String {
        String(format: "n=%d mean=%+.4f RMS=%.4f p99=%.4f max=%.4f deg", count, mean, rms, p99, max)
    }
}
