import Autograd
import Checkpoint
import Foundation
import NN
import Tensor
import Tokenizers

/// Chinese-CLIP's text tower (Yang et al. 2022) as cn_clip builds it: a BERT encoder without
/// pooler under `bert.`, whose final `[CLS]` state is multiplied by `text_projection`.
///
///     m = (ids ≠ [PAD]),   h = BERT(ids, m) with padding keys at −10000,   f = h[:, 0]·P
///
/// `P` is `[hiddenSize, embedDimension]` (an `x·P` matrix, not a Linear weight). The features are
/// not normalised; Chinese-CLIP normalises both towers before its cosine logits.
///
/// cn_clip's image tower (`visual.…`) has exactly OpenCLIP's ViT names and shapes, with
/// QuickGELU and heads = width / 64 (width / 80 for ViT-H/14), as `scripts/fixtures/chinese_clip.py`
/// checks; the dual encoder pairs that tower with this one.
public struct ChineseCLIPTextTower: Module {
    public let configuration: ChineseCLIPTextConfiguration
    /// The `[PAD]` id; tokens equal to it are masked.
    public let paddingID: Int
    @Key("bert") public var bert: BERTModel
    @Key("text_projection") public var textProjection: Parameter

    public init(_ configuration: ChineseCLIPTextConfiguration) throws {
        self.configuration = configuration
        paddingID = 0
        bert = BERTModel(try configuration.encoderConfiguration(), includesPooler: false, maskFill: .constant(-10_000))
        textProjection = Parameter(Tensor(zeros: [configuration.hiddenSize, configuration.embedDimension]))
    }

    /// Text features `[batch, embedDimension]` of token rows padded with `[PAD]` (cn_clip's
    /// `encode_text`).
    public func callAsFunction(tokenIDs rows: [[Int]]) -> Variable {
        callAsFunction(BERTInput(paddedRows: rows, paddingID: paddingID))
    }

    /// Text features `[batch, embedDimension]` of tokenised input.
    public func callAsFunction(_ input: BERTInput) -> Variable {
        let hidden = bert(input).lastHiddenState  // [batch, length, hiddenSize]
        return Variable.matmul(firstTokens(of: hidden), textProjection.variable)  // [batch, embedDimension]
    }

    /// Text features `[texts.count, embedDimension]`, tokenised as `cn_clip.clip.tokenize` does
    /// with a tokenizer of the `.chineseCLIP` configuration (context 52, padded to it).
    public func textFeatures(_ texts: [String], tokenizer: WordPieceTokenizer) throws -> Tensor {
        let batch = try tokenizer.encodeBatch(texts, padding: .maximumLength)
        let rows = (0..<batch.count).map { batch.row($0).map(Int.init) }
        return GradientMode.withoutGradients { callAsFunction(tokenIDs: rows).value }
    }

    /// The text tower of a cn_clip checkpoint: a training or released `.pt` (torch zip holding
    /// `{"state_dict": …}` with DataParallel's `module.` prefix, half or single precision), or
    /// any file `CheckpointFormat` reads with cn_clip's names. The image tower, `logit_scale`,
    /// a BERT pooler and optimiser state are left unused.
    public static func load(contentsOf url: URL, configuration: ChineseCLIPTextConfiguration) throws -> ChineseCLIPTextTower {
        let model = try ChineseCLIPTextTower(configuration)
        try model.loadWeights(try CheckpointFormat.loadTensors(contentsOf: url), mapping: weightMapping, source: url.lastPathComponent)
        return model
    }

    /// cn_clip's checkpoint names → this tower's (see `load(contentsOf:configuration:)`).
    public static let weightMapping = WeightMapping(
        renames: ChineseCLIP.checkpointPrefixes,
        ignoredNames: ChineseCLIP.unusedNames + [
            #"^(state_dict\.)?(module\.)?visual\."#,
            #"^(state_dict\.)?(module\.)?logit_scale$"#,
        ])
}
