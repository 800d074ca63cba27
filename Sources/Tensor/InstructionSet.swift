import CBLAS
import Foundation

/// The vector instruction set the numeric targets were compiled for, and what the CPU running
/// them offers (see `Package.swift`: `-target-cpu native` unless `CLIPKIT_PORTABLE=1`).
public enum InstructionSet {
    /// `AVX-512`, `AVX2+FMA` or `x86-64 baseline` (portable build), `arm64 NEON` on Apple silicon.
    public static var compiled: String {
        #if CLIPKIT_ISA_AVX512
        return "AVX-512"
        #elseif CLIPKIT_ISA_AVX2
        return "AVX2+FMA"
        #elseif arch(arm64)
        return "arm64 NEON"
        #else
        return "x86-64 baseline (portable build)"
        #endif
    }

    /// The CPU's model name and its vector extensions from `/proc/cpuinfo` (Linux), e.g.
    /// `AMD EPYC 9R14 (avx2 fma avx512f avx512bw avx512vl avx512_bf16 avx512_vnni)`; nil elsewhere.
    public static var processor: String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n")
        func value(_ key: String) -> String? {
            lines.first { $0.hasPrefix(key) }.flatMap { $0.split(separator: ":", maxSplits: 1).last }
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let flags = Set(value("flags")?.split(separator: " ").map(String.init) ?? [])
        let vector = ["avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_bf16", "avx512_vnni", "avx512vnni"].filter(flags.contains)
        return "\(value("model name") ?? "unknown CPU") (\(vector.isEmpty ? "no AVX" : vector.joined(separator: " ")))"
    }

    /// The kernels OpenBLAS runs (`openblas_get_corename`), with the `OPENBLAS_CORETYPE` that
    /// forced them when set: OpenBLAS picks Cooperlake on an AVX-512 BF16 CPU by itself, but an
    /// inherited `OPENBLAS_CORETYPE=Haswell` makes it run AVX2 kernels at about a fifth of the speed.
    public static var blasKernels: String {
        #if os(Linux)
        let name = String(cString: openblas_get_corename())
        let forced = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"].map { " (OPENBLAS_CORETYPE=\($0))" } ?? ""
        return "OpenBLAS \(name)\(forced)"
        #else
        return "Accelerate"
        #endif
    }

    /// One line for `clipkit version` and the benchmarks.
    public static var summary: String {
        "compiled for \(compiled); CPU \(processor ?? "unknown"); \(blasKernels); \(ThreadPolicy.threadCount) threads"
    }
}
