import GeoRaster

/// How horizons are computed for a window of a DEM: azimuths, observer height, the terrain around the
/// window that is included (the horizon margin), an optional far-field DEM beyond it, and the memory a
/// horizon cube may take before it goes through a temporary file.
///
/// The horizon rule, the same for a whole-raster run and for every tile of a batch run, so that their
/// horizons are identical: the raster is cut into horizon blocks aligned to its grid (`blockSize`: squares
/// of 2048 cells, 41 km at 20 m, on projected grids), and every cell's horizon includes exactly the terrain of its block
/// grown by `marginKm` on every side (clamped to the DEM): at least `marginKm` around the cell, up to the
/// block's width more towards the block's far side. Terrain farther away enters only through the far field.
/// A batch tile is a whole number of blocks, so it computes each of its cells from the same terrain as a
/// single-process run does, whatever the tile size (README "What the halos mean").
public struct HorizonSettings: Sendable, Equatable {
    /// Horizon azimuths (band k toward k * 360 / A degrees clockwise from the raster's up).
    public var azimuths = 360
    /// Observer (antenna, solar array) height above the ground, metres.
    public var observerHeight = 0.0
    /// Terrain around the window included in every horizon, km.
    public var marginKm = 30.0
    /// A coarser DEM covering a larger area (far-field horizons; projected site DEMs), and how far beyond
    /// the read window it reaches, km.
    public var farField: String?
    public var farFieldMarginKm = 300.0
    /// The horizon block's edge, km (nil: about `targetBlockCells` cells), rounded up to whole engine blocks.
    public var blockKm: Double?
    /// CRS assumed for inputs that carry none (`OpenOptions.assumeCRS`).
    public var assumeCRS: String?
    /// A horizon cube (window cells x azimuths x 2 bytes) larger than this goes through a temporary Int16
    /// file beside the outputs instead of memory.
    public var memoryBytes: Int64 = 1 << 30

    public init(azimuths: Int = 360, observerHeight: Double = 0, marginKm: Double = 30) {
        self.azimuths = azimuths
        self.observerHeight = observerHeight
        self.marginKm = marginKm
    }

    /// The window's margin in cells: rows from the north-south cell size, columns from the east-west one,
    /// both at the window's middle row (true sizes on the sphere for geographic and cylindrical grids: near
    /// a pole the east-west cells are tiny and the column margin takes every column).
    public func marginCells(_ dataset: RasterDataset, window: RasterWindow) -> (rows: Int, columns: Int) {
        let mid = min(max(0, window.row + window.height / 2), dataset.height - 1)
        let cell = Self.groundCellSizes(dataset, rows: mid..<(mid + 1))[0]
        let rows = Int((marginKm * 1000 / cell.dy).rounded(.up))
        let columns = Int(min(Double(dataset.width), (marginKm * 1000 / cell.dx).rounded(.up)))
        return (rows, columns)
    }

    /// Cell sizes on the ground per row, metres: the grid's own on projected grids, true sizes on the
    /// body's sphere on geographic and cylindrical grids (whose metres are true only on the standard parallel).
    static func groundCellSizes(_ dataset: RasterDataset, rows: Range<Int>) -> [(dx: Double, dy: Double)] {
        if RasterDataset.isLatLonLike(dataset.crs), let transformer = try? CoordinateTransformer(crs: dataset.crs) {
            return dataset.trueCellSizes(rows: rows, column: Double(dataset.width) / 2, transformer: transformer)
                .map { (dx: $0.dx > 0 && $0.dx.isFinite ? $0.dx : .infinity, dy: $0.dy > 0 && $0.dy.isFinite ? $0.dy : .infinity) }
        }
        let metrics = dataset.cellMetrics
        return rows.map { (metrics.dx[$0], metrics.dy[$0]) }
    }

    /// The window grown by the margin, clamped to the DEM (for a horizon block: the terrain its cells see).
    public func readWindow(_ dataset: RasterDataset, window: RasterWindow) -> RasterWindow {
        let m = marginCells(dataset, window: window)
        return window.expanded(rows: m.rows, columns: m.columns).clamped(width: dataset.width, height: dataset.height)
    }

