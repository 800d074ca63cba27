import Autograd
import NN
import Tensor

/// The text reconstruction module's decoder: an LSTM with deterministic soft attention over the
/// image regions a_1…a_L ∈ R^D (Xu et al. 2015, "Show, Attend and Tell"; the seed paper's §4,
/// Eqs. 4–9). At step k, with previous word t_{k−1} and state (h_{k−1}, c_{k−1}):
///
///     β_k, ẑ_k = SoftAttention(a, h_{k−1})                 Eqs. 5–7
///     ẑ_k ← σ(f_β(h_{k−1}))·ẑ_k                            gating scalar (Xu §4.2.1), when `gated`
///     h_k, c_k = LSTM([E t_{k−1}; ẑ_k], (h_{k−1}, c_{k−1}))
///     p(t_k) = softmax(L_o(E t_{k−1} + L_h h_k + L_z ẑ_k))  Eq. 8, the deep output layer
///
/// with h_0 = tanh(f_init,h(ā)), c_0 = tanh(f_init,c(ā)) from the mean region ā = (1/L)Σ a_i.
/// Training feeds the reference words (teacher forcing) and minimises L_TRL
/// (`TextReconstructionLoss`, Eq. 9); captions are decoded greedily or by beam search.
/// Key names: `embedding` (E, `[S, m]`), `attention`, `init_hidden`, `init_cell` (`[n, D]`),
/// `gate` (f_β, `[1, n]`), `lstm` (`[4n, m + D]`), `hidden_output` (L_h, `[m, n]`),
/// `context_output` (L_z, `[m, D]`), `output` (L_o, `[S, m]`).
public struct AttentionCaptioner: Module {
    public let configuration: AttentionCaptionerConfiguration
    @Key("embedding") public var embedding: Embedding
    @Key("attention") public var attention: SoftAttention
    @Key("init_hidden") public var initialHidden: Linear
    @Key("init_cell") public var initialCell: Linear
    @Key("gate") public var gate: Linear?
    @Key("lstm") public var lstm: LSTMCell
    @Key("hidden_output") public var hiddenOutput: Linear
    @Key("context_output") public var contextOutput: Linear
    @Key("output") public var output: Linear

    /// A decoder with PyTorch's default initialisation of each layer, E from N(0, 1) as `nn.Embedding`.
    public init(configuration: AttentionCaptionerConfiguration, generator: inout SeededGenerator) {
        self.configuration = configuration
        let (words, features, width, hidden) = (configuration.vocabularySize, configuration.featureWidth,
                                                configuration.embeddingWidth, configuration.hiddenWidth)
        embedding = Embedding(vocabulary: words, width: width)
        embedding.weight.value = Tensor.randomNormal([words, width], generator: &generator)
        attention = SoftAttention(featureWidth: features, hiddenWidth: hidden, attentionWidth: configuration.attentionWidth,
                                  generator: &generator)
        initialHidden = Linear(inFeatures: features, outFeatures: hidden, generator: &generator)
        initialCell = Linear(inFeatures: features, outFeatures: hidden, generator: &generator)
        gate = configuration.gated ? Linear(inFeatures: hidden, outFeatures: 1, generator: &generator) : nil
        lstm = LSTMCell(inputSize: width + features, hiddenSize: hidden, generator: &generator)
        hiddenOutput = Linear(inFeatures: hidden, outFeatures: width, generator: &generator)
        contextOutput = Linear(inFeatures: features, outFeatures: width, generator: &generator)
        output = Linear(inFeatures: width, outFeatures: words, generator: &generator)
    }

    /// The regions of a batch of images, with their attention projection computed once.
    public struct Regions {
        /// a, `[batch, L, D]`.
        public var features: Variable
        /// W_a·a_i + b, `[batch, L, attention]`.
        public var projected: Variable
    }

    /// What one decoding step gives.
    public struct Step {
        /// Unnormalised log-probabilities of the next word, `[batch, S]`.
        public var logits: Variable
        /// β_k, `[batch, L]`.
        public var weights: Variable
        public var state: LSTMState
    }

    /// The regions `[batch, L, D]` prepared for decoding.
    public func regions(_ features: Variable) -> Regions {
        precondition(features.shape.count == 3 && features.shape[2] == configuration.featureWidth,
                     "the captioner needs [batch, L, \(configuration.featureWidth)] features, got \(features.shape)")
        return Regions(features: features, projected: attention.projectedFeatures(features))
    }

    /// h_0, c_0 from the mean region.
    public func initialState(_ regions: Regions) -> LSTMState {
        let mean = regions.features.mean(alongAxis: 1)  // [batch, D]
        return LSTMState(hidden: initialHidden(mean).tanh(), cell: initialCell(mean).tanh())
    }

    /// One step from the previous words (one per image) and state.
    public func step(previousWords: [Int], state: LSTMState, regions: Regions) -> Step {
        let words = embedding(previousWords)  // [batch, m]
        var (weights, context) = attention(features: regions.features, projected: regions.projected, hidden: state.hidden)
        if let gate { context = context * gate(state.hidden).sigmoid() }  // [batch, D]
        let next = lstm(Variable.concatenate([words, context], alongAxis: 1), state: state)  // [batch, n]
        let logits = output(words + hiddenOutput(next.hidden) + contextOutput(context))  // [batch, S]
        return Step(logits: logits, weights: weights, state: next)
    }

