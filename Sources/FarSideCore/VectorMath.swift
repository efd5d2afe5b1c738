/// Vector arctangents and selects for FarSide's kernels (terrain, horizons, visibility, scoring), on
/// `SIMD8<Float>`; `@inlinable`, so each kernel module compiles them with its own vector flags.
///
/// Selects work on sign bits with integer bit operations (vpsrad/vpand/vpor), which combine with the
/// integer lane state some kernels keep; minimum and maximum use the comparison-select form that
/// compiles to vminps/vmaxps (`pointwiseMin`/`pointwiseMax` stay scalar because of their NaN rules). Arctangent: atan(x) = x P(x^2) on [0, 1] with a degree-7 polynomial
/// in x^2 fitted for minimax error (Lawson's iteratively reweighted least squares over Chebyshev nodes),
/// max error 1.1e-7 rad in Float32; arguments above 1 use atan(x) = pi/2 - atan(1/x).
///
/// The horizon sweep's sixteen-lane helpers are `LaneMath`, beside this file. (One generic `LaneOps<V>`
/// over both widths was tried: this toolchain left it unspecialized in the kernels, 10x slower.)
public enum VectorMath {
    public typealias V = SIMD8<Float>
    @inlinable @inline(__always)
    public static func bits(_ v: V) -> SIMD8<Int32> { unsafeBitCast(v, to: SIMD8<Int32>.self) }

    @inlinable @inline(__always)
    public static func float(_ b: SIMD8<Int32>) -> V { unsafeBitCast(b, to: V.self) }

    /// `a` in lanes where `condition` has its sign bit set (negative, -0.0 or a negative NaN), else `b`.
    @inlinable @inline(__always)
    public static func selectNegative(_ condition: V, _ a: V, _ b: V) -> V {
        let m = bits(condition) &>> 31
        return float((bits(a) & m) | (bits(b) & ~m))
    }

    // Integer lane masks (all ones or zero per lane) and selects on them, for kernels that keep per-lane
    // integer state (indices, counts) beside their floats.
    public typealias I = SIMD8<Int32>

    /// All ones in lanes where `x` has its sign bit set (negative, -0.0 or a negative NaN), else zero.
    @inlinable @inline(__always)
    public static func signMask(_ x: V) -> I { bits(x) &>> 31 }

    /// All ones in lanes where `a < b` (integers whose difference does not overflow), else zero.
    @inlinable @inline(__always)
    public static func lessMask(_ a: I, _ b: I) -> I { (a &- b) &>> 31 }

    /// `a` in lanes where `mask` is all ones, else `b`.
    @inlinable @inline(__always)
    public static func select(_ mask: I, _ a: V, _ b: V) -> V { float((bits(a) & mask) | (bits(b) & ~mask)) }

    @inlinable @inline(__always)
    public static func select(_ mask: I, _ a: I, _ b: I) -> I { (a & mask) | (b & ~mask) }

    /// True when any lane of `mask` is all ones (lanes are all ones or zero): four 64-bit words or-ed.
    @inlinable @inline(__always)
    public static func any(_ mask: I) -> Bool {
        let q = unsafeBitCast(mask, to: SIMD4<UInt64>.self)
        return (q[0] | q[1] | q[2] | q[3]) != 0
    }

    @inlinable @inline(__always)
    public static func abs(_ v: V) -> V { float(bits(v) & SIMD8<Int32>(repeating: 0x7FFF_FFFF)) }

    /// Lane minimum and maximum for NaN-free inputs (a NaN in either gives `b`): the comparison-select
    /// form, which compiles to one vminps/vmaxps (SSE or AVX), unlike `pointwiseMin`/`pointwiseMax`,
    /// whose IEEE NaN rules keep them scalar.
    @inlinable @inline(__always)
    public static func min(_ a: V, _ b: V) -> V { b.replacing(with: a, where: a .< b) }
    @inlinable @inline(__always)
    public static func max(_ a: V, _ b: V) -> V { b.replacing(with: a, where: a .> b) }

