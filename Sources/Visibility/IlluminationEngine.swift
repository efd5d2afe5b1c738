import Dispatch
import Foundation
import GeoRaster
import Horizon

/// Per-cell illumination over a time window.
public struct IlluminationMaps: Sendable {
    /// Mean visible fraction of the solar disc (0...1).
    public var sunFraction: Grid
    /// Longest run of consecutive steps with no part of the disc visible, hours.
    public var maxDarknessHours: Grid
    /// 1 where no part of the Sun was visible at any step, else 0.
    public var psr: Grid
    /// Fraction of steps with the Earth's centre above the horizon.
    public var earthFraction: Grid
}

/// Illumination and Earth visibility from horizon maps and a body track.
///
/// Cells are processed in tiles. Each tile takes the local frame of its centre cell as reference; every
/// time step gets the Sun's (and Earth's) elevation e_t and azimuth in that frame, and the steps are
/// binned by azimuth. A cell whose normal is tilted by (dx, dy) from the reference normal (components
/// along the reference right/up axes, |d| <= tile half-width / R) sees the body at elevation
/// e_t + dx sin(a) + dy cos(a) to first order, and its grid azimuths are rotated by gamma from the
/// reference's. The Sun is visible where that elevation clears the horizon h(a + gamma) at the bin's
/// azimuth a: e_t >= theta = h(a + gamma) - (dx sin a + dy cos a). The second-order error is about
/// |d|^2 tan(h) / 2 (1e-6 rad for 64-cell tiles of 100 m cells). Sun and Earth fractions then come from
/// per-bin tables (`ElevationBinTables`) in O(bins) per cell; the longest darkness needs
/// the order of the steps, so it runs over them with one vector compare per 8 cells and step.
public struct IlluminationEngine: Sendable {
    /// Azimuth bins for the tables (0: one per horizon azimuth).
    public var azimuthBins = 0
    /// Tile edge in cells (0: about 10 km, 32 ... 256 cells). Each tile costs one pass over the steps to
    /// put the Sun and Earth in its frame; the first-order tilt error grows with the tile's half-width.
    public var tileSize = 0
    public var threads = 1

    /// Observer height above the ground, metres, of the horizons given to `run`.
    public var observerHeight = 0.0

    public init() {}

    /// The lowest horizon an observer `height` metres above a smooth sphere of `radius` can have (the
    /// geometric dip, -acos(R / (R + h)), 0 at ground level), in degrees. Where a DEM ends, the surface
    /// is taken to continue as that sphere, so no horizon is lower than this: "no terrain" in a
    /// direction (a sweep's -90 deg at the DEM's edge) does not let the Sun be seen below the ground.
    public static func horizonFloor(observerHeight height: Double, radius: Double = 1_737_400) -> Double {
        -acos(radius / (radius + max(0, height))) * 180 / .pi
    }

    public func run(dem: Grid, transform: GeoTransform, transformer: CoordinateTransformer,
                    horizon: any HorizonProfiles, track: BodyTrack, stepHours: Double,
                    progress: ((Double) -> Void)? = nil) throws -> IlluminationMaps {
        precondition(horizon.width == dem.width && horizon.height == dem.height)
        let w = dem.width, h = dem.height
        var sun = Grid(width: w, height: h), dark = sun, psr = sun, earth = sun
        let tileSize = try self.tileSize > 0 ? self.tileSize : Self.automaticTileSize(transform: transform, transformer: transformer)
        try sun.values.withUnsafeMutableBufferPointer { sp in
            try dark.values.withUnsafeMutableBufferPointer { dp in
                try psr.values.withUnsafeMutableBufferPointer { pp in
                    try earth.values.withUnsafeMutableBufferPointer { ep in
                        let out = TileOutputs(sun: sp, dark: dp, psr: pp, earth: ep)
                        try BlockTiles.forEach(width: w, height: h, tileSize: tileSize, horizon: horizon, threads: threads, progress: progress) { rows, columns, source in
                            try runTile(rows: rows, columns: columns, dem: dem, transform: transform, transformer: transformer,
                                        horizon: source, track: track, stepHours: stepHours, out: out)
                        }
                    }
                }
            }
        }
        return IlluminationMaps(sunFraction: sun, maxDarknessHours: dark, psr: psr, earthFraction: earth)
    }

    /// The profiles of one block of cells (degrees, cell-major).
    struct BlockProfiles: @unchecked Sendable {
        let base: UnsafePointer<Float>
        let rows: Range<Int>
        let columns: Range<Int>
        let azimuths: Int

