import Foundation
import Imaging
import Models
import Tensor
import Training

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

    /// A Siamese triplet network trained by `clipkit train` (task `triplet`, e.g. on ORL's s1–s27
    /// with `source: person_folders`): its `model.safetensors` or run folder, with the input rule
    /// it was trained with. It must be a 3-channel network (`triplet.data.channels` 3).
    public static func tripletNetwork(contentsOf url: URL) throws -> FaceEmbedder {
        let trained = try TrainedTripletNetwork(contentsOf: url)
        let data = trained.configuration.triplet.data
        let people = data.source == .personFolders
            ? ", people \(data.peopleRanges.training.lowerBound + 1)–\(data.peopleRanges.training.upperBound) of \(data.directory ?? "?")" : ""
        return FaceEmbedder(name: "triplet network \(trained.file.path) (\(trained.network.embeddingWidth)-d, "
                                + "\(data.imageSize)×\(data.imageSize)\(people))",
                            encoder: trained.network, preprocessing: try trained.preprocessing())
    }

    /// The embedder `path` names: nil gives `imageNetFeatures()`, otherwise a saved triplet
    /// network (`tripletNetwork(contentsOf:)`).
    public static func named(_ path: String?) throws -> FaceEmbedder {
        guard let path else { return try imageNetFeatures() }
        return try tripletNetwork(contentsOf: URL(fileURLWithPath: path))
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
