import Dispatch
import Foundation
import GeoRaster

/// Writes bands on a background thread while the caller computes the next one. The horizon sweep keeps
/// every core busy, but band output (nodata conversion, GDAL's block cache, compression, file I/O) runs
/// on one thread; done in line, the other cores idle while each band is written. At most `depth` bands
/// wait in the queue, so memory stays bounded.
final class BackgroundBandWriter: @unchecked Sendable {
    private let writer: RasterWriter
    private let queue = DispatchQueue(label: "farside.band-writer")
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var failure: Error?

    init(_ writer: RasterWriter, depth: Int = 2) {
        self.writer = writer
        slots = DispatchSemaphore(value: max(1, depth))
    }

    /// Queues `grid` (full raster) for band `band` (1-based); `written` runs on the writer thread after
    /// the band is written. Throws an earlier band's write error.
    func write(_ grid: Grid, band: Int, written: @escaping () -> Void) throws {
        try rethrowFailure()
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            if currentFailure() != nil { return }
            do {
                try writer.write(grid, band: band, row: 0)
                written()
            } catch {
                lock.lock(); if failure == nil { failure = error }; lock.unlock()
            }
        }
    }

    /// Waits until every queued band is written; throws the first write error.
    func finish() throws {
        queue.sync {}
        try rethrowFailure()
    }

    private func currentFailure() -> Error? {
        lock.lock(); defer { lock.unlock() }
        return failure
    }

    private func rethrowFailure() throws {
        if let error = currentFailure() { throw error }
    }
}
