import Dispatch
import Foundation
import GeoRaster

/// The traversal shared by the illumination and relay engines: blocks of whole tiles (about 256 x 256
/// cells) whose horizon profiles are loaded once (so a horizon file larger than memory is read block by
/// block), then the block's tiles run in parallel. The next block's profiles are read on another thread
/// while the current block's tiles run, so reading (GDAL decoding and conversion) does not leave the
/// workers idle. Memory: two blocks of profiles (2 x 256^2 x A floats).
enum BlockTiles {
    /// Calls `tile(rows, columns, profiles)` for every tile of a `width` x `height` grid; the first error
    /// stops the traversal and is rethrown.
    static func forEach(width w: Int, height h: Int, tileSize: Int, horizon: any HorizonProfiles, threads: Int,
                        progress: ((Double) -> Void)?,
                        _ tile: @escaping (Range<Int>, Range<Int>, IlluminationEngine.BlockProfiles) throws -> Void) throws {
        let A = horizon.azimuthCount
        let block = tileSize * max(1, 256 / tileSize)
        let blocksX = (w + block - 1) / block, blocksY = (h + block - 1) / block, blocks = blocksX * blocksY
        func window(_ b: Int) -> (rows: Range<Int>, columns: Range<Int>) {
            ((b / blocksX * block)..<min(h, (b / blocksX + 1) * block), (b % blocksX * block)..<min(w, (b % blocksX + 1) * block))
        }
        let reader = BlockReader(horizon: horizon, capacity: min(block, h) * min(block, w) * A)
        var failure: Error?
        let lock = NSLock()
        reader.start(window(0), into: 0)
        for b in 0..<blocks {
            try reader.wait()
            if b + 1 < blocks { reader.start(window(b + 1), into: (b + 1) % 2) }
            let (blockRows, blockColumns) = window(b)
            let source = IlluminationEngine.BlockProfiles(base: UnsafePointer(reader.buffers[b % 2]), rows: blockRows, columns: blockColumns, azimuths: A)
            let tilesX = (blockColumns.count + tileSize - 1) / tileSize
            let tiles = tilesX * ((blockRows.count + tileSize - 1) / tileSize)
            let workers = max(1, min(threads, tiles))
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var t = worker
                while t < tiles {
                    let r0 = blockRows.lowerBound + t / tilesX * tileSize, c0 = blockColumns.lowerBound + t % tilesX * tileSize
                    do {
                        try tile(r0..<min(blockRows.upperBound, r0 + tileSize), c0..<min(blockColumns.upperBound, c0 + tileSize), source)
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
