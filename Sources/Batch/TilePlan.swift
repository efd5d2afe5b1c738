import GeoRaster

/// The tiles of a run: core windows that partition the region (aligned to the raster's own grid, so a
/// cell's tile does not depend on the region's origin), each read with the halo its operators need and
/// clamped to the raster. A tile computes its read window and keeps only its core: the single-process run
/// is the one-tile case.
///
/// Memory per tile is bounded by the tile size, whatever the raster's: a task holds its read window,
/// (size + 2 halo)^2 cells, times the operator's bytes per cell (`bytesPerCell`), plus a fixed overhead
/// (`overheadBytes`: GDAL's block cache and the process itself).
public struct TilePlan: Sendable, Codable, Equatable {
    /// Raster size in cells.
    public var rasterWidth: Int
    public var rasterHeight: Int
    /// The region planned (the whole raster for most commands).
    public var region: RasterWindow
    /// Core edge in cells.
    public var tileSize: Int
    /// Halo in cells on every side of a core.
    public var halo: Int
    public var tiles: [Tile]

    public struct Tile: Sendable, Codable, Equatable {
        public var index: Int
        /// The cells this tile's outputs hold.
        public var core: RasterWindow
        /// The cells it reads: the core grown by the halo, clamped to the raster.
        public var read: RasterWindow
    }

    /// Why a plan cannot be made.
    public enum PlanError: Error, Equatable, CustomStringConvertible {
        case tileSmallerThanHalo(tile: Int, halo: Int)
        case emptyRegion

        public var description: String {
            switch self {
            case let .tileSmallerThanHalo(tile, halo):
                return "tile of \(tile) cells is smaller than its halo of \(halo) cells: most of every task would be halo; use larger tiles"
            case .emptyRegion: return "the region has no cells"
            }
        }
    }

    public init(rasterWidth: Int, rasterHeight: Int, region: RasterWindow? = nil, tileSize: Int, halo: Int) throws {
        precondition(tileSize > 0 && halo >= 0)
        guard tileSize >= halo else { throw PlanError.tileSmallerThanHalo(tile: tileSize, halo: halo) }
        let region = (region ?? .whole(width: rasterWidth, height: rasterHeight)).clamped(width: rasterWidth, height: rasterHeight)
        guard !region.isEmpty else { throw PlanError.emptyRegion }
        self.rasterWidth = rasterWidth
        self.rasterHeight = rasterHeight
        self.region = region
        self.tileSize = tileSize
        self.halo = halo
        tiles = region.tiles(size: tileSize).enumerated().map { i, core in
            Tile(index: i, core: core, read: core.expanded(by: halo).clamped(width: rasterWidth, height: rasterHeight))
        }
    }

    /// Cells read by all tiles over the region's cells: 1 + the halo's share of the work.
    public var readAmplification: Double {
        Double(tiles.reduce(0) { $0 + $1.read.cellCount }) / Double(region.cellCount)
    }

    /// Fixed memory of a task besides its tile: GDAL's block cache and the process (bytes).
    public static let overheadBytes: Int64 = 256 << 20

    /// Peak memory of one tile's task: its largest read window's cells (at most (size + 2 halo)^2; less
    /// when the raster is smaller than a tile) x `bytesPerCell`, plus its largest core's cells x
    /// `bytesPerCoreCell` (what is kept per result cell: layers, maps), plus what the operation holds
    /// whatever the tile size (`fixedBytes`: a horizon block's sweep and the horizon cube's budget), plus
    /// `overheadBytes`.
    public func memoryBytes(bytesPerCell: Int, bytesPerCoreCell: Int = 0, fixedBytes: Int64 = 0) -> Int64 {
        Int64(tiles.map(\.read.cellCount).max() ?? 0) * Int64(bytesPerCell)
            + Int64(tiles.map(\.core.cellCount).max() ?? 0) * Int64(bytesPerCoreCell) + fixedBytes + Self.overheadBytes
    }

    /// The largest tile edge, a multiple of `alignment`, whose task fits `memoryBytes` by the formula of
    /// `memoryBytes(bytesPerCell:bytesPerCoreCell:fixedBytes:)` (0 when not even one aligned tile fits).
    public static func largestTile(fitting memoryBytes: Int64, halo: Int, bytesPerCell: Int, bytesPerCoreCell: Int = 0, fixedBytes: Int64 = 0,
                                   alignment: Int = 1) -> Int {
        let budget = Double(memoryBytes - overheadBytes - fixedBytes)
        guard budget > 0 else { return 0 }
        func cost(_ edge: Int) -> Double {
            Double(edge + 2 * halo) * Double(edge + 2 * halo) * Double(bytesPerCell) + Double(edge) * Double(edge) * Double(bytesPerCoreCell)
        }
        // cost is increasing in edge: the largest fitting edge by bisection, then down to the alignment.
        var lo = 0, hi = 1
        while cost(hi) <= budget && hi < 1 << 24 { lo = hi; hi *= 2 }
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if cost(mid) <= budget { lo = mid } else { hi = mid }
        }
        let step = max(1, alignment)
        return lo / step * step
    }
}
