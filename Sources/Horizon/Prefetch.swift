import CKernelShims

/// Software prefetch through the C shim target (`__builtin_prefetch`: PREFETCHT0 on x86-64, PRFM on
/// AArch64), which Swift has no spelling for. A prefetch never faults and retires without waiting for the
/// line, unlike a plain load whose miss holds up retirement once the reorder buffer fills.
enum Prefetch {
    /// Hints that the cache line holding `p` will be read soon (into all cache levels).
    @inline(__always)
    static func read(_ p: UnsafePointer<Float>) { farside_prefetch_read(p) }
}
