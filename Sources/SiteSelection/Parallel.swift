import FarSideCore
import Dispatch

/// Small shared helpers for the SiteSelection kernels.
enum Parallel {
    /// Runs `body` over disjoint, contiguous ranges covering `0..<count` on up to `threads` threads
    /// (inline when 1; `ParallelChunks`).
    static func forEachRange(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        ParallelChunks.forEachRange(count: count, threads: threads, body)
    }
}

/// The scorer's eight-lane helpers (sign-bit selects, clamp, NaN masks): FarSideCore's `VectorMath`.
typealias Lanes = VectorMath
