/// Minimum, maximum, mean and valid-cell count of a raster, computed in row blocks (bounded memory),
/// with the places of the extremes.
public struct RasterStatistics: Sendable {
    public var validCount = 0
    public var minimum = Float.infinity
    public var maximum = -Float.infinity
    public var sum = 0.0
    public var minimumAt = (column: 0, row: 0)
    public var maximumAt = (column: 0, row: 0)

    public var mean: Double { validCount > 0 ? sum / Double(validCount) : .nan }

    public init() {}

    /// Folds in a block whose first row is raster row `firstRow`.
    public mutating func add(_ grid: Grid, firstRow: Int) {
        var blockSum = 0.0
        for (i, v) in grid.values.enumerated() where !v.isNaN {
            validCount += 1
            blockSum += Double(v)
            if v < minimum { minimum = v; minimumAt = (i % grid.width, firstRow + i / grid.width) }
            if v > maximum { maximum = v; maximumAt = (i % grid.width, firstRow + i / grid.width) }
        }
        sum += blockSum
    }

    /// Streams the whole raster.
    public static func compute(_ dataset: RasterDataset, blockRows: Int = 256) throws -> RasterStatistics {
        var stats = RasterStatistics()
        var row = 0
        while row < dataset.height {
            let h = min(blockRows, dataset.height - row)
            stats.add(try dataset.readRows(row..<(row + h)), firstRow: row)
            row += h
        }
        return stats
    }
}
