import Foundation

/// The near field of one row-primary direction: the ray from a cell centre out to `lag` row steps, cut
/// into its pieces (`RayPiece`) at every crossing of a row or column of cell centres. An observer sits on
/// a cell centre, so every cell's ray crosses the grid lines at the same distances and each piece lies in
/// the cell at the same offset from every observer: the near field is a stencil over rows whose pieces
/// are evaluated exactly (their maxima, not samples), for every cell at once. Beyond it the hulls choose
/// where along the ray to look (`FinalPass`).
struct NearField: @unchecked Sendable {
    struct Piece {
        /// Offsets of the piece's cell (its upper-left corner) from the observer's cell.
        var dr: Int, dc: Int
        /// Start of the piece in the cell's unit square, its distance from the observer (and 1/sa), length.
        var xa: Float, ya: Float, sa: Float, invSa: Float, length: Float
    }
    let pieces: [Piece]
    /// Rows from an observer to the first hull point: the near field covers `lag` row steps.
    let lag: Int
    /// Columns and rows moved per metre along the ray.
    let columnsPerMetre: Double, rowsPerMetre: Double
    /// The support rows of the pieces span r + lowestRow ... r + highestRow; columns likewise.
    let lowestRow: Int, highestRow: Int, lowestColumn: Int, highestColumn: Int

    /// `radiusCells`: reach in units of the smaller cell size (rounded up to whole row steps).
    init(dx: Double, dy: Double, direction: LookDirection, geometry: LineGeometry, radiusCells: Int) {
        let cx = direction.right / dx, cy = -direction.up / dy
        columnsPerMetre = cx
        rowsPerMetre = cy
        lag = Int((Double(max(0, radiusCells)) * min(dx, dy) / geometry.step * (1 + 1e-12)).rounded(.down)) + 1
        let reach = Double(lag) * geometry.step
        // Distances of every crossing of a row or column of cell centres, then the pieces between them.
        var cuts: [Double] = [0, reach]
        for rate in [Swift.abs(cx), Swift.abs(cy)] where rate > 0 {
            var m = 1.0
            while m / rate < reach { cuts.append(m / rate); m += 1 }
        }
        cuts.sort()
        var out: [Piece] = []
        for j in 0..<(cuts.count - 1) {
            let a = cuts[j], b = cuts[j + 1]
            if b - a < 1e-9 * reach { continue }
            let mid = 0.5 * (a + b)
            let dc = Int((cx * mid).rounded(.down)), dr = Int((cy * mid).rounded(.down))
            // The start in the cell's square, snapped onto its edges against rounding.
            func unit(_ v: Double) -> Float { Float(Swift.min(1, Swift.max(0, v))) }
            out.append(Piece(dr: dr, dc: dc, xa: unit(cx * a - Double(dc)), ya: unit(cy * a - Double(dr)),
                             sa: Float(a), invSa: Float(1 / a), length: Float(b - a)))
        }
        pieces = out
        lowestRow = out.map(\.dr).min() ?? 0
        highestRow = (out.map(\.dr).max() ?? 0) + 1
        lowestColumn = out.map(\.dc).min() ?? 0
        highestColumn = (out.map(\.dc).max() ?? 0) + 1
    }
}
