import Dispatch
import Foundation
import GeoRaster

/// Where a window of cells lies in its raster: the raster row and column of the window's upper-left cell.
/// The engines (`IlluminationEngine`, `RelayMapEngine`) are told it, with the raster's geotransform, so that
/// their tiles are aligned to the raster's grid and every cell's result is the same whatever window of the
/// raster it is computed in (see `EngineTiles`).
public struct RasterOrigin: Sendable, Equatable {
    public var row: Int
    public var column: Int

    public init(row: Int, column: Int) {
        precondition(row >= 0 && column >= 0, "a window inside the raster")
        self.row = row
        self.column = column
    }

    /// The geotransform of the raster of a window at this origin whose own geotransform is `window`:
    /// `raster`, checked to agree with `window` (to 1e-6 cell), or `window` itself for a window at (0, 0)
    /// given no raster transform (the window is then its own raster).
    func rasterTransform(window: GeoTransform, raster: GeoTransform?) throws -> GeoTransform {
        guard let raster else {
            guard self == RasterOrigin(row: 0, column: 0) else {
                throw FarSideError.badInput("a raster origin of (\(row), \(column)) needs the raster's geotransform")
            }
            return window
        }
        let expected = raster.offset(column: column, row: row).coefficients
        let cell = max(abs(raster.pixelWidth), abs(raster.pixelHeight))
        guard zip(expected, window.coefficients).allSatisfy({ abs($0 - $1) <= 1e-6 * cell }) else {
            throw FarSideError.badInput("the window's geotransform \(window.coefficients) is not the raster's \(raster.coefficients) at row \(row), column \(column)")
        }
        return raster
    }

    /// Frames of a window's cells (window rows and columns) from the raster's geotransform at raster
    /// indices, so a cell's frame is bit-identical whatever window it is computed in.
    func frames(raster: GeoTransform, transformer: CoordinateTransformer, rows: Range<Int>, columns: Range<Int>) throws -> [SurfaceFrame] {
        try SurfaceFrame.frames(transform: raster, transformer: transformer, rows: (rows.lowerBound + row)..<(rows.upperBound + row),
                                columns: (columns.lowerBound + column)..<(columns.upperBound + column))
    }
}

/// The engines' tile sizes and the alignment they need.
///
/// A cell's illumination and relay results depend on the engine tile it is computed in (the tile's
/// reference frame places the Sun and Earth; its corners anchor the relay's bilinear look angles). Tiles
/// are the intersections of the window with the raster-aligned squares [k T, (k + 1) T) of raster rows
/// and columns (T: the tile size), so a tile, and every result in it, is the same in any window whose
/// edges fall on multiples of T or on the raster's edges. `blockAlignment` is the least common multiple
/// of both engines' tile sizes for a grid: windows (e.g. the cores of a whole-basin run's tiles) whose
/// edges are multiples of it, or the raster's edges, give bit-identical results to a whole-raster run.
/// The blocks of horizon profiles read together (`BlockTiles`) are also aligned to the raster, but
/// they only group tiles for reading and do not change any result, so they need no alignment.
public enum EngineTiles {
    /// The edge, in cells, that windows' edges must be multiples of (or lie on the raster's edges) for
    /// the illumination and relay engines to give window-independent results on the raster of
    /// `transform` (the raster's own geotransform): lcm(illumination tile, relay tile). Tile sizes of 0
    /// are the engines' automatic ones (`IlluminationEngine.tileSize`, `RelayMapEngine.tileSize`).
    public static func blockAlignment(transform: GeoTransform, transformer: CoordinateTransformer, radius: Double = CelestialBody.moonRadius,
                                      illuminationTileSize: Int = 0, relayTileSize: Int = 0) throws -> Int {
        let illumination = try IlluminationEngine.tileSize(illuminationTileSize, transform: transform, transformer: transformer, radius: radius)
        let relay = try RelayMapEngine.tileSize(relayTileSize, transform: transform, transformer: transformer, radius: radius)
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        return illumination / gcd(illumination, relay) * relay
    }
}