        func profile(row: Int, column: Int) -> UnsafePointer<Float> {
            base + ((row - rows.lowerBound) * columns.count + (column - columns.lowerBound)) * azimuths
        }
    }

    /// A tile's horizons, one contiguous profile per cell (radians, floored at `floor` degrees, the
    /// geometric dip), with entry A repeating entry 0 for the wrap-around.
    static func tileProfiles(_ horizon: BlockProfiles, rows: Range<Int>, columns: Range<Int>, floor: Float) -> [Float] {
        let A = horizon.azimuths
        var profiles = [Float](repeating: 0, count: rows.count * columns.count * (A + 1))
        let toRadians = Float.pi / 180
        for (ri, r) in rows.enumerated() {
            for (ci, c) in columns.enumerated() {
                let source = horizon.profile(row: r, column: c)
                let target = (ri * columns.count + ci) * (A + 1)
                for j in 0..<A {
                    let e = source[j]
                    profiles[target + j] = (e.isNaN ? e : Swift.max(e, floor)) * toRadians
                }
                profiles[target + A] = profiles[target]
            }
        }
        return profiles
    }

    /// About 10 km of cells, from the ground distance between two neighbouring cell centres.
    static func automaticTileSize(transform: GeoTransform, transformer: CoordinateTransformer) throws -> Int {
        let f = try SurfaceFrame.frames(transform: transform, transformer: transformer, rows: 0..<1, columns: 0..<2)
        let d = f[1].normal - f[0].normal
        let cell = (d * d).sum().squareRoot() * 1_737_400
        guard cell.isFinite, cell > 0 else { return 64 }
        return max(32, min(256, Int(10_000 / cell)))
    }

    struct TileOutputs: @unchecked Sendable {
        let sun, dark, psr, earth: UnsafeMutableBufferPointer<Float>
    }

