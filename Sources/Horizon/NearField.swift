import Foundation

/// The near field of one direction: the ray samples every half (smaller) cell, s_n = n ds, n = 1 ... count,
/// exactly as a ray-marching reference takes them. Each sample sits at the same fractional offset from
/// every cell, so its bilinear weights are shared and the samples are a vectorised stencil over rows.
struct NearField: @unchecked Sendable {
    struct Sample {
        var dr0: Int, dr1: Int, dc0: Int, dc1: Int   // row/column offsets of the 2x2 support (dr1 == dr0 when wy == 0)
        var wx: Float, wy: Float
        var invS: Float, curv: Float                 // 1/s and s/(2R)
    }
    let samples: [Sample]
    let count: Int
    let step: Double
    /// Column and row offsets of one sample step (sample n sits at n times these from the cell centre).
    let colStep: Double, rowStep: Double

    init(width W: Int, height H: Int, dx: Double, dy: Double, direction: LookDirection, radiusCells: Int, radius R: Double) {
        let ux = direction.right, uy = direction.up
        let ds = 0.5 * min(dx, dy)
        step = ds
        colStep = ds * ux / dx
        rowStep = -ds * uy / dy
        var out: [Sample] = []
        let nMax = max(0, 2 * radiusCells)
        for n in stride(from: 1, through: nMax, by: 1) {
            let s = Double(n) * ds
            let oc = s * ux / dx, orr = -s * uy / dy
            func split(_ v: Double) -> (Int, Int, Float) {
                var f = v.rounded(.down), w = v - f
                if w > 1 - 1e-9 { f += 1; w = 0 } else if w < 1e-9 { w = 0 }
                return (Int(f), w == 0 ? Int(f) : Int(f) + 1, Float(w))
            }
            let (c0, c1, wx) = split(oc), (r0, r1, wy) = split(orr)
            if abs(c0) > W && abs(r0) > H { break }
            out.append(Sample(dr0: r0, dr1: r1, dc0: c0, dc1: c1, wx: wx, wy: wy, invS: Float(1 / s), curv: Float(s / (2 * R))))
        }
        samples = out
        count = out.count
    }
}
