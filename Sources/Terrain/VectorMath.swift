/// Vector arctangents for the terrain kernels (Swift's SIMD types have no transcendental functions).
///
/// Cephes `atanf` (S. L. Moshier): reduce the argument to |x| <= tan(pi/8) with
/// atan(x) = pi/4 + atan((x-1)/(x+1)) or pi/2 + atan(-1/x), then a degree-9 odd minimax polynomial.
/// Error about 1e-7 rad over the whole range; one division per vector.
@usableFromInline
enum VectorMath {
    @inlinable @inline(__always)
    static func atanNonNegative<V: SIMD>(_ x: V) -> V where V.Scalar == Float {
        let big = x .> V(repeating: 2.414213562373095)
        let mid = (x .> V(repeating: 0.4142135623730950)) .& .!big
        // x' = (A x - B) / (C x + D): big -> -1/x, mid -> (x-1)/(x+1), small -> x/1.
        var numer = x
        numer.replace(with: V(repeating: -1), where: big)
        numer.replace(with: x - 1, where: mid)
        var denom = V(repeating: 1)
        denom.replace(with: x, where: big)
        denom.replace(with: x + 1, where: mid)
        let t = numer / denom
        var y0 = V.zero
        y0.replace(with: V(repeating: .pi / 2), where: big)
        y0.replace(with: V(repeating: .pi / 4), where: mid)
        let z = t * t
        var p = V(repeating: 8.05374449538e-2)
        p = p * z - 1.38776856032e-1
        p = p * z + 1.99777106478e-1
        p = p * z - 3.33329491539e-1
        return y0 + t + t * z * p
    }

    /// atan2(y, x) in radians, (-pi, pi].
    @inlinable @inline(__always)
    static func atan2<V: SIMD>(_ y: V, _ x: V) -> V where V.Scalar == Float {
        let ax = abs(x), ay = abs(y)
        let swap = ay .> ax
        var num = ay, den = ax
        num.replace(with: ax, where: swap)
        den.replace(with: ay, where: swap)
        var ratio = num / den
        ratio.replace(with: V.zero, where: den .== V.zero)
        var a = atanNonNegative(ratio)
        a.replace(with: V(repeating: .pi / 2) - a, where: swap)
        a.replace(with: V(repeating: .pi) - a, where: x .< V.zero)
        a.replace(with: -a, where: y .< V.zero)
        return a
    }

    @inlinable @inline(__always)
    static func abs<V: SIMD>(_ v: V) -> V where V.Scalar == Float {
        v.replacing(with: -v, where: v .< V.zero)
    }
}