    /// The sign mask of integer lanes (sign bits accumulated by or-ing bit patterns).
    @inlinable @inline(__always)
    public static func signMask(_ b: I) -> I { b &>> 31 }

    /// Clamp to [0, 1] for non-NaN inputs (infinities clamp too).
    @inlinable @inline(__always)
    public static func clamp01(_ v: V) -> V {
        let lo = selectNegative(v, V.zero, v)                                 // max(v, 0)
        return selectNegative(V(repeating: 1) - lo, V(repeating: 1), lo)      // min(lo, 1)
    }

    /// Sign bit set in lanes holding a NaN: 0x7F800000 - |bits| is negative exactly for NaN payloads
    /// (infinities give 0, finite values a positive number; no overflow since both are non-negative).
    @inlinable @inline(__always)
    public static func nanSign(_ v: V) -> I { I(repeating: 0x7F80_0000) &- (bits(v) & I(repeating: 0x7FFF_FFFF)) }

    /// atan(x) for x in [0, 1].
    @inlinable @inline(__always)
    static func atanUnit(_ x: V) -> V {
        let z = x * x
        var p = V(repeating: -0.004054560791701078)
        p = V(repeating: 0.0218629352748394).addingProduct(p, z)
        p = V(repeating: -0.05591229721903801).addingProduct(p, z)
        p = V(repeating: 0.09642194956541061).addingProduct(p, z)
        p = V(repeating: -0.1390862911939621).addingProduct(p, z)
        p = V(repeating: 0.19946566224098206).addingProduct(p, z)
        p = V(repeating: -0.33329859375953674).addingProduct(p, z)
        p = V(repeating: 0.9999993443489075).addingProduct(p, z)
        return x * p
    }

    /// True when any of the `count` values at `p` is NaN (vector sum of v - v, which is 0 or NaN).
    @inlinable
    public static func containsNaN(_ p: UnsafePointer<Float>, count: Int) -> Bool {
        var acc = V.zero
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(p + i).loadUnaligned(as: V.self)
            acc += v - v
            i += 8
        }
        var tail: Float = 0
        while i < count { tail += p[i] - p[i]; i += 1 }
        return (acc.sum() + tail).isNaN
    }

    /// atan(x) in radians for any x (NaN stays NaN).
    @inlinable @inline(__always)
    public static func atan(_ x: V) -> V {
        let signMask = SIMD8<Int32>(repeating: Int32(bitPattern: 0x8000_0000))
        let ax = float(bits(x) & ~signMask)
        let one = V(repeating: 1)
        let big = one - ax
        let u = selectNegative(big, one / ax, ax)
        let a0 = atanUnit(u)
        let a = selectNegative(big, V(repeating: .pi / 2) - a0, a0)
        return float(bits(a) | (bits(x) & signMask))
    }

    /// atan(x) for x >= 0 (x = +inf gives pi/2).
    @inlinable @inline(__always)
    public static func atanNonNegative(_ x: V) -> V {
        let one = V(repeating: 1)
        let big = one - x                      // negative where x > 1
        let u = selectNegative(big, one / x, x)
        let a = atanUnit(u)
        return selectNegative(big, V(repeating: .pi / 2) - a, a)
    }

    /// atan2(y, x) in radians, (-pi, pi]; NaN where x = y = 0 (so flat cells come out as nodata).
    @inlinable @inline(__always)
    public static func atan2(_ y: V, _ x: V) -> V {
        let ax = abs(x), ay = abs(y)
        let steep = ax - ay                    // negative where |y| > |x|
        let ratio = selectNegative(steep, ax, ay) / selectNegative(steep, ay, ax)
        var a = atanUnit(ratio)
        a = selectNegative(steep, V(repeating: .pi / 2) - a, a)
        a = selectNegative(x, V(repeating: .pi) - a, a)
        // a >= 0 here: give it the sign of y.
        return float(bits(a) | (bits(y) & SIMD8<Int32>(repeating: Int32(bitPattern: 0x8000_0000))))
    }
}
