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
