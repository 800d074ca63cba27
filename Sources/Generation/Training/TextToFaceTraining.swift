import Autograd
import Datasets
import Foundation
import Models
import NN
import Optim
import Tensor
import Training

/// The `text2face` training task assembled from a `TrainingConfiguration`: the text-to-face seed
/// paper's mapping stage (§5.2, Eq. 10). The distinct synthesised captions of the training images
/// (the training people's photos or Fashion-MNIST items, `CaptionedImages`) are embedded once by the registry model's text tower (s, rows
/// L2-normalised); every step draws a shuffled batch of captions, ε for conditioning augmentation
/// and fresh generator noise from the trainer's random state (so a resumed run is exact), renders
/// w = f(F_ca(s)) with the frozen generator and minimises λ1·L_KL + λ2·L_sup
/// (`TextToFaceObjective`). Validation after every epoch scores a fixed set of held-out captions
/// with fixed ε and noise: L_KL, L_TRL (when a captioner is given), the similarity loss (the
/// ablation), the mean norms ‖μ(s)‖ and ‖σ(s) ⊙ ε‖ (how much of z is text), and the attribute agreement read by the captioner run's classifier (`AttributeJudge`).
/// With `center_text_features`, conditioning augmentation trains on s − s̄ (s̄ the mean over the
/// training captions) and `saveModel` folds s̄ into its bias, so the saved model reads raw s.
public final class TextToFaceTraining {
    public let configuration: TrainingConfiguration
    public let task: TextToFaceTaskConfiguration
    public let generator: TrainedStyleGAN
    public let captioner: TrainedCaptioner?
    public let attributeClassifier: AttributeClassifier?
    public let textEncoder: any TextEncoder
    public let mapping: TextToFaceMapping
    public let objective: TextToFaceObjective
    /// The distinct training captions, their s `[count, textWidth]` and token ids.
    public let captions: [String]
    public let textFeatures: Tensor
    /// s̄ `[textWidth]`, the mean s of the training captions, which conditioning augmentation's input
    /// s − s̄ subtracts in training (`center_text_features`); nil when it reads s as it is.
    public let textOffset: Tensor?
    public let validationCaptions: [String]
    public let trainer: Trainer<PhotoBatches>

    /// The parts a test may supply instead of loading them from the configuration's paths.
    public struct Parts {
        public var generator: TrainedStyleGAN?
        public var captioner: TrainedCaptioner?
        public var attributeClassifier: AttributeClassifier?
        public var model: ImageTextModel?

        public init(generator: TrainedStyleGAN? = nil, captioner: TrainedCaptioner? = nil,
                    attributeClassifier: AttributeClassifier? = nil, model: ImageTextModel? = nil) {
            self.generator = generator
            self.captioner = captioner
            self.attributeClassifier = attributeClassifier
            self.model = model
        }
    }

