import FarSideCore

/// Exact Euclidean distance transform in metres (Felzenszwalb & Huttenlocher, "Distance transforms of
/// sampled functions", Theory of Computing 8, 2012): separable, first along columns, then along each row
/// as the lower envelope of parabolas, O(N).
///
/// Distance is measured between cell centres. Targets are cells whose mask value is >= 0.5 (NaN is not
/// a target); they get 0. North-south positions are the running sum of `dy`, so non-uniform dy is exact;
/// east-west separation uses the *query* cell's row `dx` (exact for uniform cells, dx != dy included; a
/// local flat approximation on geographic grids where dx varies with latitude).
///
/// No target anywhere in a column and row chain: +infinity (a value, not nodata: the scorer treats it as a
/// very large distance, which fails a `max` limit). A mask with no target at all gives +inf everywhere.
public enum DistanceTransform {
    public static func distance(to mask: Grid, metrics: CellMetrics, threads: Int = 1) -> Grid {
        let w = mask.width, h = mask.height
        precondition(metrics.dx.count == h, "metrics rows \(metrics.dx.count) != grid rows \(h)")
        guard w > 0 && h > 0 else { return mask }
        // y position of every row centre, metres.
        var y = [Double](repeating: 0, count: h)
        for r in 1..<max(h, 1) { y[r] = y[r - 1] + 0.5 * (metrics.dy[r - 1] + metrics.dy[r]) }
        // Pass 1: nearest target row in each column (Int32, -1 none), by a downward and an upward sweep.
        var nearest = [Int32](repeating: -1, count: w * h)
        nearest.withUnsafeMutableBufferPointer { nb in
            mask.values.withUnsafeBufferPointer { mb in
                let N = nb.baseAddress!, M = mb.baseAddress!
                Parallel.forEachRange(w, threads: threads) { cols in
                    for c in cols { N[c] = M[c] >= 0.5 ? 0 : -1 }
                    for r in 1..<h {
                        let row = r * w
                        for c in cols { N[row + c] = M[row + c] >= 0.5 ? Int32(r) : N[row - w + c] }
                    }
                    if h >= 2 {
                        for r in stride(from: h - 2, through: 0, by: -1) {
                            let row = r * w
                            for c in cols {
                                let below = N[row + w + c]
                                if below < 0 { continue }
                                let here = N[row + c]
                                if here < 0 || (y[Int(below)] - y[r]) < (y[r] - y[Int(here)]) { N[row + c] = below }
                            }
                        }
                    }
                }
            }
        }
        // Pass 2: per row, lower envelope of parabolas (x - x_q)^2 + g(q) with g = vertical distance^2.
        var out = [Float](repeating: .infinity, count: w * h)
        nearest.withUnsafeBufferPointer { nb in
            out.withUnsafeMutableBufferPointer { ob in
                let N = nb.baseAddress!, O = ob.baseAddress!
                Parallel.forEachRange(h, threads: threads) { rows in
                    let f = UnsafeMutablePointer<Double>.allocate(capacity: w)
                    let v = UnsafeMutablePointer<Int>.allocate(capacity: w)
                    let z = UnsafeMutablePointer<Double>.allocate(capacity: w + 1)
                    let d = UnsafeMutablePointer<Double>.allocate(capacity: w)
                    defer { f.deallocate(); v.deallocate(); z.deallocate(); d.deallocate() }
                    for r in rows {
                        for c in 0..<w {
                            let t = N[r * w + c]
                            f[c] = t < 0 ? .infinity : { let e = y[Int(t)] - y[r]; return e * e }()
                        }
                        envelope(f, count: w, spacing: metrics.dx[r], v: v, z: z, out: d)
                        for c in 0..<w { O[r * w + c] = Float(d[c].squareRoot()) }
                    }
                }
            }
        }
        return Grid(width: w, height: h, values: out)
    }

    /// D(p) = min_q ((p - q)^2 h^2 + f(q)) over q with finite f, +inf when there is none (FH 2012, Alg. 1,
    /// with positions in metres and infinite samples left out of the envelope).
    static func envelope(_ f: UnsafePointer<Double>, count n: Int, spacing h: Double,
                         v: UnsafeMutablePointer<Int>, z: UnsafeMutablePointer<Double>, out: UnsafeMutablePointer<Double>) {
        var k = -1
        for q in 0..<n where f[q].isFinite {
            let xq = Double(q) * h
            if k < 0 {
                k = 0; v[0] = q; z[0] = -.infinity; z[1] = .infinity
                continue
            }
            var s: Double
            while true {
                let p = v[k], xp = Double(p) * h
                s = ((f[q] + xq * xq) - (f[p] + xp * xp)) / (2 * (xq - xp))
                if s <= z[k] { k -= 1 } else { break }   // z[0] = -inf stops this at k = 0
            }
            k += 1
            v[k] = q; z[k] = s; z[k + 1] = .infinity
        }
        if k < 0 {
            for p in 0..<n { out[p] = .infinity }
            return
        }
        var j = 0
        for p in 0..<n {
            let xp = Double(p) * h
            while z[j + 1] < xp { j += 1 }
            let e = xp - Double(v[j]) * h
            out[p] = e * e + f[v[j]]
        }
    }
}
