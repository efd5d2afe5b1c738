/// Lane operations of `LaneSweepKernel` on 16 lanes (two AVX registers per vector): the kernel's
/// loops are chains of dependent loads and compares, and sixteen lanes give the core two independent
/// chains per instruction stream. Integer lane masks (all ones or zero per lane) select with bit
/// operations so they combine with the per-lane integer state (stack heights, slots); minimum and
/// maximum use the comparison-select form that compiles to vminps/vmaxps (as `VectorMath` does for
/// eight lanes, beside it in FarSideCore, the one home of the kernels' lane helpers).
public enum LaneMath {
    public typealias V = SIMD16<Float>
    public typealias I = SIMD16<Int32>

    @inlinable @inline(__always)
    public static func bits(_ v: V) -> I { unsafeBitCast(v, to: I.self) }

    @inlinable @inline(__always)
    public static func float(_ b: I) -> V { unsafeBitCast(b, to: V.self) }

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

    /// True when any lane of `mask` is all ones.
    @inlinable @inline(__always)
    public static func any(_ mask: I) -> Bool {
        let q = unsafeBitCast(mask, to: SIMD8<UInt64>.self)
        return ((q[0] | q[1]) | (q[2] | q[3])) | ((q[4] | q[5]) | (q[6] | q[7])) != 0
    }

    @inlinable @inline(__always)
    public static func abs(_ v: V) -> V { float(bits(v) & I(repeating: 0x7FFF_FFFF)) }

    /// Lane minimum and maximum for NaN-free inputs.
    @inlinable @inline(__always)
    public static func min(_ a: V, _ b: V) -> V { b.replacing(with: a, where: a .< b) }
    @inlinable @inline(__always)
    public static func max(_ a: V, _ b: V) -> V { b.replacing(with: a, where: a .> b) }

    /// Whole numbers in [0, 2^23) as integers (the 2^23 trick).
    @inlinable @inline(__always)
    public static func integers(_ x: V) -> I {
        let magic = V(repeating: 8_388_608)
        return bits(x + magic) &- bits(magic)
    }
}
