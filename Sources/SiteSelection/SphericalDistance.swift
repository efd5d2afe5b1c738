import Foundation
import FarSideCore

/// Exact great-circle distance from every cell to the nearest target cell, for grids whose rows are
/// parallels (geographic and cylindrical grids), where the separable `DistanceTransform` is only a local
/// flat approximation: near a pole its east-west spacing changes from row to row by large factors and
/// cells on either side of the pole (or of the grid's longitude seam) are neighbours on the ground.
///
/// Cell centres are points on the sphere (unit vectors); a k-d tree over the targets answers each cell's
/// nearest-target query (chord length, converted to arc length R * 2 asin(chord / 2)). O((N + T) log T).
public enum SphericalDistance {
    /// `mask`: targets are cells >= 0.5 (NaN is not a target). `points`: each cell's unit vector
    /// (row-major, as `mask`; NaN components for cells without a position, which get NaN). `radius`: the
    /// sphere's radius in metres. No target at all: +infinity everywhere (as `DistanceTransform`).
    public static func distance(to mask: Grid, points: [SIMD3<Double>], radius: Double, threads: Int = 1) -> Grid {
        precondition(points.count == mask.values.count)
        var targets: [SIMD3<Double>] = []
        for (i, v) in mask.values.enumerated() where v >= 0.5 && !points[i].x.isNaN { targets.append(points[i]) }
        var out = [Float](repeating: .infinity, count: mask.values.count)
        guard !targets.isEmpty else { return Grid(width: mask.width, height: mask.height, values: out) }
        let tree = KDTree(targets)
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            Parallel.forEachRange(points.count, threads: threads) { cells in
                for i in cells {
                    let p = points[i]
                    if p.x.isNaN { o[i] = .nan; continue }
                    if mask.values[i] >= 0.5 { o[i] = 0; continue }
                    let chord = tree.nearestDistance(to: p)
                    o[i] = Float(radius * 2 * asin(min(1, chord / 2)))
                }
            }
        }
        return Grid(width: mask.width, height: mask.height, values: out)
    }

    /// A 3-D k-d tree (median splits on the widest axis), nearest-neighbour queries only.
    struct KDTree: @unchecked Sendable {
        var points: [SIMD3<Double>]
        /// Split axis per node of the implicit tree over `points` (node = subrange, median at its middle).
        var axes: [Int8]

        init(_ input: [SIMD3<Double>]) {
            points = input
            axes = [Int8](repeating: 0, count: input.count)
            build(0, input.count)
        }

        mutating func build(_ lo: Int, _ hi: Int) {
            guard hi - lo > 1 else { return }
            var minP = points[lo], maxP = points[lo]
            for i in lo..<hi { minP = pointwiseMin(minP, points[i]); maxP = pointwiseMax(maxP, points[i]) }
            let e = maxP - minP
            let axis = e.x >= e.y && e.x >= e.z ? 0 : (e.y >= e.z ? 1 : 2)
            let mid = (lo + hi) / 2
            points[lo..<hi].sort { $0[axis] < $1[axis] }
            axes[mid] = Int8(axis)
            build(lo, mid)
            build(mid + 1, hi)
        }

        /// Euclidean distance from `q` to the nearest point.
        func nearestDistance(to q: SIMD3<Double>) -> Double {
            var best = Double.infinity
            search(q, 0, points.count, &best)
            return best.squareRoot()
        }

        /// `best`: squared distance so far.
        func search(_ q: SIMD3<Double>, _ lo: Int, _ hi: Int, _ best: inout Double) {
            guard hi > lo else { return }
            let mid = (lo + hi) / 2
            let p = points[mid], d = p - q
            let d2 = (d * d).sum()
            if d2 < best { best = d2 }
            guard hi - lo > 1 else { return }
            let axis = Int(axes[mid])
            let delta = q[axis] - p[axis]
            if delta < 0 {
                search(q, lo, mid, &best)
                if delta * delta < best { search(q, mid + 1, hi, &best) }
            } else {
                search(q, mid + 1, hi, &best)
                if delta * delta < best { search(q, lo, mid, &best) }
            }
        }
    }
}
