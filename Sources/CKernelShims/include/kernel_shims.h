// Compiler builtins the kernels need and Swift cannot spell, as static inline functions (imported and
// inlined by Swift's clang importer: no call remains), in the manner of swift-numerics' _NumericsShims.
#ifndef FARSIDE_KERNEL_SHIMS_H
#define FARSIDE_KERNEL_SHIMS_H

// Hints that the cache line holding `p` will be read soon, into all cache levels (PREFETCHT0 on x86-64,
// PRFM PLDL1KEEP on AArch64). Never faults.
static inline __attribute__((always_inline)) void farside_prefetch_read(const void *p) {
    __builtin_prefetch(p, 0, 3);
}

#endif
