import Foundation
import FuzzTargets
import Testing
import TestSupport

/// Issue 13, item 9, the part that runs in CI time: every fuzz target gets a fixed number of
/// deterministic mutations of its seeds (built-in and fixture files). Each input must be read or
/// refused with the reader's own error, within a time limit; the long libFuzzer runs with
/// sanitizers are `scripts/fuzz.sh` (README, "Fuzzing"). The `http` target answers requests
/// with the default model, so its inputs take model time; the same limits hold.
@Suite struct BoundedFuzzTests {
    static let runsPerTarget = 300
    /// The `http` target's inputs run the model (searches, embeddings), so it gets fewer.
    static func runs(for target: FuzzTarget) -> Int { target == .http ? 100 : runsPerTarget }
    /// A hang guard, not a speed check (libFuzzer's own 10 s limit in `scripts/fuzz.sh` is the
    /// timeout that counts): an `http` input runs on the concurrency pool, which other suites'
    /// synchronous work can hold for long stretches when the whole suite shares 2 cores. One input
    /// measured 40.7 s in a fresh-clone CI run, where all 100 take 0.3 s together when the suite
    /// runs alone; a hang never returns.
    static let secondsPerInput = 180.0

    @Test("the built-in seeds are accepted and the fixture seeds are read or refused clearly", arguments: FuzzTarget.allCases)
    func seeds(_ target: FuzzTarget) async throws {
        try await target.prepare()
        let scratch = try FuzzScratchFile()
        defer { scratch.removeAll() }
        for (index, seed) in target.builtInSeeds.enumerated() {
            let outcome = await target.runFromAsyncContext(seed, scratch: scratch)
            #expect(outcome == .accepted, "\(target.rawValue) built-in seed \(index): \(outcome)")
        }
        for seed in target.seeds(fixtures: TestPaths.fixtures) {
            let outcome = await target.runFromAsyncContext(seed.bytes, scratch: scratch)
            if case .unexpectedError = outcome { Issue.record("\(target.rawValue) seed \(seed.name): \(outcome)") }
        }
    }

    @Test("mutated inputs are read or refused with the reader's error, none hangs", arguments: FuzzTarget.allCases)
    func mutations(_ target: FuzzTarget) async throws {
        try await target.prepare()
        let scratch = try FuzzScratchFile()
        defer { scratch.removeAll() }
        let seeds = target.seeds(fixtures: TestPaths.fixtures).map(\.bytes)
        var mutator = FuzzMutator(seeds: seeds, seed: UInt64(target.rawValue.utf8.count) &* 7919)
        var accepted = 0, refused = 0
        for run in 0..<Self.runs(for: target) {
            let bytes = mutator.next()
            let start = DispatchTime.now().uptimeNanoseconds
            let outcome = await target.runFromAsyncContext(bytes, scratch: scratch)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            #expect(seconds < Self.secondsPerInput, "\(target.rawValue) run \(run) took \(seconds) s")
            switch outcome {
            case .accepted: accepted += 1
            case .refused: refused += 1
            case .unexpectedError: Issue.record("\(target.rawValue) run \(run): \(outcome)")
            }
        }
        print("fuzz \(target.rawValue): \(Self.runs(for: target)) inputs, \(accepted) accepted, \(refused) refused")
        #expect(accepted + refused == Self.runs(for: target))
    }
}
