/// The pairs a verification threshold is fitted on, from labelled examples (one label per person):
/// every genuine pair (same label, i < j) and as many impostor pairs (different labels), taken
/// evenly spaced from the ordered list of all impostor pairs, so the fitting set is balanced as
/// the LFW protocol's is (equal same and different pairs) and the choice is deterministic.
public struct VerificationPairs: Sendable, Equatable {
    public struct Pair: Sendable, Equatable {
        public let first: Int
        public let second: Int
        public let sameIdentity: Bool
    }

    public let pairs: [Pair]

    public init(labels: [Int]) throws {
        var genuine: [Pair] = [], impostorCount = 0
        for i in labels.indices {
            for j in (i + 1)..<labels.count {
                if labels[i] == labels[j] { genuine.append(Pair(first: i, second: j, sameIdentity: true)) } else { impostorCount += 1 }
            }
        }
        guard !genuine.isEmpty else { throw EvaluationError.empty(name: "the same-person pairs (every person needs two photos)") }
        guard impostorCount > 0 else { throw EvaluationError.empty(name: "the different-person pairs (two people are needed)") }
        let wanted = min(genuine.count, impostorCount)
        // The k-th chosen impostor pair is number ⌊k·count/wanted⌋ in (i, j) order.
        var chosen: [Pair] = [], index = 0, next = 0
        for i in labels.indices where chosen.count < wanted {
            for j in (i + 1)..<labels.count where labels[i] != labels[j] {
                if index == next * impostorCount / wanted {
                    chosen.append(Pair(first: i, second: j, sameIdentity: false))
                    next += 1
                    if chosen.count == wanted { break }
                }
                index += 1
            }
        }
        pairs = genuine + chosen
    }
}
