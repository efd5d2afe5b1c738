/// Float vectors the kernels' lane helpers work on, each with its Int32 bit pattern vector:
/// `SIMD8<Float>` (one AVX register: terrain, visibility, scoring) and `SIMD16<Float>` (two: the horizon
/// sweep, whose dependent load-compare chains need two independent streams per instruction).
public protocol FloatLanes: SIMD where Scalar == Float {
    associatedtype Bits: SIMD where Bits.Scalar == Int32
    /// True when any lane of `mask` is nonzero: the 64-bit words or-ed (one vector or, then a test).
    static func anyNonZero(_ mask: Bits) -> Bool
}

extension SIMD8: FloatLanes where Scalar == Float {
    public typealias Bits = SIMD8<Int32>
    @inlinable @inline(__always)
    public static func anyNonZero(_ mask: Bits) -> Bool {
        let q = unsafeBitCast(mask, to: SIMD4<UInt64>.self)
        return (q[0] | q[1] | q[2] | q[3]) != 0
    }
}

extension SIMD16: FloatLanes where Scalar == Float {
    public typealias Bits = SIMD16<Int32>
    @inlinable @inline(__always)
    public static func anyNonZero(_ mask: Bits) -> Bool {
        let q = unsafeBitCast(mask, to: SIMD8<UInt64>.self)
        return ((q[0] | q[1]) | (q[2] | q[3])) | ((q[4] | q[5]) | (q[6] | q[7])) != 0
    }
}

/// Lane helpers for the kernels, for any lane count (`FloatLanes`): selects on sign bits and integer lane
/// masks (all ones or zero per lane) with integer bit operations (vpsrad/vpand/vpor), which combine with
/// the per-lane integer state some kernels keep (indices, counts, stack heights) and which this
/// toolchain compiles to vector code where Swift's mask types (`.<`, `replacing(with:where:)`) do not
/// always; minimum and maximum in the comparison-select form that compiles to vminps/vmaxps
/// (`pointwiseMin`/`pointwiseMax` stay scalar because of their IEEE NaN rules). `@inlinable`, so each
/// kernel module specializes them with its own vector flags. `VectorMath` is the eight-lane instance
/// (with the vector arctangents), `LaneMath` the horizon sweep's sixteen-lane one.
public enum LaneOps<Vector: FloatLanes> {
    public typealias V = Vector
    public typealias I = Vector.Bits

    @inlinable @inline(__always)
    public static func bits(_ v: V) -> I { unsafeBitCast(v, to: I.self) }

    @inlinable @inline(__always)
    public static func float(_ b: I) -> V { unsafeBitCast(b, to: V.self) }

    /// All ones in lanes where `x` has its sign bit set (negative, -0.0 or a negative NaN), else zero.
    @inlinable @inline(__always)
    public static func signMask(_ x: V) -> I { bits(x) &>> 31 }
    /// The same for integer lanes (sign bits accumulated by or-ing bit patterns).
    @inlinable @inline(__always)
    public static func signMask(_ b: I) -> I { b &>> 31 }

    /// All ones in lanes where `a < b` (integers whose difference does not overflow), else zero.
    @inlinable @inline(__always)
    public static func lessMask(_ a: I, _ b: I) -> I { (a &- b) &>> 31 }

    /// `a` in lanes where `mask` is all ones, else `b`.
    @inlinable @inline(__always)
    public static func select(_ mask: I, _ a: V, _ b: V) -> V { float((bits(a) & mask) | (bits(b) & ~mask)) }

    @inlinable @inline(__always)
    public static func select(_ mask: I, _ a: I, _ b: I) -> I { (a & mask) | (b & ~mask) }

    /// `a` in lanes where `condition` has its sign bit set (negative, -0.0 or a negative NaN), else `b`.
    @inlinable @inline(__always)
    public static func selectNegative(_ condition: V, _ a: V, _ b: V) -> V { select(signMask(condition), a, b) }

    /// True when any lane of `mask` is all ones (lanes are all ones or zero).
    @inlinable @inline(__always)
    public static func any(_ mask: I) -> Bool { V.anyNonZero(mask) }

    @inlinable @inline(__always)
    public static func abs(_ v: V) -> V { float(bits(v) & I(repeating: 0x7FFF_FFFF)) }

    /// Lane minimum and maximum for NaN-free inputs (a NaN in either gives `b`).
    @inlinable @inline(__always)
    public static func min(_ a: V, _ b: V) -> V { b.replacing(with: a, where: a .< b) }
    @inlinable @inline(__always)
    public static func max(_ a: V, _ b: V) -> V { b.replacing(with: a, where: a .> b) }

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

    /// Whole numbers in [0, 2^23) as integers (the 2^23 trick: adding 2^23 puts the integer in the mantissa).
    @inlinable @inline(__always)
    public static func integers(_ x: V) -> I {
        let magic = V(repeating: 8_388_608)
        return bits(x + magic) &- bits(magic)
    }
}

/// The sixteen-lane helpers of the horizon sweep (`LaneSweepKernel`).
public typealias LaneMath = LaneOps<SIMD16<Float>>
