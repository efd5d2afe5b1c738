import Foundation

/// A look direction on a grid: the unit vector (right, up) in metres, with components within 1e-12 of
/// zero snapped to zero (so the axis azimuths run exactly along rows or columns).
struct LookDirection: Equatable {
    let right: Double
    let up: Double

    init(right: Double, up: Double) {
        self.right = Swift.abs(right) < 1e-12 ? 0 : right
        self.up = Swift.abs(up) < 1e-12 ? 0 : up
    }

    /// Grid azimuth in radians, clockwise from the raster's up direction.
    init(azimuthRadians az: Double) { self.init(right: sin(az), up: cos(az)) }

    /// Columns and rows per metre of travel (rows grow downward).
    func cellsPerMetre(dx: Double, dy: Double) -> (columns: Double, rows: Double) { (right / dx, -up / dy) }

    /// True when the direction moves at least as fast along rows as along columns (in cells): its lines
    /// advance one row per step. Ties (exact diagonals) count as row-primary.
    func isRowPrimary(dx: Double, dy: Double) -> Bool {
        let c = cellsPerMetre(dx: dx, dy: dy)
        return Swift.abs(c.columns) <= Swift.abs(c.rows)
    }

    /// The same direction on the transposed grid (rows and columns swapped, dx and dy swapped): columns
    /// per metre become rows per metre and vice versa, so (right, up) maps to (-up, -right) exactly.
    var transposed: LookDirection { LookDirection(right: -up, up: -right) }
}

/// The family of parallel lines for one row-primary direction, in index space.
///
/// Lines advance one row per step and `t` columns per row (|t| <= 1); line `L` passes column position
/// `L + t * i` at row `i`. Column-primary directions are swept on the transposed grid (`SweepFrame`),
/// where they are row-primary, so the kernel only ever walks rows (contiguous neighbouring lines).
struct LineGeometry {
    let rows: Int        // P: primary count
    let columns: Int     // S: secondary count
    let t: Double
    /// Metres along the ray per row step.
    let step: Double
    /// True when the look direction is toward increasing rows.
    let forward: Bool
    /// floor(t * i) and t * i - floor(t * i) per row (snapped onto the cell within 1e-9).
    let floorShift: [Int32]
    let fracShift: [Float]

    init(width: Int, height: Int, dx: Double, dy: Double, direction: LookDirection) {
        let c = direction.cellsPerMetre(dx: dx, dy: dy)
        precondition(Swift.abs(c.columns) <= Swift.abs(c.rows) && c.rows != 0, "LineGeometry needs a row-primary direction")
        rows = height
        columns = width
        let tt = c.columns / c.rows
        t = tt
        forward = c.rows > 0
        step = (dy * dy + tt * dx * tt * dx).squareRoot()
        var fl = [Int32](repeating: 0, count: height)
        var fr = [Float](repeating: 0, count: height)
        for i in 0..<height {
            let q = tt * Double(i)
            var f = q.rounded(.down)
            var r = q - f
            // Snap shifts within rounding of an integer (exact diagonals) onto the cell.
            if r > 1 - 1e-9 { f += 1; r = 0 } else if r < 1e-9 { r = 0 }
            fl[i] = Int32(f)
            fr[i] = Float(r)
        }
        floorShift = fl
        fracShift = fr
    }

    /// Lines that touch the grid: line L has cells L + ceil(t i) - 1 ... L + ceil(t i) at row i.
    var lineRange: Range<Int> {
        guard rows > 0 else { return 0..<0 }
        let q1 = t * Double(rows - 1)
        let lo = Int((-max(0, q1)).rounded(.down)) - 1
        let hi = Int((Double(columns) - min(0, q1)).rounded(.up)) + 2
        return lo..<hi
    }

    /// Rows where line L has a point or a neighbouring cell inside the grid (-1 <= L + t i <= S, widened
    /// by one step for rounding). Outside them all of the line's cells lie outside the grid.
    func activeRange(line L: Int) -> Range<Int> {
        if t == 0 { return (L >= -1 && L <= columns) ? 0..<rows : 0..<0 }
        let a = (-1 - Double(L)) / t, b = (Double(columns) - Double(L)) / t
        let lo = max(0, Int(min(a, b).rounded(.down)) - 1)
        let hi = min(rows, Int(max(a, b).rounded(.up)) + 2)
        return lo < hi ? lo..<hi : 0..<0
    }
}