    /// Loads the captions, the frozen parts and builds the mapping and the trainer; `write` receives progress lines.
    public init(configuration: TrainingConfiguration, outputDirectory: URL?, parts: Parts = Parts(),
                write: @escaping (String) -> Void = { print($0) }) throws {
        try configuration.validate(forTasks: [.text2face], runner: "TextToFaceTraining")
        self.configuration = configuration
        let task = configuration.text2face
        self.task = task
        let data = task.data
        let training: [CaptionAttributes], validation: [CaptionAttributes]
        switch data.source {
        case .personFolders:
            let folders = try PersonFolders(root: URL(fileURLWithPath: data.personFolders, isDirectory: true))
            let table = try FaceAttributeTable(contentsOf: URL(fileURLWithPath: data.attributes))
            training = try Self.captionAttributes(folders: folders, table: table, people: data.people)
            validation = try data.validationPeople.map { try Self.captionAttributes(folders: folders, table: table, people: $0) } ?? []
        case .fashionMNIST:
            func distinct(_ images: CaptionedImages?) -> [CaptionAttributes] {
                images?.distinctCaptions.map { CaptionAttributes(caption: $0.caption, requested: $0.requested) } ?? []
            }
            training = distinct(try CaptionedImages.load(data, validation: false))
            validation = distinct(try CaptionedImages.load(data, validation: true))
        }
        let kind: CaptionedAttributes.Kind = data.source == .fashionMNIST ? .fashion : .face

        let generator = try parts.generator ?? TrainedStyleGAN(directory: URL(fileURLWithPath: task.generator, isDirectory: true))
        self.generator = generator
        let captionerFolder = URL(fileURLWithPath: task.captioner, isDirectory: true)
        var captioner = parts.captioner
        let storedCaptioner = [captionerFolder, captionerFolder.appendingPathComponent("model")].contains { folder in
            FileManager.default.fileExists(atPath: folder.appendingPathComponent(TrainedCaptioner.Manifest.fileName).path)
        }
        if captioner == nil, task.supervision == .textReconstruction || storedCaptioner {
            captioner = try TrainedCaptioner.load(from: captionerFolder)
        }
        self.captioner = captioner
        let attributeClassifier = try parts.attributeClassifier ?? captioner.flatMap { captioner in
            let url = captioner.directory.appendingPathComponent(AttributeClassifier.fileName)
            return FileManager.default.fileExists(atPath: url.path) ? try AttributeClassifier.load(contentsOf: url) : nil
        }
        self.attributeClassifier = attributeClassifier
        let judge = try captioner.flatMap { captioner in
            try attributeClassifier.map { try AttributeJudge(kind: kind, classifier: $0, encoder: captioner.encoder) }
        }
        let model = try parts.model ?? ModelRegistry.load(task.textModel)
        model.weights.setMode(.inference)
        model.weights.freeze(paths: [""])
        textEncoder = model.textEncoder

        captions = training.map(\.caption)
        let textFeatures = try TrainedTextToFace.textFeatures(captions, encoder: model.textEncoder)  // [captions, textWidth]
        self.textFeatures = textFeatures
        let textOffset = task.centerTextFeatures ? textFeatures.mean(alongAxis: 0) : nil  // [textWidth]
        self.textOffset = textOffset
        let heldOut = Self.evenlySpaced(validation, count: task.validationCaptions)
        validationCaptions = heldOut.map(\.caption)
        let validationFeatures = heldOut.isEmpty ? nil : try TrainedTextToFace.textFeatures(validationCaptions, encoder: model.textEncoder)

        var random = SeededGenerator(seed: configuration.seed)
        let mapping = TextToFaceMapping(textWidth: textFeatures.shape[1], generator: generator.configuration, generator: &random)
        if task.initializeFromGenerator { try mapping.copyMapping(from: generator.generator) }
        if let bias = task.logVarianceBias, let parameter = mapping.conditioning.projection.bias {
            let width = mapping.styleWidth
            parameter.value = Tensor(shape: [2 * width], scalars: Array(parameter.value.scalars[0..<width]) + Array(repeating: bias, count: width))
        }
        self.mapping = mapping
        let similarity = model.identity.preprocessing.flatMap { preprocessing in
            model.imageEncoder.embeddingWidth == textFeatures.shape[1]
                ? ImageTextSimilarityLoss(imageEncoder: model.imageEncoder, preprocessing: preprocessing) : nil
        }
        let supervisor: TextToFaceObjective.Supervisor
        switch task.supervision {
        case .textReconstruction:
            guard let captioner else { throw GenerationError.missingFile(path: captionerFolder.path) }
            supervisor = .textReconstruction(captioner)
        case .clipSimilarity:
            guard let similarity else {
                throw GenerationError.invalidRequest("\(task.textModel)'s image embeddings (\(model.imageEncoder.embeddingWidth)) and "
                                                     + "text embeddings (\(textFeatures.shape[1])) differ in width")
            }
            supervisor = .imageTextSimilarity(similarity)
        }
        let objective = TextToFaceObjective(generator: generator, supervisor: supervisor, klWeight: task.klWeight,
                                            supervisionWeight: task.supervisionWeight, truncation: task.truncation)
        self.objective = objective

        let captionTokens = captioner.map { captioner in captioner.tokens(of: training.map(\.caption)) }
        let features = textFeatures, styleWidth = generator.configuration.styleDimension
        let loop = configuration.training
        let source = PhotoBatches(count: training.count, batchSize: task.batchSize, seed: configuration.seed &+ 1)
        let optimizer = configuration.optimizer.makeOptimizer(groups: Self.optimizationGroups(mapping: mapping,
                                                                                             mappingScale: task.mappingLearningRateScale))
        let schedule = configuration.schedule.schedule(learningRate: configuration.optimizer.learningRate, totalSteps: loop.steps)
        let validationRun = validationFeatures.map { validationFeatures in
            Validation(metricNames: ["validation_loss", "validation_kl", "validation_trl", "validation_similarity",
                                     "validation_attribute_agreement", "validation_mean_norm", "validation_noise_norm"],
                       lossNames: ["validation_loss", "validation_kl", "validation_trl", "validation_similarity"],
                       scoreNames: ["validation_attribute_agreement"]) {
                Self.score(mapping: mapping, objective: objective, features: validationFeatures, textOffset: textOffset, captions: heldOut,
                           captioner: captioner, similarity: similarity, judge: judge, seed: configuration.seed &+ 2)
            }
        }
        trainer = Trainer(model: mapping, optimizer: optimizer, schedule: schedule, source: source, options: loop.trainerOptions,
                          outputDirectory: outputDirectory, seed: configuration.seed, validation: validationRun) { batch, random in
            let text = Tensor.gather(rowsOf: features, indices: batch)  // [batch, textWidth]
            let epsilon = Tensor.randomNormal([batch.count, styleWidth], generator: &random)  // [batch, style]
            let noise = generator.generator.randomNoise(batch: batch.count, generator: &random)
            return objective.terms(mapping: mapping, text: text, textOffset: textOffset, captions: batch.map { captionTokens?[$0] ?? [] },
                                   latentNoise: epsilon, imageNoise: noise).total
        }
        trainer.write = write
        trainer.plotTitle = "text → w mapping (λ1·L_KL + λ2·" + (task.supervision == .textReconstruction ? "L_TRL)" : "L_sim)")
        trainer.configurationJSON = String(decoding: try configuration.encoded(), as: UTF8.self)
    }

