// A software prefetch hint for Swift callers, which have no prefetch intrinsic of their own.
#ifndef CPREFETCH_H
#define CPREFETCH_H

/// Asks the CPU to bring the cache line holding `address` into every cache level for reading
/// (x86 `prefetcht0`); a hint without effect on the program's results, valid for any address.
static inline void ck_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#endif
