/// A row-major grid of Float32 values; NaN marks nodata (docs/conventions.md, data conventions).
public struct Grid: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var values: [Float]

    public init(width: Int, height: Int, values: [Float]) {
        precondition(width >= 0 && height >= 0 && values.count == width * height, "grid size mismatch")
        self.width = width
        self.height = height
        self.values = values
    }

    public init(width: Int, height: Int, repeating value: Float = .nan) {
        self.init(width: width, height: height, values: [Float](repeating: value, count: width * height))
    }

    public subscript(row: Int, column: Int) -> Float {
        get { values[row * width + column] }
        set { values[row * width + column] = newValue }
    }

    /// The rows `range` as a new grid.
    public func rows(_ range: Range<Int>) -> Grid {
        Grid(width: width, height: range.count, values: Array(values[(range.lowerBound * width)..<(range.upperBound * width)]))
    }

    /// Count of cells that are not NaN.
    public var validCount: Int { values.reduce(0) { $0 + ($1.isNaN ? 0 : 1) } }
}

extension Grid {
    /// The sub-grid of rows `rows` and columns `columns`.
    /// Writes `other` into this grid with its upper-left cell at (row, column); it must fit.
    public mutating func paste(_ other: Grid, row: Int, column: Int) {
        precondition(row >= 0 && column >= 0 && row + other.height <= height && column + other.width <= width, "pasted grid does not fit")
        for r in 0..<other.height {
            let to = (row + r) * width + column
            values.replaceSubrange(to..<(to + other.width), with: other.values[(r * other.width)..<((r + 1) * other.width)])
        }
    }

    public func window(rows: Range<Int>, columns: Range<Int>) -> Grid {
        if rows == 0..<height && columns == 0..<width { return self }   // the whole grid: shared storage, no copy
        var values = [Float]()
        values.reserveCapacity(rows.count * columns.count)
        for r in rows { values += self.values[(r * width + columns.lowerBound)..<(r * width + columns.upperBound)] }
        return Grid(width: columns.count, height: rows.count, values: values)
    }
}
