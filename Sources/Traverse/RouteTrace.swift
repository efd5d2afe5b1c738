import FarSideCore

/// Least-cost routes recovered from a `CostField` without a predecessor array: walking back from the
/// target, each step goes to a neighbour u whose cost plus the cost of the move u -> cell equals the
/// cell's cost (the "backlink" of r.cost / r.drain and of scikit-image's `MCP.traceback`, here found from
/// the costs instead of stored).
///
/// The move costs are recomputed exactly as `CostDistance` computes them (same length, same Double rise,
/// same clamping); the field holds the search's Double costs rounded to Float (each within 2^-24 of its
/// value), so the search's own predecessor passes a test with a relative tolerance of 2^-22, which admits
/// only other predecessors as cheap within that. Among those the walk takes the one of least cost, then
/// the first in the neighbourhood's order, which makes routes deterministic.
public enum RouteTrace {
    /// Relative tolerance of the predecessor test: |cost[u] + move - cost[cell]| <= tolerance * cost[cell]
    /// (twice the Float roundings of the two costs).
    public static let tolerance = 0x1p-22

    /// The cells of a least-cost route from a source to `target`, the source first and `target` last
    /// (one cell when `target` is a source), or nil when `target` is unreachable or outside the grid.
    ///
    /// `field` must come from `CostDistance.compute` on this `surface`, `motion` and `neighbourhood`.
    /// The walk stops at a cell of `field.sources` (at any cell of cost 0 when the field names none). Zero-
    /// cost moves (an energy table at 0) can make plateaus where the greedy walk could loop; it never
    /// revisits a cell, and should it run out of candidates it falls back to a breadth-first search back
    /// along the moves that pass the test.
    public static func trace(field: CostField, surface: TraverseSurface, motion: RoverMotion,
                             neighbourhood: Neighbourhood, to target: Int) -> [Int]? {
        precondition(field.width == surface.width && field.height == surface.height, "route trace: cost field and surface differ in size")
        guard target >= 0 && target < field.cost.count, field.cost[target].isFinite else { return nil }
        let sources = Set(field.sources)
        let isSource: (Int) -> Bool = sources.isEmpty ? { field.cost[$0] == 0 } : { sources.contains($0) }
        let walk = Walk(field: field, surface: surface, motion: motion, neighbourhood: neighbourhood)

        var path = [target]
        var visited: Set<Int> = [target]
        var cell = target
        while !isSource(cell) {
            var best: Int? = nil, bestCost = Float.infinity
            walk.forEachPredecessor(of: cell) { u in
                if !visited.contains(u) && field.cost[u] < bestCost {
                    best = u
                    bestCost = field.cost[u]
                }
            }
            guard let u = best else { return walk.breadthFirst(from: target, isSource: isSource) }
            path.append(u)
            visited.insert(u)
            cell = u
        }
        return path.reversed()
    }

    /// The cost of the move from `from` to `to` (neighbours by `offset` = to - from), as the search
    /// computes it, or nil when the move is not allowed.
    public static func moveCost(from: Int, offset: SIMD2<Int32>, surface: TraverseSurface, motion: RoverMotion) -> Double? {
        let row = from / surface.width, column = from - row * surface.width
        let r = row + Int(offset.x), c = column + Int(offset.y)
        guard r >= 0 && r < surface.height && c >= 0 && c < surface.width else { return nil }
        let to = r * surface.width + c
        guard surface.passable[from] && surface.passable[to] else { return nil }
        let length = Neighbourhood.length(offset, row: row, metrics: surface.metrics)
        guard let cost = motion.cost(length: length, rise: Double(surface.elevation[to]) - Double(surface.elevation[from])),
              cost < .infinity else { return nil }
        return max(cost, 0)
    }

    private struct Walk {
        let field: CostField
        let surface: TraverseSurface
        let motion: RoverMotion
        let neighbourhood: Neighbourhood

        /// Calls `body` with every neighbour u of `cell`, in the neighbourhood's order, from which the move
        /// to `cell` accounts for the cell's cost.
        func forEachPredecessor(of cell: Int, _ body: (Int) -> Void) {
            let width = field.width
            let row = cell / width, column = cell - row * width
            let target = Double(field.cost[cell])
            for o in neighbourhood.offsets {
                let r = row - Int(o.x), c = column - Int(o.y)
                guard r >= 0 && r < field.height && c >= 0 && c < width else { continue }
                let u = r * width + c
                let cu = Double(field.cost[u])
                guard cu.isFinite, cu <= target,
                      let move = RouteTrace.moveCost(from: u, offset: o, surface: surface, motion: motion) else { continue }
                if abs(cu + move - target) <= RouteTrace.tolerance * target { body(u) }
            }
        }

        /// Breadth-first search from `target` back along the moves that pass the predecessor test, to the
        /// first source found: the fallback for zero-cost plateaus.
        func breadthFirst(from target: Int, isSource: (Int) -> Bool) -> [Int]? {
            var next: [Int: Int] = [target: target]
            var frontier = [target], head = 0
            while head < frontier.count {
                let cell = frontier[head]
                head += 1
                if isSource(cell) {
                    var path = [cell], c = cell
                    while c != target { c = next[c]!; path.append(c) }
                    return path
                }
                forEachPredecessor(of: cell) { u in
                    if next[u] == nil {
                        next[u] = cell
                        frontier.append(u)
                    }
                }
            }
            return nil
        }
    }
}
