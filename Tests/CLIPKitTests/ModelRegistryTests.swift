import Models
import CLIPKit
import Checkpoint
import Foundation
import Tensor
import TestSupport
import Testing
import Tokenizers

/// The facade end to end against open_clip: a small OpenCLIP hub folder with CLIP's full BPE
/// vocabulary (Tests/Fixtures/facade, made by `scripts/make_fixtures.py facade`), real
/// scikit-image photos through preprocessing, and the reference embeddings.
@Suite struct ModelRegistryTests {
    struct Inputs: Decodable { let photos: [String]; let texts: [String] }

    static let folder = TestPaths.fixture("facade", "tiny_clip")
    static func inputs() throws -> Inputs {
        try JSONDecoder().decode(Inputs.self, from: Data(contentsOf: TestPaths.fixture("facade", "tiny_clip.inputs.json")))
    }
    static func reference(_ name: String) throws -> Tensor {
        try SafetensorsFile(contentsOf: TestPaths.fixture("facade", "tiny_clip.reference.safetensors")).tensor(named: name)
    }

    /// A loopback Hugging Face hub serving `folder`'s two OpenCLIP files as `repository` at `revision`.
    static func hubServingFolder(as repository: String, revision: String) throws -> LoopbackHTTPServer {
        let files = ["open_clip_config.json", "open_clip_model.safetensors"]
        let bodies = try files.map { try Data(contentsOf: folder.appendingPathComponent($0)) }
        let listing: [String: Any] = ["sha": revision, "siblings": zip(files, bodies).map { ["rfilename": $0.0, "size": $0.1.count] }]
        var routes: [String: LoopbackHTTPServer.Response] = [
            "/api/models/\(repository)/revision/main?blobs=true": .init(body: try JSONSerialization.data(withJSONObject: listing)),
        ]
        for (file, body) in zip(files, bodies) { routes["/\(repository)/resolve/\(revision)/\(file)"] = .init(body: body) }
        return try LoopbackHTTPServer(routes: routes)
    }

    /// Per row: cosine ≥ 0.99999 and max |Δ| ≤ 1e-4 · the row's max |reference|.
    static func expectRowsMatch(_ actual: Tensor, _ expected: Tensor, sourceLocation: SourceLocation = #_sourceLocation) {
        TestSupport.expectRowsMatch(actual, expected, minimumCosine: 0.99999, relativeDifference: 1e-4, sourceLocation: sourceLocation)
    }

    @Test func openCLIPFolderMatchesOpenCLIPOnPhotosAndTexts() throws {
        let inputs = try Self.inputs()
        let model = try ModelRegistry.load(Self.folder.path)
        #expect(model.identity.dimension == 16)
        #expect(model.identity.preprocessing?.imageSize == 224)
        #expect(model.identity.name == Self.folder.standardizedFileURL.path)
        let photos = try inputs.photos.map { try TestPaths.installedPackageFile("skimage/data/\($0)") }
        let images = try model.embed(imageFiles: photos, batchSize: 3)
        #expect(images.embedded == photos && images.unreadable.isEmpty)
        Self.expectRowsMatch(images.embeddings, try Self.reference("image_embeddings"))
        Self.expectRowsMatch(try model.embed(texts: inputs.texts), try Self.reference("text_embeddings"))
        // The stored logit scale is ln(1/0.07) rounded to float16, as in the file.
        let referenceScale = Foundation.exp(try Self.reference("logit_scale").scalars[0])
        #expect(abs(model.logitScale - referenceScale) <= 1e-5 * referenceScale)
    }

