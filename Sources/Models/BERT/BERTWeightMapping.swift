import NN

/// How BERT checkpoints map onto `BERTModel`'s names, as rule lists.
///
/// `BERTModel` keeps Hugging Face `BertModel`'s names. Task models (`BertForMaskedLM`,
/// `BertForSequenceClassification`, …) nest the encoder under `bert.`, RoBERTa's under `roberta.`;
/// files converted from Google's TensorFlow release by old code spell LayerNorm's parameters
/// `gamma` and `beta`. Task heads are deliberately not loaded.
public enum BERTWeightMapping {
    /// Prefixes and spellings of Hugging Face and older PyTorch BERT/RoBERTa checkpoints.
    public static let huggingFaceRules: [KeyRule] = [
        KeyRule(#"^(bert|roberta)\."#, ""),
        KeyRule(#"\.LayerNorm\.gamma$"#, ".LayerNorm.weight"),
        KeyRule(#"\.LayerNorm\.beta$"#, ".LayerNorm.bias"),
    ]

    /// Tensors an encoder never uses: index buffers and task heads.
    public static let huggingFaceIgnoredNames: [String] = [
        // Buffers `arange(max_position_embeddings)` and zeros, saved by transformers before 4.31.
        #"(^|\.)embeddings\.(position_ids|token_type_ids)$"#,
        // Heads: masked-LM and next-sentence (`cls.`), RoBERTa's `lm_head.`, classifiers, QA spans.
        #"^(cls|lm_head|classifier|qa_outputs)\."#,
    ]

    /// A Hugging Face BERT or RoBERTa checkpoint into a model with a pooler.
    public static let huggingFace = WeightMapping(renames: huggingFaceRules, ignoredNames: huggingFaceIgnoredNames)

    /// The same for a model built without a pooler: the checkpoint's pooler is left unused.
    public static let huggingFaceWithoutPooler = WeightMapping(
        renames: huggingFaceRules, ignoredNames: huggingFaceIgnoredNames + [#"^((bert|roberta)\.)?pooler\."#])
}
