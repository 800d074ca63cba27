import NN

/// A Multilingual-CLIP pair's weights: the text model under M-CLIP's own names (`transformer.…`,
/// `LinearTransformation.…`), the CLIP image tower under `visual.`.
struct MultilingualCLIPWeights: Module {
    @Key("") var text: MultilingualCLIPTextEncoder
    @Key("visual") var image: any ImageEncoder

    init(text: MultilingualCLIPTextEncoder, image: any ImageEncoder) {
        self.text = text
        self.image = image
    }
}
