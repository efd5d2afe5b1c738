import Dispatch

/// A pointer handed to concurrent workers that write disjoint elements.
public struct SharedPointer<T>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<T>
    @inlinable public init(_ base: UnsafeMutablePointer<T>) { self.base = base }
}

/// The one chunked parallel loop of the kernels: consecutive, nearly equal ranges of 0 ..< count on
/// `DispatchQueue.concurrentPerform` workers (disjoint work; results do not depend on the chunking).
public enum ParallelChunks {
    /// Pieces per thread in `forEachRange`: enough that a slow core does not hold up the rest, few enough
    /// to stay cheap.
    public static let chunksPerThread = 4

    /// Calls `body` with `chunks` consecutive, nearly equal parts of 0 ..< count, or once with the whole
    /// range when `chunks` (at most `count`) is 1 or less.
    public static func forEach(count: Int, chunks: Int, _ body: (Range<Int>) -> Void) {
        let chunks = Swift.min(chunks, count)
        if chunks <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks) { c in body((c * count / chunks)..<((c + 1) * count / chunks)) }
    }

    /// Calls `body` over disjoint ranges covering 0 ..< count on up to `threads` threads (inline when 1),
    /// in `threads * chunksPerThread` pieces.
    public static func forEachRange(count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        let workers = Swift.max(1, Swift.min(threads, count))
        forEach(count: count, chunks: workers == 1 ? 1 : workers * chunksPerThread, body)
    }
}