    /// Conditioning augmentation at the optimiser's rate and the mapping network at `mappingScale` × it
    /// (`mapping_learning_rate_scale`); at 0 the network is frozen, so it records no gradient and
    /// is left out of the optimiser. At 1 the groups hold the same parameters, in the same order, at
    /// the same rate as one group of all trainable parameters.
    static func optimizationGroups(mapping: TextToFaceMapping, mappingScale: Float) -> [OptimizationGroup] {
        if mappingScale == 0 { mapping.mapping.freeze(paths: [""]) }
        let conditioning = OptimizationGroup(parameters: mapping.conditioning.trainableParameters)
        let network = mapping.mapping.trainableParameters
        return network.isEmpty ? [conditioning] : [conditioning, OptimizationGroup(parameters: network, learningRateScale: mappingScale)]
    }

    /// A caption with the attribute row it was synthesised from.
    public struct CaptionAttributes: Sendable {
        public var caption: String
        public var requested: CaptionedAttributes
    }

    /// The distinct captions `FaceCaptions` makes for the photos of people [first, end), each with
    /// the first row that produced it (every row giving a caption shares the attributes it names).
    public static func captionAttributes(folders: PersonFolders, table: FaceAttributeTable, people: [Int]) throws -> [CaptionAttributes] {
        guard people.count == 2, people[0] >= 0, people[1] <= folders.people.count, people[0] < people[1] else {
            throw GenerationError.invalidRequest("people \(people) are outside the \(folders.people.count) person folders")
        }
        var seen = Set<String>(), result: [CaptionAttributes] = []
        for image in folders.images(of: people[0]..<people[1]).images {
            guard let row = table.attributes(photoPath: image.path) else {
                throw GenerationError.invalidRequest("the attribute table has no row for \(image.path)")
            }
            for caption in FaceCaptions.captions(for: row) where seen.insert(caption).inserted {
                result.append(CaptionAttributes(caption: caption, requested: .face(row)))
            }
        }
        return result
    }

    /// `count` elements spread evenly over `items` (all of them when there are fewer).
    static func evenlySpaced<Element>(_ items: [Element], count: Int) -> [Element] {
        guard items.count > count else { return items }
        return (0..<count).map { items[$0 * items.count / count] }
    }

