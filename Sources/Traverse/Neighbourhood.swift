import FarSideCore

/// The moves of a raster route search from a cell: the 8 neighbours (king's moves), or 16 (king's plus
/// knight's moves, as GRASS r.cost -k and r.walk -k: moves of (1, 2) cells cut the metrication error of
/// 8-neighbour paths, at most 7.6 % for 8 against 2.7 % for 16 on a uniform cost).
///
/// A move goes from one cell centre to another in a straight line; only its two end cells must be
/// passable (as r.cost's and scikit-image's MCP diagonal moves): a diagonal move may cut the corner of an
/// impassable cell, and a knight's move may pass between two (r.cost -k also requires the two cells a
/// knight's move crosses, so it reaches fewer cells: compare 16-neighbour costs with MCP's, not r.cost -k's).
public struct Neighbourhood: Sendable, Equatable {
    /// Row and column offsets of the moves, in a fixed order (ties broken by it).
    public let offsets: [SIMD2<Int32>]

    public init(count: Int) throws {
        switch count {
        case 8: offsets = Self.king
        case 16: offsets = Self.king + Self.knight
        default: throw FarSideError.usage("neighbours: \(count) is not 8 or 16")
        }
    }

    public static let eight = try! Neighbourhood(count: 8)
    public static let sixteen = try! Neighbourhood(count: 16)

    public var count: Int { offsets.count }
    /// The largest row or column offset of a move (1 or 2): the halo a move needs.
    public var reach: Int { count == 16 ? 2 : 1 }

    static let king: [SIMD2<Int32>] = [
        [-1, 0], [0, 1], [1, 0], [0, -1],       // orthogonal
        [-1, 1], [1, 1], [1, -1], [-1, -1],     // diagonal
    ]
    static let knight: [SIMD2<Int32>] = [
        [-2, 1], [-1, 2], [1, 2], [2, 1], [2, -1], [1, -2], [-1, -2], [-2, -1],
    ]

    /// Planimetric length in metres of move `offset` from a cell of row `row`, from the grid's metric cell
    /// sizes: the east-west size is taken at the move's middle row (the mean of the rows it joins), so a
    /// move and its reverse have the same length on geographic grids, whose dx changes per row.
    @inlinable
    public static func length(_ offset: SIMD2<Int32>, row: Int, metrics: CellMetrics) -> Double {
        let other = row + Int(offset.x)
        let dx = (metrics.dx[row] + metrics.dx[other]) / 2, dy = (metrics.dy[row] + metrics.dy[other]) / 2
        let ex = Double(offset.y) * dx, ey = Double(offset.x) * dy
        return (ex * ex + ey * ey).squareRoot()
    }
}
