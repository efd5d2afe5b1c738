/// The eight-lane kernel helpers (`LaneOps`: selects, masks, minimum and maximum) and the vector
/// arctangents of FarSide's kernels (terrain, horizons, visibility, scoring), on `SIMD8<Float>`.
public typealias VectorMath = LaneOps<SIMD8<Float>>

/// Arctangent: atan(x) = x P(x^2) on [0, 1] with a degree-7 polynomial in x^2 fitted for minimax error
/// (Lawson's iteratively reweighted least squares over Chebyshev nodes), max error 1.1e-7 rad in Float32;
/// arguments above 1 use atan(x) = pi/2 - atan(1/x).
extension LaneOps where Vector == SIMD8<Float> {
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
