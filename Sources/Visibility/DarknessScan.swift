import GeoRaster

/// One time step of the Sun in a tile's frame, as the darkness scan needs it: the azimuth bin at or below
/// the Sun (`bin`), the share of the next bin (`weight`, thresholds are interpolated linearly in azimuth)
/// and the top of the disc, e_t + r_t (`top`).
struct SunStep: Sendable {
    var top: Float
    var weight: Float
    var bin: Int32
}

/// The longest darkness of a chunk of `lanes` cells (a compact patch of a tile), scanning every step:
/// a cell is dark at step t when top_t <= theta(k_t) + (theta(k_t + 1) - theta(k_t)) w_t, in Float, the
/// test of the original all-cells-per-step loop, so the result is the same to the bit.
///
/// The chunk's thresholds, (bins + 1) x `lanes` floats (row `bins` repeats row 0), stay in L1/L2 while
/// all steps stream past, and the run lengths stay in registers. Most steps need no per-cell test: with
/// hi_k / lo_k the largest / smallest threshold of the chunk over bins k and k + 1, widened by a margin
/// well above the Float rounding of the interpolation, top_t > hi_k means no cell of the chunk is dark
/// (every run ends) and top_t <= lo_k means every cell is (every run grows), decided by one scalar compare.
/// A run's best is taken just before it can end (and at the end), which is all the longest run needs.
enum DarknessScan {
    static let lanes = 32
    /// Chunk shape in cells (rows x columns = lanes): compact, so the cells' horizons are alike and most
    /// steps are decided for the whole chunk.
    static let chunkRows = 4, chunkColumns = 8

    typealias V = SIMD8<Float>

    /// Fills hi[k] / lo[k], k < bins, from `theta` ((bins + 1) x lanes).
    static func bounds(theta: UnsafePointer<Float>, bins: Int, hi: UnsafeMutablePointer<Float>, lo: UnsafeMutablePointer<Float>) {
        func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        // Per row: largest and smallest threshold (rows k and k + 1 give bin k's bounds).
        var rowMax = [Float](repeating: 0, count: bins + 1), rowMin = rowMax
        var largest = V.zero
        for k in 0...bins {
            var high = load(theta + k * lanes), low = high
            for g in 1..<(lanes / 8) {
                let v = load(theta + k * lanes + 8 * g)
                high = VectorMath.max(high, v)
                low = VectorMath.min(low, v)
            }
            largest = VectorMath.max(largest, VectorMath.max(VectorMath.abs(high), VectorMath.abs(low)))
            rowMax[k] = horizontal(high, Swift.max)
            rowMin[k] = horizontal(low, Swift.min)
        }
        // The interpolation a + (b - a) w rounds to within ~5 ulp(max(|a|, |b|)) of [min(a, b), max(a, b)];
        // the margin is far wider.
        let margin = horizontal(largest, Swift.max) * 1e-5 + 1e-30
        for k in 0..<bins {
            hi[k] = Swift.max(rowMax[k], rowMax[k + 1]) + margin
            lo[k] = Swift.min(rowMin[k], rowMin[k + 1]) - margin
        }
    }

    /// The lanes of `v` reduced with `f` (SIMD's own `max()` / `min()` are not inlined).
    @inline(__always)
    static func horizontal(_ v: V, _ f: (Float, Float) -> Float) -> Float {
        f(f(f(v[0], v[1]), f(v[2], v[3])), f(f(v[4], v[5]), f(v[6], v[7])))
    }

    /// Longest run of dark steps per lane (in steps) into `longest` (`lanes` floats).
    static func longestRuns(theta: UnsafePointer<Float>, hi: UnsafePointer<Float>, lo: UnsafePointer<Float>,
                            steps: UnsafeBufferPointer<SunStep>, longest: UnsafeMutablePointer<Float>) {
        var run0 = V.zero, run1 = V.zero, run2 = V.zero, run3 = V.zero
        var best0 = V.zero, best1 = V.zero, best2 = V.zero, best3 = V.zero
        var running = false  // some run is non-zero
        let one = V(repeating: 1)
        for s in steps {
            let k = Int(s.bin)
            if s.top > hi[k] {  // no cell dark: every run ends
                if running {
                    best0 = VectorMath.max(best0, run0); best1 = VectorMath.max(best1, run1)
                    best2 = VectorMath.max(best2, run2); best3 = VectorMath.max(best3, run3)
                    run0 = .zero; run1 = .zero; run2 = .zero; run3 = .zero
                    running = false
                }
                continue
            }
            running = true
            if s.top <= lo[k] {  // every cell dark
                run0 += one; run1 += one; run2 += one; run3 += one
                continue
            }
            let row = theta + k * lanes, top = V(repeating: s.top), w = V(repeating: s.weight)
            step(row, top, w, &run0, &best0)
            step(row + 8, top, w, &run1, &best1)
            step(row + 16, top, w, &run2, &best2)
            step(row + 24, top, w, &run3, &best3)
        }
        for (g, v) in [VectorMath.max(best0, run0), VectorMath.max(best1, run1),
                       VectorMath.max(best2, run2), VectorMath.max(best3, run3)].enumerated() {
            UnsafeMutableRawPointer(longest + 8 * g).storeBytes(of: v, as: V.self)
        }
    }

    /// One step for 8 lanes whose thresholds for bin k start at `row` (bin k + 1 at row + lanes).
    @inline(__always)
    static func step(_ row: UnsafePointer<Float>, _ top: V, _ w: V, _ run: inout V, _ best: inout V) {
        let a = UnsafeRawPointer(row).loadUnaligned(as: V.self)
        let b = UnsafeRawPointer(row + lanes).loadUnaligned(as: V.self)
        let limit = a + (b - a) * w
        best = VectorMath.max(best, run)
        // top - limit <= 0: dark (a -0.0 or negative difference selects run + 1)
        run = selectNonPositive(top - limit, run + V(repeating: 1), .zero)
    }

    /// `a` where `x` <= 0 (+0.0 included), else `b`: x <= 0 exactly when x - tiny has its sign bit set,
    /// tiny the smallest positive float (+0.0 - tiny < 0).
    @inline(__always)
    static func selectNonPositive(_ x: V, _ a: V, _ b: V) -> V {
        VectorMath.selectNegative(x - V(repeating: .leastNonzeroMagnitude), a, b)
    }

    /// The plain definition, for tests: per lane and step, the same compare, run and longest run.
    static func longestRunsReference(theta: UnsafePointer<Float>, steps: [SunStep]) -> [Float] {
        (0..<lanes).map { lane in
            var run: Float = 0, longest: Float = 0
            for s in steps {
                let a = V(repeating: theta[Int(s.bin) * lanes + lane]), b = V(repeating: theta[(Int(s.bin) + 1) * lanes + lane])
                let limit = a + (b - a) * V(repeating: s.weight)
                run = (V(repeating: s.top) - limit)[0] <= 0 ? run + 1 : 0
                longest = Swift.max(longest, run)
            }
            return longest
        }
    }
}
