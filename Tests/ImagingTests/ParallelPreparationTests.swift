import Foundation
import Imaging
import Testing

/// `ParallelPreparation.results` returns every value in index order and keeps none of them: the
/// fuzzing run of issue 13 (LeakSanitizer) found each prepared image tensor of an indexing batch
/// leaked, because the scratch buffer was freed without releasing what it held.
@Suite struct ParallelPreparationTests {
    final class Prepared {
        let index: Int
        init(index: Int) { self.index = index }
    }

    @Test func resultsAreInOrderAndNoneIsKept() {
        var released: [() -> Prepared?] = []
        do {
            let results = ParallelPreparation.results(count: 9, threads: 2) { index -> Prepared in
                if index == 4 { throw CocoaError(.fileReadCorruptFile) }
                return Prepared(index: index)
            }
            #expect(results.count == 9)
            for (index, result) in results.enumerated() {
                switch result {
                case let .success(value):
                    #expect(value.index == index)
                    released.append { [weak value] in value }
                case .failure:
                    #expect(index == 4)
                }
            }
            withExtendedLifetime(results) { #expect(released.allSatisfy { $0() != nil }) }
        }
        #expect(released.count == 8)
        #expect(released.allSatisfy { $0() == nil }, "a prepared value outlived the results")
    }
}