    /// About 2048 cells: a block's read window (block and margins) stays within a few hundred MB while the
    /// margins' share of the sweep stays moderate.
    public static let targetBlockCells = 2048

    /// The horizon block in cells (rows, columns) of a projected DEM: `blockKm` (default `targetBlockCells`)
    /// on its finest cells, rounded up to whole engine blocks (`EngineTiles`): a square of 2048 cells by
    /// default. Geographic and cylindrical DEMs have none (their horizons go through a projected grid per
    /// window, `blocks`): tile them after reprojecting (gdalwarp -t_srs IAU_2015:30135 near the south pole).
    public func blockSize(_ dataset: RasterDataset) throws -> (rows: Int, columns: Int) {
        guard !RasterDataset.isLatLonLike(dataset.crs) else {
            throw FarSideError.usage("\(dataset.path): \(dataset.crs.name) is geographic or cylindrical: tiled horizons need a projected DEM (reproject it, e.g. gdalwarp -t_srs IAU_2015:30135 for the south pole)")
        }
        let alignment = try HorizonSource.alignment(dataset)
        let metrics = dataset.cellMetrics
        let cell = min(metrics.dx.min() ?? 1, metrics.dy.min() ?? 1)
        let target = blockKm.map { max(1, Int(($0 * 1000 / cell).rounded(.up))) } ?? Self.targetBlockCells
        let n = (target + alignment - 1) / alignment * alignment
        return (n, n)
    }

    /// Tiles of a tiled run are whole horizon blocks: the least common multiple of the block's rows and
    /// columns (a square of 2048 cells on projected grids).
    public func blockAlignment(_ dataset: RasterDataset) throws -> Int {
        let b = try blockSize(dataset)
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        return b.rows / gcd(b.rows, b.columns) * b.columns
    }

    /// The parts of `window` in distinct horizon blocks, each with the cells its horizons are computed from
    /// (its whole block grown by the margin, clamped to the DEM). A geographic or cylindrical window is one
    /// part, read with its margin (`ProjectedHorizons` reprojects it whole).
    public func blocks(_ dataset: RasterDataset, window: RasterWindow) throws -> [(part: RasterWindow, read: RasterWindow)] {
        if RasterDataset.isLatLonLike(dataset.crs) { return [(window, readWindow(dataset, window: window))] }
        let size = try blockSize(dataset)
        return window.tiles(height: size.rows, width: size.columns).map { part in
            let block = RasterWindow(column: part.column / size.columns * size.columns, row: part.row / size.rows * size.rows,
                                     width: size.columns, height: size.rows).clamped(width: dataset.width, height: dataset.height)
            return (part, readWindow(dataset, window: block))
        }
    }

    /// Bytes per cell of a horizon block's sweep: the read window's heights, the sweep's padded frames (the
    /// grid and its transpose) and its two bands in flight, and the window's cropped band.
    public static let sweepBytesPerCell = 24

    /// Peak bytes of one horizon block's sweep (its read window: the block and its margins), whatever the
    /// window (a geographic or cylindrical DEM: the whole DEM, its windows being swept whole).
    public func sweepBytes(_ dataset: RasterDataset) -> Int64 {
        guard let block = try? blockSize(dataset) else { return Int64(dataset.width) * Int64(dataset.height) * Int64(Self.sweepBytesPerCell) }
        let m = marginCells(dataset, window: .whole(width: dataset.width, height: dataset.height))
        let rows = min(dataset.height, block.rows + 2 * m.rows), columns = min(dataset.width, block.columns + 2 * m.columns)
        return Int64(rows) * Int64(columns) * Int64(Self.sweepBytesPerCell)
    }

    /// Bytes of a window's horizon cube in Int16 hundredths of a degree.
    public func cubeBytes(_ window: RasterWindow) -> Int64 { Int64(window.cellCount) * Int64(azimuths) * 2 }
}
