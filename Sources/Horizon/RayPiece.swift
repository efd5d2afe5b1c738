import FarSideCore

/// The exact maximum of the elevation angle along one piece of a ray: the part of the ray inside one
/// cell of the bilinear surface through the cell centres (between two consecutive crossings of grid
/// lines), eight rays at a time.
///
/// Inside a cell with corner heights z00 (upper left), z01 (right), z10 (below), z11 the bilinear surface
/// is z = z00 + ex x + ey y + q x y (ex = z01 - z00, ey = z10 - z00, q = z11 - z01 - z10 + z00). Along a
/// ray (x, y) = (xa + cx σ, ya + cy σ), σ metres from the piece's start, it is the quadratic
/// z(σ) = b0 + b1 σ + b2 σ^2 with b0 = z(xa, ya), b1 = ex cx + ey cy + q (xa cy + ya cx), b2 = q cx cy.
/// Seen from the observer at height zo, s = sa + σ metres away, with the parabolic drop of a sphere of
/// radius R (k = 1/(2R)), the tangent of the elevation is
///
///     f(s) = (z - zo)/s - k s = (A - k) s + B + (C - zo)/s,   z = A s^2 + B s + C,
///
/// whose only stationary point s*^2 = (C - zo)/(A - k) is a maximum exactly when A - k < 0 and C < zo
/// (f'' = 2 (C - zo)/s^3). In the piece's own terms (β = b2 - k, γ = b1 sa - (b0 - zo) - k sa^2; no
/// large intermediate terms) it is s*^2 = sa^2 + γ/(-β), inside the piece when β < 0, γ > 0 and
/// γ < -β (sb^2 - sa^2). So the maximum over the piece is the larger of its two ends and, where those
/// hold, f(s*): exact, where sampling the ray (however finely) can step over the crest of a rim whose wall
/// rises hundreds of metres within a cell.
///
/// Every value is finally corrected from the parabola to the sphere: the exact
/// tan e = ((R + z) cos θ - (R + zo)) / ((R + z) sin θ), θ = s/R, is (z - zo)/(s (1 + z/R)) - s/(2R) to
/// second order in s/R, so the height term is scaled by (1 - z/R) (0.06 % at 1 km height: 0.01-0.05
/// degrees on steep horizons). The stationary point is that of the parabola (the correction moves it
/// by a second-order amount).
enum RayPiece {
    typealias V = VectorMath.V
    typealias I = VectorMath.I

    /// Sentinel slope for "nothing" (atan gives -90 degrees).
    static let nothing: Float = -1e30

    /// 1/sqrt(x) for x > 0 in eight lanes: the classic bit-level first guess (0x5f3759df; Lomont 2003),
    /// then three Newton steps y (3 - x y^2)/2 (relative error 3e-2, 2e-3, 4e-6, then Float rounding).
    /// Swift's SIMD `squareRoot()` becomes eight calls to the C library's sqrtf here.
    @inline(__always)
    static func inverseSquareRoot(_ x: V) -> V {
        var y = unsafeBitCast(I(repeating: 0x5f37_59df) &- (unsafeBitCast(x, to: I.self) &>> 1), to: V.self)
        let half = V(repeating: 0.5) * x, threeHalves = V(repeating: 1.5)
        y = y * (threeHalves - half * y * y)
        y = y * (threeHalves - half * y * y)
        y = y * (threeHalves - half * y * y)
        return y
    }

    /// Slope (tangent of the elevation, sphere-corrected) of height `z` at distance `s` (`invS` = 1/s) from
    /// an observer at height `zo`.
    @inline(__always)
    static func slope(z: V, zo: V, s: V, invS: V, k: Float, invR: Float) -> V {
        let a = (z - zo) * invS
        return a.addingProduct(-a, z * V(repeating: invR)) - V(repeating: k) * s
    }

    /// Largest slope on pieces of eight rays. Corners z00, z01, z10, z11 of each piece's cell; the piece
    /// starts at (xa, ya) in the cell's unit square (columns, rows), `sa` metres from the observer
    /// (`invSa` = 1/sa), moves (cx, cy) cells per metre, and is `length` metres long (0 or less: no
    /// piece). The value at the piece's start is included only where `withStart` is set (consecutive
    /// pieces share their ends). Lanes where a corner is nodata (`SweepFrame.deep`) or `valid` is clear
    /// give `nothing`.
    @_transparent
    static func maximum(z00: V, z01: V, z10: V, z11: V, xa: V, ya: V, cx: V, cy: V, sa: V, invSa: V, length: V,
                        withStart: Bool, zo: V, k: Float, invR: Float, valid: I) -> V {
        let ex = z01 - z00, ey = z10 - z00
        let q = (z11 - z10) - ex
        let b0 = z00 + ex * xa + (ey + q * xa) * ya
        let b1 = ex * cx + ey * cy + q * (xa * cy + ya * cx)
        let b2 = q * cx * cy
        let sb = sa + length
        let zb = b0 + length * (b1 + b2 * length)
        var best = slope(z: zb, zo: zo, s: sb, invS: V(repeating: 1) / sb, k: k, invR: invR)
        if withStart {
            var start = slope(z: b0, zo: zo, s: sa, invS: invSa, k: k, invR: invR)
            // At the observer itself (sa = 0) the slope's limit is the ground's rise along the ray for an eye
            // on the ground (h = 0; a 1 mm tolerance for the rounding of b0), -infinity for an eye above it.
            let origin = sa .== V(repeating: 0)
            if any(origin) {
                let above = (b0 - zo) .< V(repeating: -1e-3)
                let limit = b1.addingProduct(-b1, b0 * V(repeating: invR)).replacing(with: -.infinity, where: above)
                start = start.replacing(with: limit, where: origin)
            }
            best = VectorMath.max(start, best)
        }
        let kV = V(repeating: k)
        let beta = b2 - kV
        let gamma = b1 * sa - (b0 - zo) - kV * sa * sa
        // Interior maximum: β < 0, γ > 0, γ < -β (sb^2 - sa^2).
        let negBeta = -beta
        let inside = VectorMath.signMask(beta) & VectorMath.signMask(-gamma)
            & VectorMath.signMask(gamma - negBeta * (sb * sb - sa * sa)) & valid
        if VectorMath.any(inside) {
            let d = gamma / negBeta
            let s2 = VectorMath.max(sa * sa + d, V(repeating: 1e-30))      // masked lanes may be negative
            let invStar = inverseSquareRoot(s2)
            let sStar = s2 * invStar
            let sigma = d / (sStar + sa)                     // s* - sa without cancellation
            let zStar = b0 + sigma * (b1 + b2 * sigma)
            let fStar = slope(z: zStar, zo: zo, s: sStar, invS: invStar, k: k, invR: invR)
            best = VectorMath.max(best, VectorMath.select(inside, fStar, V(repeating: nothing)))
        }
        let limit = V(repeating: SweepFrame.deepLimit)
        let corners = VectorMath.min(VectorMath.min(z00, z01), VectorMath.min(z10, z11))
        let ok = valid & VectorMath.signMask(limit - corners) & VectorMath.signMask(-length)
        return VectorMath.select(ok, best, V(repeating: nothing))
    }
}