/// The traversal shared by the illumination and relay engines: blocks of whole tiles (about 256 x 256
/// cells; blocks and tiles aligned to the raster's grid, at multiples of their sizes in raster rows and
/// columns from the raster's corner, not the window's: see `EngineTiles`) whose horizon profiles are loaded once (so a horizon file larger than memory is read block by
/// block), then the block's tiles run in parallel. The next block's profiles are read on another thread
/// while the current block's tiles run, so reading (GDAL decoding and conversion) does not leave the
/// workers idle. Memory: two blocks of profiles (2 x 256^2 x A floats).
enum BlockTiles {
    /// A block's edge in cells (rounded to whole tiles): two blocks of profiles are in memory at a time.
    static let blockCells = 256
    /// Calls `tile(rows, columns, profiles)` for every tile of a `width` x `height` window at `origin` in
    /// its raster (rows and columns of the window); the first error stops the traversal and is rethrown.
    static func forEach(width w: Int, height h: Int, origin: RasterOrigin = RasterOrigin(row: 0, column: 0), tileSize: Int,
                        horizon: any HorizonProfiles, threads: Int, progress: ((Double) -> Void)?,
                        _ tile: @escaping (Range<Int>, Range<Int>, IlluminationEngine.BlockProfiles) throws -> Void) throws {
        let A = horizon.azimuthCount
        let block = tileSize * max(1, blockCells / tileSize)
        let blockRows = segments(0..<h, origin: origin.row, size: block), blockColumns = segments(0..<w, origin: origin.column, size: block)
        let blocks = blockRows.count * blockColumns.count
        guard blocks > 0 else { return }
        func window(_ b: Int) -> (rows: Range<Int>, columns: Range<Int>) { (blockRows[b / blockColumns.count], blockColumns[b % blockColumns.count]) }
        let reader = BlockReader(horizon: horizon, capacity: min(block, h) * min(block, w) * A)
        var failure: Error?
        let lock = NSLock()
        reader.start(window(0), into: 0)
        for b in 0..<blocks {
            try reader.wait()
            if b + 1 < blocks { reader.start(window(b + 1), into: (b + 1) % 2) }
            let (rows, columns) = window(b)
            let source = IlluminationEngine.BlockProfiles(base: UnsafePointer(reader.buffers[b % 2]), rows: rows, columns: columns, azimuths: A)
            let tileRows = segments(rows, origin: origin.row, size: tileSize), tileColumns = segments(columns, origin: origin.column, size: tileSize)
            let tiles = tileRows.count * tileColumns.count
            let workers = max(1, min(threads, tiles))
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var t = worker
                while t < tiles {
                    do {
                        try tile(tileRows[t / tileColumns.count], tileColumns[t % tileColumns.count], source)
                    } catch {
                        lock.lock(); failure = error; lock.unlock()
                        return
                    }
                    t += workers
                }
            }
            if let failure {
                try? reader.wait()
                throw failure
            }
            progress?(Double(b + 1) / Double(blocks))
        }
    }

    /// `range` (window cells of a window starting at raster cell `origin`) cut at the multiples of `size`
    /// in raster cells.
    static func segments(_ range: Range<Int>, origin: Int, size: Int) -> [Range<Int>] {
        var out: [Range<Int>] = [], a = range.lowerBound
        while a < range.upperBound {
            let b = min(range.upperBound, ((origin + a) / size + 1) * size - origin)
            out.append(a..<b)
            a = b
        }
        return out
    }
}

/// Reads blocks of profiles on a background queue into two buffers, one read in flight at a time (the
/// source is used by one thread at a time, as GDAL datasets require).
private final class BlockReader: @unchecked Sendable {
    let horizon: any HorizonProfiles
    let buffers: [UnsafeMutablePointer<Float>]
    private let group = DispatchGroup()
    private var failure: Error?

    init(horizon: any HorizonProfiles, capacity: Int) {
        self.horizon = horizon
        buffers = [.allocate(capacity: capacity), .allocate(capacity: capacity)]
    }

    deinit { buffers.forEach { $0.deallocate() } }

    /// Starts reading `window` into buffer `index`; call `wait` before the next `start`.
    func start(_ window: (rows: Range<Int>, columns: Range<Int>), into index: Int) {
        group.enter()
        DispatchQueue.global().async { [self] in
            do { try horizon.bands(rows: window.rows, columns: window.columns, into: buffers[index]) } catch { failure = error }
            group.leave()
        }
    }

    /// Waits for the read in flight and rethrows its error.
    func wait() throws {
        group.wait()
        if let failure { throw failure }
    }
}
