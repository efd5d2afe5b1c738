import GeoRaster

/// The horizon kernels' final vector pass; the selects and the arctangent are GeoRaster's `VectorMath`
/// (sign-bit selects through the integer bit pattern, atan(x) = x P(x^2) on [0, 1], degree-7 minimax,
/// 1.1e-7 rad).
public enum HorizonVector {
    public typealias V = SIMD8<Float>

    /// out[i] = degrees(atan(max(a[i], b[i]))).
    @inlinable
    public static func slopesToDegrees(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int) {
        let deg = V(repeating: 180 / .pi)
        var i = 0
        while i + 8 <= count {
            let va = UnsafeRawPointer(a + i).loadUnaligned(as: V.self)
            let vb = UnsafeRawPointer(b + i).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: VectorMath.atan(VectorMath.max(va, vb)) * deg, as: V.self)
            i += 8
        }
        while i < count {
            let s = Swift.max(a[i], b[i])
            out[i] = a[i].isNaN || b[i].isNaN ? .nan : VectorMath.atan(V(repeating: s))[0] * deg[0]
            i += 1
        }
    }
}
