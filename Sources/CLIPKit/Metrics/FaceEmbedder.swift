import Foundation
import Imaging
import Models
import Tensor

/// The network identity similarity embeds faces with: any `ImageEncoder` with its preprocessing,
/// which must not be the encoder that conditioned the generator (a generator scored by its own
/// conditioning encoder can game the score).
///
/// No pretrained face-recognition network (FaceNet, ArcFace) is installable here, so the built-in
/// choice is honest about what it is: `imageNetFeatures()` is EfficientNet-Lite0's ImageNet
/// pool features (1280-d), a generic visual embedding whose verification accuracy on held-out ORL
/// people is measured and reported beside every score (see the README); a face embedder trained
/// elsewhere plugs in through `init`.
public struct FaceEmbedder {
    public let name: String
    public let encoder: any ImageEncoder
    public let preprocessing: Preprocessing

    public init(name: String, encoder: any ImageEncoder, preprocessing: Preprocessing) {
        self.name = name
        self.encoder = encoder
        self.preprocessing = preprocessing
    }

    /// EfficientNet-Lite0's ImageNet pool features (the installed weights), at 224 pixels.
    public static func imageNetFeatures() throws -> FaceEmbedder {
        let network = try EfficientNet(contentsOf: try InstalledFiles.require(InstalledFiles.efficientNetLite0), configuration: .lite0)
        return FaceEmbedder(name: "EfficientNet-Lite0 ImageNet pool features (1280-d; not a face-recognition network)",
                            encoder: network, preprocessing: network.configuration.preprocessing)
    }

    /// The embeddings `[embedded.count, width]` of the readable files, in list order.
    public func embeddings(of files: [URL], batchSize: Int = 16, progress: ((Int, Int) -> Void)? = nil) throws
        -> (embeddings: Tensor, embedded: [URL], unreadable: [UnreadableImage]) {
        var rows: [Tensor] = [], embedded: [URL] = []
        let (encoder, preprocessing) = (self.encoder, self.preprocessing)
        let unreadable = try PreparedImageFiles(files: files, batchSize: batchSize).forEachBatch(
            prepare: { try preprocessing($0) }, progress: progress
        ) { inputs, batchFiles in
            rows.append(encoder.embed(inputs))  // [batch, width]
            embedded += batchFiles
        }
        return (RowBatches.stacked(rows, dimension: encoder.embeddingWidth), embedded, unreadable)
    }
}
