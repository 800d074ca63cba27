// clipkit-fuzz: the fuzzing entry of issue 13 over `FuzzTarget`.
//
// Built by scripts/fuzz.sh with `-sanitize=fuzzer,address -D FUZZING`, it is a libFuzzer binary:
// libFuzzer owns `main` and calls `LLVMFuzzerTestOneInput` for each input; the target is chosen by
// $CLIPKIT_FUZZ_TARGET; with $CLIPKIT_FUZZ_CORPUS and $CLIPKIT_FUZZ_FIXTURES set, the target's
// seeds (built-in and fixture files) are first written into that corpus folder. A refusal with an error of an unexpected type traps, so libFuzzer
// reports it like a crash.
//
// Built normally (as `swift build` does), it replays and bounded-fuzzes without sanitizers:
//   clipkit-fuzz TARGET FILE...                      run each file, print what the reader did
//   clipkit-fuzz TARGET --runs N [--seed S] [FILE...] N mutated inputs from the files and built-in seeds
import Foundation
import FuzzTargets

#if FUZZING

private let fuzzTarget: FuzzTarget = {
    guard let name = ProcessInfo.processInfo.environment["CLIPKIT_FUZZ_TARGET"], let target = FuzzTarget(rawValue: name) else {
        fatalError("set CLIPKIT_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return target
}()
private let scratch: FuzzScratchFile = {
    do { return try FuzzScratchFile() } catch { fatalError("\(error)") }
}()

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<Int32>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> Int32 {
    let environment = ProcessInfo.processInfo.environment
    guard let corpus = environment["CLIPKIT_FUZZ_CORPUS"], let fixtures = environment["CLIPKIT_FUZZ_FIXTURES"] else { return 0 }
    let folder = URL(fileURLWithPath: corpus, isDirectory: true)
    do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for seed in fuzzTarget.seeds(fixtures: URL(fileURLWithPath: fixtures, isDirectory: true)) {
            try Data(seed.bytes).write(to: folder.appendingPathComponent("seed-" + seed.name))
        }
    } catch {
        fatalError("cannot write the seeds into \(corpus): \(error)")
    }
    return 0
}

/// libFuzzer's driver (`FuzzerDriver.cpp`), run by our entry point: SwiftPM links executables with
/// `main` aliased to `clipkit_fuzz_main`, so libFuzzer's own `main` is never used.
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(_ argc: UnsafeMutablePointer<Int32>,
                             _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                             _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

@_cdecl("clipkit_fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var vector = argv
    return runFuzzerDriver(&count, &vector) { data, size in fuzzOneInput(data, size) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let outcome = fuzzTarget.run(UnsafeRawBufferPointer(start: data, count: size), scratch: scratch)
    if case let .unexpectedError(message) = outcome { fatalError("unexpected error type: \(message)") }
    return 0
}

#else

@main
struct FuzzReplay {
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            fail("usage: clipkit-fuzz TARGET [--runs N] [--seed S] [FILE...]; targets: "
                 + FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))
        }
        arguments.removeFirst()
        var runs: Int?, seed: UInt64 = 1
        var files: [String] = []
        while let argument = arguments.first {
            arguments.removeFirst()
            switch argument {
            case "--runs": runs = arguments.first.flatMap(Int.init); arguments = Array(arguments.dropFirst())
            case "--seed": seed = arguments.first.flatMap { UInt64($0) } ?? 1; arguments = Array(arguments.dropFirst())
            default: files.append(argument)
            }
        }
        let scratch: FuzzScratchFile
        do { scratch = try FuzzScratchFile() } catch { fail("\(error)") }
        defer { scratch.removeAll() }
        var inputs: [(name: String, bytes: [UInt8])] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { fail("cannot read \(file)") }
            inputs.append((file, [UInt8](data)))
        }
        var unexpected = 0
        guard let runs else {
            for input in inputs {
                let outcome = input.bytes.withUnsafeBytes { target.run($0, scratch: scratch) }
                print("\(input.name): \(outcome)")
                if case .unexpectedError = outcome { unexpected += 1 }
            }
            exit(unexpected == 0 ? 0 : 1)
        }
        let seeds = inputs.map(\.bytes) + target.builtInSeeds
        guard !seeds.isEmpty else { fail("\(target.rawValue) has no built-in seeds: give seed files") }
        var mutator = FuzzMutator(seeds: seeds, seed: seed)
        var accepted = 0, refused = 0
        for run in 0..<runs {
            let bytes = mutator.next()
            switch bytes.withUnsafeBytes({ target.run($0, scratch: scratch) }) {
            case .accepted: accepted += 1
            case .refused: refused += 1
            case let .unexpectedError(message):
                unexpected += 1
                print("run \(run): unexpected error \(message)")
            }
        }
        print("\(target.rawValue): \(runs) runs, \(accepted) accepted, \(refused) refused, \(unexpected) unexpected errors")
        exit(unexpected == 0 ? 0 : 1)
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("clipkit-fuzz: \(message)\n".utf8))
        exit(2)
    }
}

#endif
