import Foundation
import Tensor
import Testing

/// `ThreadPolicy.map`: every index once, results in index order for both work orders and any
/// thread count, and no value kept after the call (the scratch buffer's values are released).
@Suite struct ParallelMapTests {
    final class Item {
        let index: Int
        init(index: Int) { self.index = index }
    }

    @Test("results are in index order, each index computed once", arguments: [false, true])
    func order(_ interleaved: Bool) {
        for threads in [1, 2, 3, 7] {
            for count in [0, 1, 2, 5, 16] {
                let calls = NSLock()
                var seen: [Int] = []
                let results = ThreadPolicy.map(count: count, threads: threads, interleaved: interleaved) { index -> Int in
                    calls.withLock { seen.append(index) }
                    return index * index
                }
                #expect(results == (0..<count).map { $0 * $0 }, "threads \(threads), count \(count)")
                #expect(seen.sorted() == Array(0..<count))
            }
        }
    }

    @Test("no value outlives the returned array")
    func valuesAreReleased() {
        var weakItems: [() -> Item?] = []
        do {
            let items = ThreadPolicy.map(count: 6, threads: 2, interleaved: true) { Item(index: $0) }
            #expect(items.map(\.index) == Array(0..<6))
            weakItems = items.map { item in { [weak item] in item } }
            withExtendedLifetime(items) { #expect(weakItems.allSatisfy { $0() != nil }) }
        }
        #expect(weakItems.allSatisfy { $0() == nil }, "a value outlived the results")
    }
}
