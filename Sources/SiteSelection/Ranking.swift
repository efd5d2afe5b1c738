import FarSideCore

/// One ranked site: `rank` from 1, the cell, and its score.
public struct RankedSite: Sendable, Equatable, Hashable {
    public var rank: Int
    public var row: Int
    public var column: Int
    public var score: Float

    public init(rank: Int, row: Int, column: Int, score: Float) {
        self.rank = rank; self.row = row; self.column = column; self.score = score
    }
}

/// Top-K site selection with a minimum separation: greedy non-maximum suppression in score order
/// (the standard NMS of object detection, e.g. Neubeck & Van Gool, "Efficient non-maximum suppression",
/// ICPR 2006, applied to cells with a metric radius).
///
/// Candidates are the cells with feasible >= 0.5 and a non-NaN score. Order: score descending, then row
/// ascending, then column ascending, so ties are deterministic. A candidate is accepted when every site
/// accepted before it is at least `minSeparation` metres away (`distance`, `SeparatedSites`). Candidates
/// are kept in a binary max-heap of packed 64-bit keys (ordered score bits, then the inverted cell index),
/// built in O(N) and popped only as far as needed.
public enum Ranking {
    /// Distance in metres between two cell centres: rows apart times the mean of the two rows' dy,
    /// columns apart times the mean of the two rows' dx (exact for uniform cells).
    public static func distance(metrics: CellMetrics, _ r1: Int, _ c1: Int, _ r2: Int, _ c2: Int) -> Double {
        let north = Double(r1 - r2) * 0.5 * (metrics.dy[r1] + metrics.dy[r2])
        let east = Double(c1 - c2) * 0.5 * (metrics.dx[r1] + metrics.dx[r2])
        return (north * north + east * east).squareRoot()
    }

    /// A total order key: larger is better (higher score, then smaller row-major index).
    @inline(__always)
    static func key(score: Float, index: Int) -> UInt64 {
        let b = score.bitPattern
        let ordered = (b & 0x8000_0000) != 0 ? ~b : (b | 0x8000_0000)
        return (UInt64(ordered) << 32) | UInt64(UInt32.max - UInt32(index))
    }

    /// The top `count` feasible cells at least `minSeparation` metres apart (0 or less: no suppression).
    public static func top(_ count: Int, score: Grid, feasible: Grid, metrics: CellMetrics, minSeparation: Double) -> [RankedSite] {
        let w = score.width, h = score.height
        precondition(feasible.width == w && feasible.height == h, "score and feasible differ in size")
        precondition(metrics.dx.count == h, "metrics rows \(metrics.dx.count) != grid rows \(h)")
        precondition(w * h < Int(UInt32.max), "grid too large for packed ranking keys")
        guard count > 0 else { return [] }
        var heap: [UInt64] = []
        heap.reserveCapacity(w * h / 4)
        score.values.withUnsafeBufferPointer { s in
            feasible.values.withUnsafeBufferPointer { f in
                for i in 0..<(w * h) where f[i] >= 0.5 && !s[i].isNaN {
                    heap.append(key(score: s[i], index: i))
                }
            }
        }
        var accepted = SeparatedSites(metrics: metrics, minSeparation: minSeparation)
        heap.withUnsafeMutableBufferPointer { hb in
            var n = hb.count
            let H = hb.baseAddress!
            if n > 1 { for i in stride(from: n / 2 - 1, through: 0, by: -1) { siftDown(H, i, n) } }
            while n > 0 && accepted.sites.count < count {
                let top = H[0]
                n -= 1
                H[0] = H[n]
                siftDown(H, 0, n)
                let index = Int(UInt32.max - UInt32(truncatingIfNeeded: top))
                accepted.accept(row: index / w, column: index % w, score: score.values[index])
            }
        }
        return accepted.sites
    }

    @inline(__always)
    static func siftDown(_ H: UnsafeMutablePointer<UInt64>, _ start: Int, _ n: Int) {
        var i = start
        let x = H[i]
        while true {
            var child = 2 * i + 1
            if child >= n { break }
            if child + 1 < n && H[child + 1] > H[child] { child += 1 }
            if H[child] <= x { break }
            H[i] = H[child]
            i = child
        }
        H[i] = x
    }
}
