import FarSideCore

/// Sites accepted so far in a greedy ranking with a minimum separation: a candidate is accepted when every
/// accepted site is at least `minSeparation` metres away (`Ranking.distance`). Accepted sites sit in a
/// bucket grid of one separation per bucket (at the smallest cell sizes), so each test looks at the 3 x 3
/// neighbouring buckets. Shared by `Ranking.top` and `Ranking.merge`, which must accept the same sites.
struct SeparatedSites {
    let metrics: CellMetrics
    let separation: Double
    let bucketRows: Int
    let bucketColumns: Int
    private var buckets: [Int: [Int]] = [:]        // bucket -> indices into `sites`
    private(set) var sites: [RankedSite] = []

    /// `minSeparation` <= 0: no suppression.
    init(metrics: CellMetrics, minSeparation: Double) {
        self.metrics = metrics
        separation = minSeparation > 0 ? minSeparation : 0
        let minDx = metrics.dx.min() ?? 1, minDy = metrics.dy.min() ?? 1
        bucketRows = separation > 0 ? max(1, Int((separation / minDy).rounded(.up))) : 1
        bucketColumns = separation > 0 ? max(1, Int((separation / minDx).rounded(.up))) : 1
    }

    /// Accepts the cell (ranked next) unless an accepted site is closer than the separation.
    @discardableResult
    mutating func accept(row r: Int, column c: Int, score: Float) -> Bool {
        if separation > 0 {
            let rb = r / bucketRows, cb = c / bucketColumns
            for dr in -1...1 {
                for dc in -1...1 {
                    guard let list = buckets[(rb + dr) &* 1_000_003 &+ (cb + dc)] else { continue }
                    for k in list where Ranking.distance(metrics: metrics, r, c, sites[k].row, sites[k].column) < separation { return false }
                }
            }
            buckets[rb &* 1_000_003 &+ cb, default: []].append(sites.count)
        }
        sites.append(RankedSite(rank: sites.count + 1, row: r, column: c, score: score))
        return true
    }
}
