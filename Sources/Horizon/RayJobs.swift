/// A queue of exact-ray work for one frame row: (cell column, first and last row step) jobs of at most
/// `span` row steps each. The eight lanes of a `RayWalker` walk run in step, so windows of very different
/// lengths (one or two rows around most candidates, tens of rows across an oblique crest or on to the
/// DEM's edge) are cut into jobs of equal length and walked eight at a time, any eight cells together.
struct RayJobs {
    static let span: Float = 2
    static let capacity = 2048
    let columns: UnsafeMutablePointer<Float>
    let lo: UnsafeMutablePointer<Float>
    let hi: UnsafeMutablePointer<Float>
    var count = 0

    init() {
        // Room for a batch of eight past the end, so the last batch loads whole vectors.
        columns = .allocate(capacity: RayJobs.capacity + 8)
        lo = .allocate(capacity: RayJobs.capacity + 8)
        hi = .allocate(capacity: RayJobs.capacity + 8)
    }

    func deallocate() { columns.deallocate(); lo.deallocate(); hi.deallocate() }

    var isFull: Bool { count + 1 > RayJobs.capacity }

    /// Queues one job (the caller flushes when `isFull`).
    @inline(__always)
    mutating func push(column: Float, from a: Float, to b: Float) {
        columns[count] = column; lo[count] = a; hi[count] = b
        count += 1
    }
}