    /// A phrase found in a caption maps to the tokens that encode it: the spans of "to the left of"
    /// cover its four BPE tokens, whose states (on the tape) mean-pool into one phrase vector, as
    /// relation-aware CLIP pools its subject, relation and object.
    @Test func captionSpansSelectTheTokenStatesOfAPhrase() throws {
        let model = try ModelRegistry.load(Self.folder.path)
        let caption = "A dog to the LEFT of a cat"
        let tokens = try model.textEncoder.tokenize([caption], includingSpans: true)
        let spans = try #require(tokens.spans?.first)
        let phrase = TokenSpans.scalarRange(of: try #require(caption.range(of: "to the LEFT of")), in: caption)
        let rows = try #require(spans.tokenRange(coveringCharacters: phrase))
        #expect(rows == 3..<7 && spans.words.count == 8)
        let encoding = model.textEncoder.encode(tokens, includingTokenStates: true)
        let states = try #require(encoding.tokenStates)  // [1, length, 16]
        #expect(states.shape == [1, tokens.length, 16] && tokens.length == 10)
        let pooled = states.narrowed(alongAxis: 1, start: rows.lowerBound, length: rows.count).mean(alongAxis: 1)  // [1, 16]
        #expect(pooled.shape == [1, 16] && pooled.value.scalars.allSatisfy(\.isFinite))
        // The pooled caption embedding is the same with or without token states.
        let embedded = try model.embed(texts: [caption])
        #expect(encoding.pooled.value.l2NormalizedRows().maxAbsoluteDifference(embedded) <= 1e-6)
    }

    @Test func unreadableFilesAreReportedAndTheRestKept() throws {
        let model = try ModelRegistry.load(Self.folder.path)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-facade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let corrupt = directory.appendingPathComponent("broken.png")
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0]).write(to: corrupt)
        let missing = directory.appendingPathComponent("missing.jpg")
        let cat = try TestPaths.installedPackageFile("skimage/data/chelsea.png")
        let result = try model.embed(imageFiles: [corrupt, cat, missing])
        #expect(result.embedded == [cat])
        #expect(result.unreadable.map(\.path) == [corrupt.path, missing.path])
        let alone = try model.embed(imageFiles: [cat])
        #expect(result.embeddings.scalars == alone.embeddings.scalars)
    }

    @Test func emptyInputsGiveEmptyMatrices() throws {
        let model = try ModelRegistry.load(Self.folder.path)
        #expect(try model.embed(texts: []).shape == [0, 16])
        #expect(try model.embed(imageFiles: [URL]()).embeddings.shape == [0, 16])
    }

    @Test func wrongImageSizeIsAnError() throws {
        let model = try ModelRegistry.load(Self.folder.path)
        #expect(throws: ModelError.wrongInputShape(expected: "[batch, 3, 224, 224]", got: [1, 3, 32, 32])) {
            try model.embed(images: Tensor(zeros: [1, 3, 32, 32]))
        }
    }

    @Test func unknownNamesListKnownModels() throws {
        let hub = HubClient(cacheDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-empty-\(UUID().uuidString)"))
        #expect(throws: ModelError.unknownModel("no-such-model", known: ["clipkit-default", "clipkit-default-multilingual"])) {
            try ModelRegistry.load("no-such-model", hub: hub.cache)
        }
        #expect(throws: ModelError.notDownloaded("openai/clip-vit-base-patch32")) {
            try ModelRegistry.load("openai/clip-vit-base-patch32", hub: hub.cache)
        }
        let message = String(describing: ModelError.unknownModel("x", known: ["clipkit-default"]))
        #expect(message.contains("clipkit-default") && message.contains("clipkit models pull"))
    }

    @Test func aFolderWithoutAModelIsRefusedWithTheExpectedLayout() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-notamodel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: ModelError.unrecognizedDirectory(directory.path)) { try ModelRegistry.load(directory.path) }
    }

    /// open_clip's `ARCH/TAG` spelling reads the tag's hub repository (here served by a loopback
    /// hub under the name of OpenAI's ViT-B/32 weights) with the tag's activation, recorded in the
    /// identity because the folder's own configuration says GELU.
    @Test func openCLIPTagLoadsItsPulledRepository() throws {
        let repository = "timm/vit_base_patch32_clip_224.openai"
        let server = try Self.hubServingFolder(as: repository, revision: "0penai")
        let cache = try TemporaryFolder()
        let hub = HubClient(cacheDirectory: cache.url, environment: ["HF_ENDPOINT": server.baseURL.absoluteString])
        #expect(throws: ModelError.notDownloaded(repository)) { try ModelRegistry.load("ViT-B-32/openai", hub: hub.cache) }
        try hub.pull(try #require(try ModelReference(parsing: "ViT-B-32::openai").repository))
        let model = try ModelRegistry.load("ViT-B-32/openai", hub: hub.cache)
        #expect(model.identity.name == "ViT-B-32/openai" && model.identity.options.activation == .quickGELU)
        let clip = try #require(model.weights as? CLIP)
        #expect(clip.configuration.text.activation == .quickGELU)
        // Reloading by the recorded name and options gives the same identity.
        #expect(try ModelRegistry.load(model.identity.name, options: model.identity.options, hub: hub.cache).identity == model.identity)
    }

    @Test func pulledHubRepositoryLoadsByName() throws {
        let server = try Self.hubServingFolder(as: "acme/tiny-clip", revision: "c0ffee42")
        let cache = try TemporaryFolder()
        let hub = HubClient(cacheDirectory: cache.url, environment: ["HF_ENDPOINT": server.baseURL.absoluteString])
        try hub.pull(try HubRepository(parsing: "acme/tiny-clip"))
        let model = try ModelRegistry.load("acme/tiny-clip", hub: hub.cache)
        #expect(model.identity.name == "acme/tiny-clip")
        #expect(ModelRegistry.knownModels(hub: hub.cache) == ["clipkit-default", "clipkit-default-multilingual", "acme/tiny-clip"])
        let inputs = try Self.inputs()
        Self.expectRowsMatch(try model.embed(texts: inputs.texts), try Self.reference("text_embeddings"))
    }

    @Test func zeroShotProbabilitiesAreSoftmaxOfScaledCosines() throws {
        let model = try ModelRegistry.load(Self.folder.path)
        let labels = ["cat", "cup of coffee", "rocket"], templates = ["a photo of a {}.", "a drawing of a {}."]
        let classifier = try ZeroShotClassifier(model: model, labels: labels, templates: templates)
        let cat = try model.embed(imageFiles: [try TestPaths.installedPackageFile("skimage/data/chelsea.png")]).embeddings
        let probabilities = classifier.probabilities(imageEmbeddings: cat).scalars
        // Independent computation: mean of the normalised prompt embeddings, renormalised.
        let image = cat.scalars
        var logits: [Double] = []
        for label in labels {
            let prompts = try model.embed(texts: templates.map { $0.replacingOccurrences(of: "{}", with: label) })
            let mean = (0..<16).map { column in (0..<templates.count).map { Double(prompts.scalars[$0 * 16 + column]) }.reduce(0, +) / 2 }
            let norm = mean.map { $0 * $0 }.reduce(0, +).squareRoot()
            logits.append(Double(model.logitScale) * zip(mean, image).map { $0 / norm * Double($1) }.reduce(0, +))
        }
        let largest = logits.max()!
        let expected = logits.map { exp($0 - largest) }.map { $0 / logits.map { exp($0 - largest) }.reduce(0, +) }
        for (actual, wanted) in zip(probabilities, expected) { #expect(abs(Double(actual) - wanted) < 1e-5) }
        #expect(throws: ModelError.invalidOption("template \"no placeholder\" has no {} where the label goes")) {
            try ZeroShotClassifier(model: model, labels: ["cat"], templates: ["no placeholder"])
        }
        #expect(throws: ModelError.invalidOption("zero-shot classification needs at least one label")) {
            try ZeroShotClassifier(model: model, labels: [], templates: ["{}"])
        }
    }
}
