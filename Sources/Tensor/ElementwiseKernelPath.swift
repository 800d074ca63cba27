import CReducedPrecision

/// Which implementation runs the row-wise softmax and GELU (forward and derivative).
///
/// - `avx512`: the C kernels of `CElementwiseKernels.h` — sixteen lanes per instruction, masked
///   loads for ragged row ends (so a 50-score attention row is four vectors with no scalar tail),
///   eˣ by range reduction and a degree-6 polynomial with 2ⁿ applied by `vscalefps`; GELU's erf
///   as a rational function z·P(z²)/Q(z²) (no exponential), its derivative by Abramowitz & Stegun 7.1.26.
/// - `portable`: the Swift loops over `FastMath`, vectorised for whatever the build targets
///   (AVX2 on Zen 2/3, baseline x86-64 for `CLIPKIT_PORTABLE=1`, NEON on arm64).
///
/// `selected` is `avx512` when the CPU runs AVX-512F, unless `CLIPKIT_PORTABLE_KERNELS=1`.
public enum ElementwiseKernelPath: Sendable, CaseIterable {
    case avx512
    case portable

    /// The path every public entry point takes on this machine.
    public static let selected: ElementwiseKernelPath = ck_cpu_has_avx512f() != 0 ? .avx512 : .portable

    /// The paths this CPU can run (for tests that compare them).
    public static var available: [ElementwiseKernelPath] { selected == .avx512 ? [.avx512, .portable] : [.portable] }
}

extension Tensor {
    /// A new tensor of this shape from an element-wise C kernel `kernel(input, output, count)`,
    /// run over contiguous chunks on `ThreadPolicy`'s threads (the `avx512` path's maps).
    func mapping(_ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> Tensor {
        let source = pointer
        return Tensor(shape: shape) { output in
            let destination = output.baseAddress!
            ThreadPolicy.parallelFor(output.count, workPerItem: 8) { range in
                kernel(UnsafePointer(source + range.lowerBound), destination + range.lowerBound, range.count)
            }
        }
    }
}
