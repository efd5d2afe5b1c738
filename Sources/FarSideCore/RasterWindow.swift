/// A rectangle of raster cells, as rasterio's `Window`: column and row offsets and a size, in cells of one
/// raster. Tiles, their halos and profile regions are windows; a window knows its own geotransform, how to
/// grow by a halo, to clamp to the raster, to intersect another, and to split into tiles.
public struct RasterWindow: Sendable, Hashable, Codable, CustomStringConvertible {
    public var column: Int
    public var row: Int
    public var width: Int
    public var height: Int

    public init(column: Int, row: Int, width: Int, height: Int) {
        precondition(width >= 0 && height >= 0)
        self.column = column
        self.row = row
        self.width = width
        self.height = height
    }

    /// The window of ranges of rows and columns.
    public init(rows: Range<Int>, columns: Range<Int>) {
        self.init(column: columns.lowerBound, row: rows.lowerBound, width: columns.count, height: rows.count)
    }

    /// The whole raster of `width` x `height` cells.
    public static func whole(width: Int, height: Int) -> RasterWindow { RasterWindow(column: 0, row: 0, width: width, height: height) }

    public var rows: Range<Int> { row..<(row + height) }
    public var columns: Range<Int> { column..<(column + width) }
    public var cellCount: Int { width * height }
    public var isEmpty: Bool { width == 0 || height == 0 }

    public var description: String { "\(width) x \(height) cells at column \(column), row \(row)" }

    /// The cells of both windows (empty, at the lower corner of the two, when they do not meet).
    public func intersection(_ other: RasterWindow) -> RasterWindow {
        let c0 = max(column, other.column), r0 = max(row, other.row)
        let c1 = min(column + width, other.column + other.width), r1 = min(row + height, other.row + other.height)
        return RasterWindow(column: c0, row: r0, width: max(0, c1 - c0), height: max(0, r1 - r0))
    }

    /// Whether every cell of `other` is in this window.
    public func contains(_ other: RasterWindow) -> Bool { intersection(other) == other }

    /// The cells of this window outside `inner` (nil or disjoint: the whole window) as at most four
    /// rectangles: the rows above and below `inner`, then the columns left and right of it in its rows.
    public func subtracting(_ inner: RasterWindow?) -> [RasterWindow] {
        guard let inner, !inner.intersection(self).isEmpty else { return isEmpty ? [] : [self] }
        let i = inner.intersection(self)
        let parts = [RasterWindow(column: column, row: row, width: width, height: i.row - row),
                     RasterWindow(column: column, row: i.row + i.height, width: width, height: row + height - i.row - i.height),
                     RasterWindow(column: column, row: i.row, width: i.column - column, height: i.height),
                     RasterWindow(column: i.column + i.width, row: i.row, width: column + width - i.column - i.width, height: i.height)]
        return parts.filter { !$0.isEmpty }
    }

    /// Grown by `rows` above and below and `columns` left and right (not clamped: see `clamped`).
    public func expanded(rows dr: Int, columns dc: Int) -> RasterWindow {
        RasterWindow(column: column - dc, row: row - dr, width: width + 2 * dc, height: height + 2 * dr)
    }

    /// Grown by `halo` cells on every side (not clamped).
    public func expanded(by halo: Int) -> RasterWindow { expanded(rows: halo, columns: halo) }

    /// The part inside a raster of `width` x `height` cells.
    public func clamped(width w: Int, height h: Int) -> RasterWindow { intersection(.whole(width: w, height: h)) }

    /// This window's cells as a window of `outer` (offsets relative to outer's corner); `outer` must contain it.
    public func relative(to outer: RasterWindow) -> RasterWindow {
        precondition(outer.contains(self), "\(self) is not inside \(outer)")
        return RasterWindow(column: column - outer.column, row: row - outer.row, width: width, height: height)
    }

    /// Tiles of at most `size` x `size` cells covering the window, row-major, aligned to the raster's own
    /// grid (tile boundaries at multiples of `size` from the raster's corner, not from the window's), so a
    /// cell falls in the same tile whatever window it is planned from.
    public func tiles(size: Int) -> [RasterWindow] { tiles(height: size, width: size) }

    /// Tiles of at most `height` x `width` cells, aligned to the raster's grid as `tiles(size:)`.
    public func tiles(height: Int, width tileWidth: Int) -> [RasterWindow] {
        precondition(height > 0 && tileWidth > 0 && column >= 0 && row >= 0, "tiles of a window inside the raster")
        guard !isEmpty else { return [] }
        var out: [RasterWindow] = []
        var r = row
        while r < row + self.height {
            let r1 = min(row + self.height, (r / height + 1) * height)
            var c = column
            while c < column + width {
                let c1 = min(column + width, (c / tileWidth + 1) * tileWidth)
                out.append(RasterWindow(column: c, row: r, width: c1 - c, height: r1 - r))
                c = c1
            }
            r = r1
        }
        return out
    }

    /// The smallest window containing this one whose edges are multiples of `multiple` (from the raster's
    /// corner): engine blocks aligned to the raster's grid then lie wholly inside it.
    public func alignedOutward(to multiple: Int) -> RasterWindow {
        precondition(multiple > 0)
        let r0 = row / multiple * multiple, c0 = column / multiple * multiple
        let r1 = (row + height + multiple - 1) / multiple * multiple, c1 = (column + width + multiple - 1) / multiple * multiple
        return RasterWindow(column: c0, row: r0, width: c1 - c0, height: r1 - r0)
    }

    /// The geotransform of the window's upper-left corner in a raster georeferenced by `transform`.
    public func geoTransform(in transform: GeoTransform) -> GeoTransform { transform.offset(column: column, row: row) }
}
