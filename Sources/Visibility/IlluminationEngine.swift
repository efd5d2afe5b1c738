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
/// per-bin tables (`SunBinTables`, `PointBinTables`) in O(bins) per cell; the longest darkness needs
/// the order of the steps, so it runs over them with one vector compare per 8 cells and step.
public struct IlluminationEngine: Sendable {
    public var azimuthBins = 720
    public var tileSize = 64
    public var threads = 1

    public init() {}

    public func run(dem: Grid, transform: GeoTransform, transformer: CoordinateTransformer,
                    horizon: HorizonCube, track: BodyTrack, stepHours: Double,
                    progress: ((Double) -> Void)? = nil) throws -> IlluminationMaps {
        precondition(horizon.width == dem.width && horizon.height == dem.height)
        let w = dem.width, h = dem.height
        var sun = Grid(width: w, height: h), dark = sun, psr = sun, earth = sun
        let tilesX = (w + tileSize - 1) / tileSize, tilesY = (h + tileSize - 1) / tileSize
        let tiles = tilesX * tilesY
        var failure: Error?
        let lock = NSLock()
        var done = 0
        sun.values.withUnsafeMutableBufferPointer { sp in
            dark.values.withUnsafeMutableBufferPointer { dp in
                psr.values.withUnsafeMutableBufferPointer { pp in
                    earth.values.withUnsafeMutableBufferPointer { ep in
                        let out = TileOutputs(sun: sp, dark: dp, psr: pp, earth: ep)
                        DispatchQueue.concurrentPerform(iterations: threads <= 1 ? 1 : min(threads, tiles)) { worker in
                            var tile = worker
                            let stride = threads <= 1 ? 1 : min(threads, tiles)
                            while tile < tiles {
                                let ty = tile / tilesX, tx = tile % tilesX
                                let rows = (ty * tileSize)..<min(h, (ty + 1) * tileSize)
                                let cols = (tx * tileSize)..<min(w, (tx + 1) * tileSize)
                                do {
                                    try runTile(rows: rows, columns: cols, dem: dem, transform: transform, transformer: transformer,
                                                horizon: horizon, track: track, stepHours: stepHours, out: out)
                                } catch {
                                    lock.lock(); failure = error; lock.unlock()
                                    return
                                }
                                lock.lock(); done += 1; let d = done; lock.unlock()
                                if worker == 0 { progress?(Double(d) / Double(tiles)) }
                                tile += stride
                            }
                        }
                    }
                }
            }
        }
        if let failure { throw failure }
        return IlluminationMaps(sunFraction: sun, maxDarknessHours: dark, psr: psr, earthFraction: earth)
    }

    struct TileOutputs: @unchecked Sendable {
        let sun, dark, psr, earth: UnsafeMutableBufferPointer<Float>
    }

    func runTile(rows: Range<Int>, columns: Range<Int>, dem: Grid, transform: GeoTransform, transformer: CoordinateTransformer,
                 horizon: HorizonCube, track: BodyTrack, stepHours: Double, out: TileOutputs) throws {
        let frames = try SurfaceFrame.frames(transform: transform, transformer: transformer, rows: rows, columns: columns)
        let reference = frames[(rows.count / 2) * columns.count + columns.count / 2]
        let K = azimuthBins, T = track.count
        let binWidth = 2 * Double.pi / Double(K)
        func bin(_ a: Double) -> Int32 { Int32(Int((a / binWidth).rounded()) % K) }
        var eSun = [Double](repeating: 0, count: T), kSun = [Int32](repeating: 0, count: T)
        var eEarth = eSun, kEarth = kSun
        // For the darkness loop: the bins on either side of the Sun's exact azimuth and the weight of the
        // upper one, so thresholds are interpolated in azimuth (error second order in the bin width).
        var kLow = [Int32](repeating: 0, count: T), weight = [Float](repeating: 0, count: T)
        for t in 0..<T {
            let s = reference.elevationAzimuth(track.sun[t])
            eSun[t] = s.elevation; kSun[t] = bin(s.azimuth)
            let position = s.azimuth / binWidth
            let low = Int(position.rounded(.down))
            kLow[t] = Int32(low % K)
            weight[t] = Float(position - Double(low))
            let e = reference.elevationAzimuth(track.earth[t])
            eEarth[t] = e.elevation; kEarth[t] = bin(e.azimuth)
        }
        let sunTables = SunBinTables(elevations: eSun, radii: track.sunRadius, bins: kSun, binCount: K)
        let earthTables = PointBinTables(elevations: eEarth, bins: kEarth, binCount: K)
        let sinA = (0..<K).map { sin(Double($0) * binWidth) }, cosA = (0..<K).map { cos(Double($0) * binWidth) }

        let cells = frames.count
        var theta = [Float](repeating: .infinity, count: K * cells)
        var valid = [Bool](repeating: false, count: cells)
        let A = horizon.azimuthCount
        var profile = [Double](repeating: 0, count: A + 1)
        for (i, frame) in frames.enumerated() {
            let r = rows.lowerBound + i / columns.count, c = columns.lowerBound + i % columns.count
            let cell = r * dem.width + c
            guard !dem.values[cell].isNaN else { continue }
            for j in 0..<A { profile[j] = Double(horizon.elevation(band: j, cell: cell)) * .pi / 180 }
            profile[A] = profile[0]
            if profile.contains(where: { $0.isNaN }) { continue }
            valid[i] = true
            let dx = (reference.right * frame.normal).sum(), dy = (reference.up * frame.normal).sum()
            var p = reference.up - (reference.up * frame.normal).sum() * frame.normal
            p /= (p * p).sum().squareRoot()
            let gamma = atan2((p * frame.right).sum(), (p * frame.up).sum())
            var sunSum = 0.0, earthCount = 0
            for k in 0..<K {
                var position = (Double(k) * binWidth + gamma) / (2 * .pi) * Double(A)
                position -= Double(A) * (position / Double(A)).rounded(.down)
                let j = min(A - 1, Int(position)), f = position - Double(j)
                let hz = profile[j] * (1 - f) + profile[j + 1] * f
                let th = hz - (dx * sinA[k] + dy * cosA[k])
                theta[k * cells + i] = Float(th)
                sunSum += sunTables.value(bin: k, theta: th)
                earthCount += earthTables.count(bin: k, above: th)
            }
            out.sun[cell] = Float(sunSum / Double(T))
            out.earth[cell] = Float(Double(earthCount) / Double(T))
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

/// Sign-bit selects (Swift's SIMD mask operations compile to scalar loops).
enum VisibilityMath {
    typealias V = SIMD8<Float>

    /// `a` where `x` <= 0 (including -0.0 and +0.0), else `b`.
    @inline(__always)
    static func selectNonPositive(_ x: V, _ a: V, _ b: V) -> V {
        // x <= 0  <=>  sign(x - tiny) is negative, with tiny the smallest positive float: +0.0 - tiny < 0.
        let shifted = x - V(repeating: .leastNonzeroMagnitude)
        let m = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &>> 31
        return unsafeBitCast((unsafeBitCast(a, to: SIMD8<Int32>.self) & m) | (unsafeBitCast(b, to: SIMD8<Int32>.self) & ~m), to: V.self)
    }

    @inline(__always)
    static func max(_ a: V, _ b: V) -> V {
        let m = unsafeBitCast(a - b, to: SIMD8<Int32>.self) &>> 31  // a < b
        return unsafeBitCast((unsafeBitCast(b, to: SIMD8<Int32>.self) & m) | (unsafeBitCast(a, to: SIMD8<Int32>.self) & ~m), to: V.self)
    }
}
