import Dispatch
import Foundation
import FarSideCore

/// Page-aligned Float storage (2 MiB-aligned and advised for transparent huge pages when large): the
/// sweeps touch one row per step, which with 4 KiB pages misses the TLB. Large buffers are first
/// touched by `threads` workers, one huge page each at a time: a first touch faults the page in (the
/// kernel clears 2 MiB, and a virtual machine's host may have to back it), the slowest part of setting
/// up a sweep, and it proceeds in parallel on separate pages.
final class HugeBuffer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
    let count: Int
    static let hugePage = 1 << 21

    /// A buffer of `count` floats, all `value`.
    convenience init(count: Int, repeating value: Float, threads: Int = 1) {
        self.init(uninitializedCount: count)
        let base = SharedPointer(self.base)
        let perPage = HugeBuffer.hugePage / MemoryLayout<Float>.stride
        let pages = (count + perPage - 1) / perPage
        ParallelChunks.forEach(count: pages, chunks: threads <= 1 ? 1 : pages) { p in
            let range = (p.lowerBound * perPage)..<Swift.min(count, p.upperBound * perPage)
            (base.base + range.lowerBound).initialize(repeating: value, count: range.count)
        }
    }

    /// A buffer of `count` floats that the caller initialises.
    init(uninitializedCount count: Int) {
        self.count = count
        let bytes = Swift.max(1, count) * MemoryLayout<Float>.stride
        let huge = HugeBuffer.hugePage
        let align = bytes >= huge ? huge : 64
        let size = (bytes + align - 1) / align * align
        var raw: UnsafeMutableRawPointer? = nil
        if posix_memalign(&raw, align, size) != 0 || raw == nil { fatalError("HugeBuffer: out of memory") }
        #if os(Linux)
        if align == huge { _ = madvise(raw, size, Int32(MADV_HUGEPAGE)) }
        #endif
        base = raw!.bindMemory(to: Float.self, capacity: Swift.max(1, count))
    }

    deinit { free(base) }
}

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
            ParallelChunks.forEach(count: height, chunks: threads <= 1 ? 1 : threads * 4) { rows in
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

/// Blocked transpose: `destination[c * pitch + r] = source[r * width + c]` (pitch defaults to `height`),
/// in 32 x 32 tiles (both sides stay in cache) of 8 x 8 blocks transposed in registers (`transpose8x8`),
/// tile rows spread over `threads` workers. Edge rows and columns that do not fill a block are copied
/// one by one.
func transpose(_ source: UnsafePointer<Float>, width: Int, height: Int, into destination: UnsafeMutablePointer<Float>,
               pitch: Int? = nil, threads: Int) {
    let pitch = pitch ?? height
    typealias V = SIMD8<Float>
    let tile = 32
    let tileRows = (height + tile - 1) / tile
    let out = SharedPointer(destination)
    let work = { (tr: Int) in
        let r0 = tr * tile, r1 = min(height, r0 + tile)
        var c0 = 0
        while c0 < width {
            let c1 = min(width, c0 + tile)
            var r = r0
            while r + 8 <= r1 {
                var c = c0
                while c + 8 <= c1 {
                    @inline(__always) func row(_ i: Int) -> V { UnsafeRawPointer(source + (r + i) * width + c).loadUnaligned(as: V.self) }
                    var b = (row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7))
                    transpose8x8(&b)
                    @inline(__always) func put(_ j: Int, _ v: V) { UnsafeMutableRawPointer(out.base + (c + j) * pitch + r).storeBytes(of: v, as: V.self) }
                    put(0, b.0); put(1, b.1); put(2, b.2); put(3, b.3); put(4, b.4); put(5, b.5); put(6, b.6); put(7, b.7)
                    c += 8
                }
                for cc in c..<c1 { for i in r..<(r + 8) { out.base[cc * pitch + i] = source[i * width + cc] } }
                r += 8
            }
            for c in c0..<c1 { for i in r..<r1 { out.base[c * pitch + i] = source[i * width + c] } }
            c0 = c1
        }
    }
    ParallelChunks.forEach(count: tileRows, chunks: threads <= 1 ? 1 : threads * 4) { rows in
        for tr in rows { work(tr) }
    }
}

/// Transpose of an 8 x 8 block of eight row vectors, in place: three rounds of de-interleaving the 64
/// values as one row-major array (all even positions, then all odd), each of which rotates the six
/// index bits (row, column) right by one; three rotations swap row and column.
@inline(__always)
func transpose8x8(_ a: inout (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)) {
    for _ in 0..<3 {
        a = (SIMD8(lowHalf: a.0.evenHalf, highHalf: a.1.evenHalf), SIMD8(lowHalf: a.2.evenHalf, highHalf: a.3.evenHalf),
             SIMD8(lowHalf: a.4.evenHalf, highHalf: a.5.evenHalf), SIMD8(lowHalf: a.6.evenHalf, highHalf: a.7.evenHalf),
             SIMD8(lowHalf: a.0.oddHalf, highHalf: a.1.oddHalf), SIMD8(lowHalf: a.2.oddHalf, highHalf: a.3.oddHalf),
             SIMD8(lowHalf: a.4.oddHalf, highHalf: a.5.oddHalf), SIMD8(lowHalf: a.6.oddHalf, highHalf: a.7.oddHalf))
    }
}
