import FarSideCore
import Dispatch

/// Small shared helpers for the SiteSelection kernels.
enum Parallel {
    /// Pieces per thread: enough that a slow core does not hold up the rest, few enough to stay cheap.
    static let chunksPerWorker = 4

    /// Runs `body` over disjoint, contiguous ranges covering `0..<count` on up to `threads` threads
    /// (inline when 1). Ranges are handed out in `threads * 4` pieces so a slow core does not stall the rest.
    static func forEachRange(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        let workers = max(1, min(threads, count))
        if workers == 1 {
            if count > 0 { body(0..<count) }
            return
        }
        let chunks = min(count, workers * chunksPerWorker)
        DispatchQueue.concurrentPerform(iterations: chunks) { k in
            body((k * count / chunks)..<((k + 1) * count / chunks))
        }
    }
}

/// Sign-bit selects on `SIMD8<Float>` through the integer bit pattern.
///
/// Swift's SIMD mask operations (`.<`, `replace(with:where:)`, `pointwiseMin/Max`) lower to scalar loops
/// in this toolchain; integer and/or/shift on the bit pattern compile to plain AVX2 (vpsrad/vpand/vpor).
/// Thin names over GeoRaster's `VectorMath`, plus the scorer's own clamp and NaN masks.
enum Lanes {
    typealias V = SIMD8<Float>
    typealias B = SIMD8<Int32>

    @inline(__always) static func bits(_ v: V) -> B { VectorMath.bits(v) }
    @inline(__always) static func float(_ b: B) -> V { VectorMath.float(b) }

    /// All-ones in lanes whose sign bit is set, else zero.
    @inline(__always) static func signMask(_ b: B) -> B { b &>> 31 }

    /// `a` where the sign bit of `condition` is set, else `b`.
    @inline(__always) static func selectNegative(_ condition: V, _ a: V, _ b: V) -> V { VectorMath.selectNegative(condition, a, b) }

    /// Clamp to [0, 1] for non-NaN inputs (infinities clamp too).
    @inline(__always) static func clamp01(_ v: V) -> V {
        let lo = selectNegative(v, V.zero, v)                     // max(v, 0)
        return selectNegative(V(repeating: 1) - lo, V(repeating: 1), lo)   // min(lo, 1)
    }

    /// Sign bit set in lanes holding a NaN: 0x7F800000 - |bits| is negative exactly for NaN payloads
    /// (infinities give 0, finite values a positive number; no overflow since both are non-negative).
    @inline(__always) static func nanSign(_ v: V) -> B {
        B(repeating: 0x7F80_0000) &- (bits(v) & B(repeating: 0x7FFF_FFFF))
    }
}