    /// Teacher forcing over encoded captions `<start> … <end>` (one per image, any lengths): the
    /// step logits `[batch, T, S]`, attention `[batch, T, L]` and targets `[batch][T]` (`<pad>`
    /// past a caption's end), T = longest caption − 1.
    public func teacherForced(_ regions: Regions, captions: [[Int]]) -> (logits: Variable, attention: Variable, targets: [[Int]]) {
        let batch = regions.features.shape[0]
        precondition(captions.count == batch, "\(captions.count) captions for \(batch) images")
        precondition(captions.allSatisfy { $0.count >= 2 }, "every caption needs <start> and at least one more token")
        let steps = captions.map(\.count).max()! - 1
        let padded = captions.map { $0 + Array(repeating: CaptionerVocabulary.paddingIndex, count: steps + 1 - $0.count) }
        var state = initialState(regions)
        var logits: [Variable] = [], weights: [Variable] = []
        for k in 0..<steps {
            let result = step(previousWords: padded.map { $0[k] }, state: state, regions: regions)
            logits.append(result.logits.reshaped([batch, 1, -1]))   // [batch, 1, S]
            weights.append(result.weights.reshaped([batch, 1, -1]))  // [batch, 1, L]
            state = result.state
        }
        return (Variable.concatenate(logits, alongAxis: 1), Variable.concatenate(weights, alongAxis: 1),
                padded.map { Array($0[1...]) })
    }

    /// L_TRL (Eq. 9) of regions `[batch, L, D]` and their encoded captions.
    public func loss(features: Variable, captions: [[Int]]) -> TextReconstructionLoss {
        let forced = teacherForced(regions(features), captions: captions)
        return TextReconstructionLoss(logits: forced.logits, targets: forced.targets, attention: forced.attention,
                                      penaltyWeight: configuration.attentionPenalty)
    }

    /// The most probable word at every step, until `<end>` or `maximumLength` words; without `<start>`/`<end>`.
    public func greedyCaptions(features: Tensor, maximumLength: Int = 30) -> [[Int]] {
        GradientMode.withoutGradients {
            let prepared = regions(Variable(features))
            let batch = features.shape[0]
            var state = initialState(prepared)
            var words = [Int](repeating: CaptionerVocabulary.startIndex, count: batch)
            var captions = [[Int]](repeating: [], count: batch), finished = [Bool](repeating: false, count: batch)
            for _ in 0..<maximumLength where !finished.allSatisfy({ $0 }) {
                let result = step(previousWords: words, state: state, regions: prepared)
                state = result.state
                let logits = result.logits.value, width = logits.shape[1]
                words = logits.withUnsafeBufferPointer { buffer in
                    (0..<batch).map { row in (0..<width).max { buffer[row * width + $0] < buffer[row * width + $1] }! }
                }
                for row in 0..<batch where !finished[row] {
                    if words[row] == CaptionerVocabulary.endIndex { finished[row] = true } else { captions[row].append(words[row]) }
                }
            }
            return captions
        }
    }

    /// Beam search with `beamWidth` hypotheses per image, scored by their summed log-probability
    /// (no length normalisation, as Xu et al.'s and sgrvinod's decoders): a hypothesis ends at
    /// `<end>`; the search stops when `beamWidth` have ended or after `maximumLength` words, and
    /// returns the best ended one (the best open one if none ended). Without `<start>`/`<end>`.
    public func beamCaptions(features: Tensor, beamWidth: Int, maximumLength: Int = 30) -> [[Int]] {
        precondition(beamWidth >= 1, "beam width must be at least 1")
        return (0..<features.shape[0]).map { image in
            beamCaption(features: features[image].reshaped([1] + Array(features.shape.dropFirst())), beamWidth: beamWidth,
                        maximumLength: maximumLength)
        }
    }

    func beamCaption(features: Tensor, beamWidth: Int, maximumLength: Int) -> [Int] {
        GradientMode.withoutGradients {
            let single = regions(Variable(features))
            var hypotheses: [(words: [Int], score: Float)] = [([], 0)]
            var state = initialState(single)
            var ended: [(words: [Int], score: Float)] = []
            for _ in 0..<maximumLength {
                let count = hypotheses.count
                let repeated = Regions(features: Variable(Tensor.concatenate(Array(repeating: single.features.value, count: count), alongAxis: 0)),
                                       projected: Variable(Tensor.concatenate(Array(repeating: single.projected.value, count: count), alongAxis: 0)))
                let previous = hypotheses.map { $0.words.last ?? CaptionerVocabulary.startIndex }
                let result = step(previousWords: previous, state: state, regions: repeated)
                let logProbabilities = result.logits.value.logSoftmax(), width = logProbabilities.shape[1]
                var candidates: [(hypothesis: Int, word: Int, score: Float)] = []
                logProbabilities.withUnsafeBufferPointer { buffer in
                    for row in 0..<count {
                        for word in 0..<width { candidates.append((row, word, hypotheses[row].score + buffer[row * width + word])) }
                    }
                }
                candidates.sort { $0.score > $1.score }
                var kept: [(hypothesis: Int, word: Int, score: Float)] = []
                for candidate in candidates.prefix(beamWidth - ended.count) {
                    if candidate.word == CaptionerVocabulary.endIndex {
                        ended.append((hypotheses[candidate.hypothesis].words, candidate.score))
                    } else {
                        kept.append(candidate)
                    }
                }
                if ended.count >= beamWidth || kept.isEmpty { break }
                let rows = kept.map(\.hypothesis)
                state = LSTMState(hidden: Variable(Tensor.concatenate(rows.map { result.state.hidden.value[$0].reshaped([1, -1]) }, alongAxis: 0)),
                                  cell: Variable(Tensor.concatenate(rows.map { result.state.cell.value[$0].reshaped([1, -1]) }, alongAxis: 0)))
                hypotheses = kept.map { (hypotheses[$0.hypothesis].words + [$0.word], $0.score) }
            }
            let pool = ended.isEmpty ? hypotheses : ended
            return pool.max { $0.score < $1.score }!.words
        }
    }
}
