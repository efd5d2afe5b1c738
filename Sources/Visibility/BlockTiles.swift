import Dispatch
import Foundation
import GeoRaster

/// The traversal shared by the illumination and relay engines: blocks of whole tiles (about 256 x 256
/// cells) whose horizon profiles are loaded once (so a horizon file larger than memory is read block by
/// block), then the block's tiles run in parallel. Memory: one block of profiles (256^2 x A floats).
enum BlockTiles {
    /// Calls `tile(rows, columns, profiles)` for every tile of a `width` x `height` grid; the first error
    /// stops the traversal and is rethrown.
    static func forEach(width w: Int, height h: Int, tileSize: Int, horizon: any HorizonProfiles, threads: Int,
                        progress: ((Double) -> Void)?,
                        _ tile: @escaping (Range<Int>, Range<Int>, IlluminationEngine.BlockProfiles) throws -> Void) throws {
        let A = horizon.azimuthCount
        let block = tileSize * max(1, 256 / tileSize)
        let blocksX = (w + block - 1) / block, blocksY = (h + block - 1) / block
        var profiles = [Float](repeating: 0, count: min(block, h) * min(block, w) * A)
        var failure: Error?
        let lock = NSLock()
        for b in 0..<(blocksX * blocksY) {
            let blockRows = (b / blocksX * block)..<min(h, (b / blocksX + 1) * block)
            let blockColumns = (b % blocksX * block)..<min(w, (b % blocksX + 1) * block)
            try profiles.withUnsafeMutableBufferPointer { pr in
                try horizon.profiles(rows: blockRows, columns: blockColumns, into: pr.baseAddress!)
                let source = IlluminationEngine.BlockProfiles(base: UnsafePointer(pr.baseAddress!), rows: blockRows, columns: blockColumns, azimuths: A)
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
            }
            if let failure { throw failure }
            progress?(Double(b + 1) / Double(blocksX * blocksY))
        }
    }
}
