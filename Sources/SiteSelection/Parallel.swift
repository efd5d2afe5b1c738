import FarSideCore
import Dispatch

/// Small shared helpers for the SiteSelection kernels.
enum Parallel {
    /// Runs `body` over disjoint, contiguous ranges covering `0..<count` on up to `threads` threads
    /// (inline when 1; `ParallelChunks`).
    static func forEachRange(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        ParallelChunks.forEachRange(count: count, threads: threads, body)
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
