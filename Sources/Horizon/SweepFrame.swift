import Dispatch
import Foundation
import FarSideCore

/// One orientation of the grid as the sweep reads it: heights in rows padded with `pad` columns of
/// `deep` on both sides, so that the sixteen neighbouring lines of a lane group load their points and
/// observers as whole vectors even where some lanes have left the grid (those lanes read `deep`, which
/// is never a blocker, and write their results into the padding, which nobody reads).
///
/// The transposed frame (rows and columns swapped, dx and dy swapped) serves the column-primary
/// directions, which become row-primary there (`LookDirection.transposed`).
final class SweepFrame: @unchecked Sendable {
    /// Columns of padding on each side of a row (more than a lane group and its interpolation neighbour).
    static let pad = 32

    let width: Int, height: Int
    let dx: Double, dy: Double
    let pitch: Int
    /// Blocker heights (nodata: `deep`) and observer heights (nodata: `deep`, restored to NaN at the end).
    let targets: HugeBuffer
    let observers: HugeBuffer

    /// Height standing in for nodata and for the padding: any slope through it is hugely negative.
    static let deep: Float = -1e20
    /// Heights below this are `deep`.
    static let deepLimit: Float = -5e19

    /// `dem` holds the observers; `blockers` (same size, NaN = not a blocker) the targets when given.
    /// `threads` workers build it.
    init(dem: Grid, dx: Double, dy: Double, blockers: Grid?, transposed: Bool, threads: Int = 1) {
        width = transposed ? dem.height : dem.width
        height = transposed ? dem.width : dem.height
        self.dx = transposed ? dy : dx
        self.dy = transposed ? dx : dy
        pitch = width + 2 * SweepFrame.pad
        precondition(SweepFrame.fits(width: width, height: height), "horizon sweep: DEM too large for one frame (\(width) x \(height))")
        targets = SweepFrame.padded(blockers ?? dem, transposed: transposed, width: width, height: height, pitch: pitch, threads: threads)
        observers = blockers == nil ? targets
            : SweepFrame.padded(dem, transposed: transposed, width: width, height: height, pitch: pitch, threads: threads)
    }

    /// True when a padded frame of either orientation stays within the 32-bit lane integers the sweep's
    /// gathers index it with.
    static func fits(width: Int, height: Int) -> Bool {
        // Rows and columns below 2^23 too: the exact-ray walker turns them into integers through the mantissa.
        width < 1 << 23 && height < 1 << 23 &&
        (width + 2 * pad) * height < Int(Int32.max) && (height + 2 * pad) * width < Int(Int32.max)
    }

    /// Offset of cell (row, column) in the padded buffers.
    @inline(__always)
    func offset(row: Int, column: Int) -> Int { row &* pitch &+ SweepFrame.pad &+ column }

    /// The grid (or its transpose) in padded rows, NaN as `deep`. Rows are filled by `threads` workers
    /// (a transposed grid through the blocked `transpose`), so each touches its own part first.
    static func padded(_ grid: Grid, transposed: Bool, width: Int, height: Int, pitch: Int, threads: Int) -> HugeBuffer {
        let buffer = HugeBuffer(uninitializedCount: pitch * height)
        let base = SharedPointer(buffer.base)
        grid.values.withUnsafeBufferPointer { v in
            let source = v.baseAddress!
            if transposed {
                transpose(source, width: height, height: width, into: buffer.base + pad, pitch: pitch, threads: threads)
            }
            ParallelChunks.forEach(count: height, chunks: threads <= 1 ? 1 : threads * ParallelChunks.chunksPerThread) { rows in
                for r in rows {
                    let row = base.base + r * pitch
                    row.initialize(repeating: deep, count: pad)
                    (row + pad + width).initialize(repeating: deep, count: pitch - pad - width)
                    let cells = row + pad
                    if transposed {
                        for c in 0..<width where cells[c].isNaN { cells[c] = deep }
                    } else {
                        let line = source + r * width
                        for c in 0..<width { let z = line[c]; cells[c] = z.isNaN ? deep : z }
                    }
                }
            }
        }
        return buffer
    }
}
