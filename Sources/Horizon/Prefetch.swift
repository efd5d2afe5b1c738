/// Software prefetch: LLVM's `llvm.prefetch` intrinsic (PREFETCHT0 on x86-64, PRFM on AArch64), which
/// Swift has no spelling for; declared by its LLVM name, the way the standard library reaches other
/// intrinsics. A prefetch never faults and retires without waiting for the line, unlike a plain load
/// whose miss holds up retirement once the reorder buffer fills.
enum Prefetch {
    @_silgen_name("llvm.prefetch.p0")
    private static func intrinsic(_ address: UnsafeRawPointer, _ write: Int32, _ locality: Int32, _ dataCache: Int32)

    /// Hints that the cache line holding `p` will be read soon (into all cache levels).
    @inline(__always)
    static func read(_ p: UnsafePointer<Float>) { intrinsic(UnsafeRawPointer(p), 0, 3, 1) }
}
