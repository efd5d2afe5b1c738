/// Lane operations of `LaneSweepKernel` on 16 lanes (two AVX registers per vector): the kernel's
/// loops are chains of dependent loads and compares, and sixteen lanes give the core two independent
/// chains per instruction stream. Integer lane masks (all ones or zero per lane) select with bit
/// operations so they combine with the per-lane integer state (stack heights, slots); minimum and
/// maximum use the comparison-select form that compiles to vminps/vmaxps (as `VectorMath` does for
/// eight lanes).
enum LaneMath {
    typealias V = SIMD16<Float>
    typealias I = SIMD16<Int32>

    @inline(__always)
    static func bits(_ v: V) -> I { unsafeBitCast(v, to: I.self) }

    @inline(__always)
    static func float(_ b: I) -> V { unsafeBitCast(b, to: V.self) }

    /// All ones in lanes where `x` has its sign bit set (negative, -0.0 or a negative NaN), else zero.
    @inline(__always)
    static func signMask(_ x: V) -> I { bits(x) &>> 31 }

    /// All ones in lanes where `a < b` (integers whose difference does not overflow), else zero.
    @inline(__always)
    static func lessMask(_ a: I, _ b: I) -> I { (a &- b) &>> 31 }

    /// `a` in lanes where `mask` is all ones, else `b`.
    @inline(__always)
    static func select(_ mask: I, _ a: V, _ b: V) -> V { float((bits(a) & mask) | (bits(b) & ~mask)) }

    @inline(__always)
    static func select(_ mask: I, _ a: I, _ b: I) -> I { (a & mask) | (b & ~mask) }

    /// True when any lane of `mask` is all ones.
    @inline(__always)
    static func any(_ mask: I) -> Bool {
        let q = unsafeBitCast(mask, to: SIMD8<UInt64>.self)
        return ((q[0] | q[1]) | (q[2] | q[3])) | ((q[4] | q[5]) | (q[6] | q[7])) != 0
    }

    @inline(__always)
    static func abs(_ v: V) -> V { float(bits(v) & I(repeating: 0x7FFF_FFFF)) }

    /// Lane minimum and maximum for NaN-free inputs.
    @inline(__always)
    static func min(_ a: V, _ b: V) -> V { b.replacing(with: a, where: a .< b) }
    @inline(__always)
    static func max(_ a: V, _ b: V) -> V { b.replacing(with: a, where: a .> b) }

    /// Whole numbers in [0, 2^23) as integers (the 2^23 trick).
    @inline(__always)
    static func integers(_ x: V) -> I {
        let magic = V(repeating: 8_388_608)
        return bits(x + magic) &- bits(magic)
    }
}
