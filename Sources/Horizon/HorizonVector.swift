/// Vector helpers on `SIMD8<Float>` for the horizon kernels.
///
/// Selects use the sign bit through integer bit operations (Swift's SIMD mask operations lower to
/// scalar loops today), so these compile to plain AVX. Arctangent: atan(x) = x P(x^2) on [0, 1] with a
/// degree-7 minimax polynomial (max error 1.1e-7 rad in Float32); |x| > 1 uses pi/2 - atan(1/|x|).
public enum HorizonVector {
    public typealias V = SIMD8<Float>

    @inlinable @inline(__always)
    static func bits(_ v: V) -> SIMD8<Int32> { unsafeBitCast(v, to: SIMD8<Int32>.self) }
    @inlinable @inline(__always)
    static func float(_ b: SIMD8<Int32>) -> V { unsafeBitCast(b, to: V.self) }

    /// `a` where `condition` has its sign bit set, else `b`.
    @inlinable @inline(__always)
    public static func selectNegative(_ condition: V, _ a: V, _ b: V) -> V {
        let m = bits(condition) &>> 31
        return float((bits(a) & m) | (bits(b) & ~m))
    }

    /// Lane maximum for NaN-free inputs (NaN in both lanes gives NaN).
    @inlinable @inline(__always)
    public static func max(_ a: V, _ b: V) -> V { selectNegative(a - b, b, a) }

    /// Lane minimum for NaN-free inputs.
    @inlinable @inline(__always)
    public static func min(_ a: V, _ b: V) -> V { selectNegative(a - b, a, b) }

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

    /// out[i] = degrees(atan(max(a[i], b[i]))).
    @inlinable
    public static func slopesToDegrees(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int) {
        let deg = V(repeating: 180 / .pi)
        var i = 0
        while i + 8 <= count {
            let va = UnsafeRawPointer(a + i).loadUnaligned(as: V.self)
            let vb = UnsafeRawPointer(b + i).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: atan(max(va, vb)) * deg, as: V.self)
            i += 8
        }
        while i < count {
            let s = Swift.max(a[i], b[i])
            out[i] = a[i].isNaN || b[i].isNaN ? .nan : atan(V(repeating: s))[0] * deg[0]
            i += 1
        }
    }
}