    func runTile(rows: Range<Int>, columns: Range<Int>, dem: Grid, transform: GeoTransform, transformer: CoordinateTransformer,
                 horizon: BlockProfiles, track: BodyTrack, stepHours: Double, out: TileOutputs) throws {
        let frames = try SurfaceFrame.frames(transform: transform, transformer: transformer, rows: rows, columns: columns)
        let reference = frames[(rows.count / 2) * columns.count + columns.count / 2]
        let K = azimuthBins > 0 ? azimuthBins : horizon.azimuths, T = track.count
        let binWidth = 2 * Double.pi / Double(K)
        // Per step: elevation, the bin at or below the azimuth and the weight of the next bin, so thresholds
        // (sampled at bin azimuths) are interpolated linearly in azimuth: error second order in the bin width.
        var eSun = [Double](repeating: 0, count: T), kLow = [Int32](repeating: 0, count: T), weight = [Float](repeating: 0, count: T)
        var eEarth = eSun, kEarth = kLow, wEarth = weight
        func place(_ a: Double) -> (Int32, Float) {
            let position = a / binWidth
            let low = Int(position.rounded(.down))
            return (Int32(low % K), Float(position - Double(low)))
        }
        for t in 0..<T {
            let s = reference.elevationAzimuth(track.sun[t])
            eSun[t] = s.elevation
            (kLow[t], weight[t]) = place(s.azimuth)
            let e = reference.elevationAzimuth(track.earth[t])
            eEarth[t] = e.elevation
            (kEarth[t], wEarth[t]) = place(e.azimuth)
        }
        let sunTables = ElevationBinTables(elevations: eSun, radii: track.sunRadius, bins: kLow, weights: weight, binCount: K)
        let earthTables = ElevationBinTables(pointElevations: eEarth, bins: kEarth, weights: wEarth, binCount: K)
        let sinA = (0..<K).map { sin(Double($0) * binWidth) }, cosA = (0..<K).map { cos(Double($0) * binWidth) }

        let cells = frames.count
        var theta = [Float](repeating: .infinity, count: K * cells)
        var valid = [Bool](repeating: false, count: cells)
        let A = horizon.azimuths
        let profiles = Self.tileProfiles(horizon, rows: rows, columns: columns, floor: Float(Self.horizonFloor(observerHeight: observerHeight)))
        for (i, frame) in frames.enumerated() {
            let r = rows.lowerBound + i / columns.count, c = columns.lowerBound + i % columns.count
            let cell = r * dem.width + c
            guard !dem.values[cell].isNaN else { continue }
            let profile = profiles[(i * (A + 1))..<((i + 1) * (A + 1))]
            if profile.contains(where: { $0.isNaN }) { continue }
            let p0 = i * (A + 1)
            valid[i] = true
            let dx = (reference.right * frame.normal).sum(), dy = (reference.up * frame.normal).sum()
            var p = reference.up - (reference.up * frame.normal).sum() * frame.normal
            p /= (p * p).sum().squareRoot()
            let gamma = atan2((p * frame.right).sum(), (p * frame.up).sum())
            var sunSum = 0.0, earthCount = 0.0
            // Horizon position of bin 0 and its constant increment per bin (A / K bands).
            var position = gamma / (2 * .pi) * Double(A)
            position -= Double(A) * (position / Double(A)).rounded(.down)
            let increment = Double(A) / Double(K)
            for k in 0..<K {
                let j = min(A - 1, Int(position)), f = position - Double(j)
                let h0 = Double(profiles[p0 + j]), h1 = Double(profiles[p0 + j + 1])
                let hz = h0 + (h1 - h0) * f
                let th = hz - (dx * sinA[k] + dy * cosA[k])
                theta[k * cells + i] = Float(th)
                sunSum += sunTables.value(bin: k, theta: th)
                earthCount += earthTables.value(bin: k, theta: th)
                position += increment
                if position >= Double(A) { position -= Double(A) }
            }
            out.sun[cell] = Float(sunSum / Double(T))
            out.earth[cell] = Float(earthCount / Double(T))
        }

        // Longest darkness: dark at step t when e_t + r_t <= theta(k_t).
        var run = [Float](repeating: 0, count: cells + 8), longest = run
        theta.withUnsafeBufferPointer { th in
            run.withUnsafeMutableBufferPointer { rn in
                longest.withUnsafeMutableBufferPointer { lg in
                    typealias V = SIMD8<Float>
                    let one = V(repeating: 1)
                    for t in 0..<T {
                        let top = V(repeating: Float(eSun[t] + track.sunRadius[t]))
                        let low = Int(kLow[t])
                        let row = th.baseAddress! + low * cells
                        let next = th.baseAddress! + ((low + 1) % K) * cells
                        let w = weight[t], wv = V(repeating: w)
                        var i = 0
                        while i + 8 <= cells {
                            let a = UnsafeRawPointer(row + i).loadUnaligned(as: V.self)
                            let b = UnsafeRawPointer(next + i).loadUnaligned(as: V.self)
                            let limit = a + (b - a) * wv
                            let current = UnsafeRawPointer(rn.baseAddress! + i).loadUnaligned(as: V.self)
                            // top - limit <= 0: dark (a -0.0 or negative difference selects run + 1)
                            let updated = VisibilityMath.selectNonPositive(top - limit, current + one, .zero)
                            UnsafeMutableRawPointer(rn.baseAddress! + i).storeBytes(of: updated, as: V.self)
                            let best = UnsafeRawPointer(lg.baseAddress! + i).loadUnaligned(as: V.self)
                            UnsafeMutableRawPointer(lg.baseAddress! + i).storeBytes(of: VisibilityMath.max(best, updated), as: V.self)
                            i += 8
                        }
                        while i < cells {
                            rn[i] = top[0] <= row[i] + (next[i] - row[i]) * w ? rn[i] + 1 : 0
                            lg[i] = Swift.max(lg[i], rn[i])
                            i += 1
                        }
                    }
                }
            }
        }
        for i in 0..<cells {
            let r = rows.lowerBound + i / columns.count, c = columns.lowerBound + i % columns.count
            let cell = r * dem.width + c
            guard valid[i] else {
                out.sun[cell] = .nan; out.dark[cell] = .nan; out.psr[cell] = .nan; out.earth[cell] = .nan
                continue
            }
            out.dark[cell] = Float(Double(longest[i]) * stepHours)
            out.psr[cell] = longest[i] >= Float(T) ? 1 : 0
        }
    }
}

/// The darkness loop's select: `a` where `x` <= 0 (+0.0 included), else `b`, on GeoRaster's `VectorMath`.
enum VisibilityMath {
    typealias V = SIMD8<Float>

    @inline(__always)
    static func selectNonPositive(_ x: V, _ a: V, _ b: V) -> V {
        // x <= 0  <=>  x - tiny has its sign bit set, tiny the smallest positive float: +0.0 - tiny < 0.
        VectorMath.selectNegative(x - V(repeating: .leastNonzeroMagnitude), a, b)
    }

    @inline(__always)
    static func max(_ a: V, _ b: V) -> V { VectorMath.max(a, b) }
}