    /// The validation metrics of held-out captions with ε and noise drawn from `seed` (no tape);
    /// conditioning augmentation reads s − `textOffset` when one is given.
    static func score(mapping: TextToFaceMapping, objective: TextToFaceObjective, features: Tensor, textOffset: Tensor? = nil,
                      captions: [CaptionAttributes],
                      captioner: TrainedCaptioner?, similarity: ImageTextSimilarityLoss?, judge: AttributeJudge?,
                      seed: UInt64) -> [String: Double] {
        GradientMode.withoutGradients {
            var random = SeededGenerator(seed: seed)
            let count = captions.count, styleWidth = mapping.styleWidth
            var kl = 0.0, trl = 0.0, similar = 0.0, agreeing = 0, checked = 0, total = 0.0, meanNorm = 0.0, noiseNorm = 0.0
            for start in stride(from: 0, to: count, by: 16) {
                let rows = Array(start..<min(start + 16, count))
                let text = Tensor.gather(rowsOf: features, indices: rows)  // [batch, textWidth]
                let epsilon = Tensor.randomNormal([rows.count, styleWidth], generator: &random)  // [batch, style]
                let noise = objective.generator.generator.randomNoise(batch: rows.count, generator: &random)
                let (latent, conditioning) = mapping(Variable(TextToFaceObjective.conditioningInput(text, offset: textOffset)), noise: epsilon)
                let images = objective.generator.synthesize(latent, truncation: objective.truncation, noise: noise)  // [batch, c, s, s]
                let weight = Double(rows.count)
                let batchKL = Double(conditioning.klDivergence().value.item)
                let sigma = (conditioning.logVariance.value * 0.5).exp() * epsilon  // σ ⊙ ε: [batch, style]
                for row in 0..<rows.count {
                    meanNorm += Double(conditioning.mean.value[row].scalars.reduce(0) { $0 + $1 * $1 }).squareRoot()
                    noiseNorm += Double(sigma[row].scalars.reduce(0) { $0 + $1 * $1 }).squareRoot()
                }
                kl += batchKL * weight
                var supervision = 0.0
                if let similarity {
                    supervision = Double(similarity(pixels: images, textEmbeddings: text).value.item)
                    similar += supervision * weight
                }
                if let captioner {
                    let regions = captioner.encoder.regions(images)  // [batch, L, D]
                    let loss = Double(captioner.decoder.loss(features: regions, captions: captioner.tokens(of: rows.map { captions[$0].caption }))
                        .total.value.item)
                    trl += loss * weight
                    if case .textReconstruction = objective.supervisor { supervision = loss }
                    if let judge {
                        let read = judge.read(images: images.value, pooled: regions.value.mean(alongAxis: 1))  // [batch][attributes]
                        for agreement in AttributeJudge.agreement(read: read, requested: rows.map { captions[$0].requested }) {
                            agreeing += agreement.filter { $0 }.count
                            checked += agreement.count
                        }
                    }
                }
                total += (Double(objective.klWeight) * batchKL + Double(objective.supervisionWeight) * supervision) * weight
            }
            var metrics = ["validation_loss": total / Double(count), "validation_kl": kl / Double(count),
                           "validation_mean_norm": meanNorm / Double(count), "validation_noise_norm": noiseNorm / Double(count)]
            if similarity != nil { metrics["validation_similarity"] = similar / Double(count) }
            if captioner != nil { metrics["validation_trl"] = trl / Double(count) }
            if checked > 0 { metrics["validation_attribute_agreement"] = Double(agreeing) / Double(checked) }
            return metrics
        }
    }

    /// The manifest of the trained model.
    public var manifest: TrainedTextToFace.Manifest {
        TrainedTextToFace.Manifest(textModel: task.textModel, textWidth: mapping.textWidth, supervision: task.supervision.rawValue,
                                   truncation: task.truncation, generatorSource: task.generator,
                                   captionerSource: captioner?.directory.path)
    }

    /// Writes the model folder (`TrainedTextToFace`). A centring offset is folded into conditioning
    /// augmentation's bias for the file, b − W·s̄, so the saved model reads raw s; the training's own
    /// parameters stay as trained (checkpoints and a resumed run keep the centred form).
    public func saveModel(to directory: URL) throws {
        guard let textOffset, let bias = mapping.conditioning.projection.bias else {
            try TrainedTextToFace.save(mapping: mapping, generator: generator, manifest: manifest, to: directory)
            return
        }
        let trained = bias.value
        defer { bias.value = trained }
        bias.value = Self.foldedBias(weight: mapping.conditioning.projection.weight.value, bias: trained, offset: textOffset)
        try TrainedTextToFace.save(mapping: mapping, generator: generator, manifest: manifest, to: directory)
    }

    /// b − W·s̄ for a linear layer's weight `[out, in]`, bias `[out]` and input offset s̄ `[in]`.
    static func foldedBias(weight: Tensor, bias: Tensor, offset: Tensor) -> Tensor {
        bias - Tensor.matmul(weight, offset.reshaped([weight.shape[1], 1])).reshaped([weight.shape[0]])
    }
}
