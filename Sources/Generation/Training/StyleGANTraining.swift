import Autograd
import Checkpoint
import Datasets
import Foundation
import NN
import Optim
import Tensor
import Training

/// The `stylegan` training task assembled from a `TrainingConfiguration`: unconditional StyleGAN2
/// pretraining (Karras et al. 2020) on photos of people, the generator half of text-to-face (the
/// seed paper's §3). Every step runs two `TrainingStage`s in turn on the same real photos:
///
/// - `discriminator`: L_D = E softplus(−D(T(x))) + E softplus(D(T(G(z)))) (`AdversarialLoss`),
///   with T the DiffAugment transformations (Zhao et al. 2020); every `r1_interval` steps the
///   lazy R1 penalty γ·interval/2 · E‖∇D(T(x))‖² on the augmented real photos (`R1Penalty`,
///   Mescheder et al. 2018; StyleGAN2 §3.1);
/// - `generator`: L_G = E softplus(−D(T(G(z)))), z ~ N(0, I), fresh noise maps.
///
/// Both optimisers come from the configuration (StyleGAN2: Adam β = (0, 0.99), lr 0.002; the
/// learning-rate and β corrections StyleGAN2 applies for lazy regularisation are not applied).
/// The generator's moving average is the saved `g_ema`; the mean w for truncation is tracked as
/// w̄ ← β·w̄ + (1 − β)·mean_batch(w) (a buffer, so resuming restores it). Not included: path-length
/// regularisation and style mixing.
public final class StyleGANTraining {
    public let configuration: TrainingConfiguration
    public let task: StyleGANTaskConfiguration
    public let generatorConfiguration: StyleGANConfiguration
    /// Real images `[count, channels, size, size]` in [−1, 1].
    public let photos: Tensor
    /// The people of the person folders, or the Fashion-MNIST class names.
    public let personNames: [String]
    public let networks: StyleGANPair
    public let trainer: Trainer<PhotoBatches>
    /// Discriminator steps taken (drives the lazy R1 schedule); set from the trainer on resume.
    let regularization: LazyRegularizationCounter

    /// The generator, the discriminator and the tracked mean w under one roof for the trainer's
    /// checkpoints (`g.*`, `d.*`, `latent_avg`, as rosinality's train.py names them).
    public struct StyleGANPair: Module {
        @Key("g") public var generator: StyleGANGenerator
        @Key("d") public var discriminator: StyleGANDiscriminator
        @Key("latent_avg") public var meanLatent: Parameter

        init(generator: StyleGANGenerator, discriminator: StyleGANDiscriminator, meanLatent: Parameter) {
            self.generator = generator
            self.discriminator = discriminator
            self.meanLatent = meanLatent
        }
    }

    final class LazyRegularizationCounter: @unchecked Sendable {
        var discriminatorSteps = 0
    }

    /// Loads the photos, builds both networks and the two-stage trainer; `write` receives progress lines.
    public init(configuration: TrainingConfiguration, outputDirectory: URL?, write: @escaping (String) -> Void = { print($0) }) throws {
        try configuration.validate(forTasks: [.stylegan], runner: "StyleGANTraining")
        self.configuration = configuration
        let task = configuration.stylegan
        self.task = task
        let data = task.data
        switch data.source {
        case .personFolders:
            let folders = try PersonFolders(root: URL(fileURLWithPath: data.personFolders, isDirectory: true))
            guard data.people[1] <= folders.people.count else {
                throw TrainingError.invalidConfiguration("stylegan.data.people \(data.people) reaches past the \(folders.people.count) person folders")
            }
            let set = try folders.load(data.people[0]..<data.people[1], size: data.imageSize, channels: data.channels, filter: .bicubic)
            photos = CaptionedImages.scaled(set)
            personNames = set.classNames
        case .fashionMNIST:
            let set = try FashionMNIST.load(split: .train, directory: URL(fileURLWithPath: data.fashionMNISTFolder, isDirectory: true))
            let items = try CaptionedImages(fashionMNIST: set, split: .train, items: data.items[0]..<data.items[1], size: data.imageSize,
                                            channels: data.channels)
            photos = items.pixels
            personNames = items.groupNames
        }
        let photoCount = photos.shape[0]
        let generatorConfiguration = StyleGANConfiguration(size: data.imageSize, styleDimension: task.styleDimension,
                                                           mappingLayers: task.mappingLayers, channels: task.channels,
                                                           imageChannels: data.channels,
                                                           mappingLearningRateMultiplier: task.mappingLearningRateMultiplier)
        try generatorConfiguration.validate(source: "stylegan")
        self.generatorConfiguration = generatorConfiguration

        var random = SeededGenerator(seed: configuration.seed)
        let generator = StyleGANGenerator(configuration: generatorConfiguration, generator: &random)
        let discriminator = StyleGANDiscriminator(configuration: generatorConfiguration, generator: &random)
        let networks = StyleGANPair(generator: generator, discriminator: discriminator,
                                    meanLatent: Parameter(buffer: Tensor(zeros: [task.styleDimension])))
        self.networks = networks
        let regularization = LazyRegularizationCounter()
        self.regularization = regularization

        let loop = configuration.training
        let batchSize = min(task.batchSize, photoCount)
        let source = PhotoBatches(count: photoCount, batchSize: batchSize, seed: configuration.seed &+ 1)
        let schedule = configuration.schedule.schedule(learningRate: configuration.optimizer.learningRate, totalSteps: loop.steps)
        let discriminatorOptimizer = configuration.optimizer.makeOptimizer(parameters: discriminator.trainableParameters)
        let generatorOptimizer = configuration.optimizer.makeOptimizer(parameters: generator.trainableParameters)
        let movingAverage = ExponentialMovingAverage(
            namedParameters: networks.namedParameters.filter { $0.name.hasPrefix("g.") && $0.parameter.isTrainable },
            decay: task.emaDecay, warmup: .updateCount)
        let augmentation = DifferentiableAugmentation(policies: task.augmentation.compactMap(DifferentiableAugmentation.Policy.init))
        let photos = self.photos
        let pixelsPerPhoto = photos.count / max(photoCount, 1)
        let (gamma, interval, styleWidth, meanDecay) = (task.r1Gamma, task.r1Interval, task.styleDimension, task.meanLatentDecay)
        let imageShape = Array(photos.shape.dropFirst())
        func realPhotos(_ batch: [Int]) -> Tensor {
            Tensor.gather(rowsOf: photos.reshaped([-1, pixelsPerPhoto]), indices: batch).reshaped([batch.count] + imageShape)
        }
        func fakes(count: Int, random: inout SeededGenerator) -> (images: Variable, styles: Variable) {
            let styles = generator.map(Variable(Tensor.randomNormal([count, styleWidth], generator: &random)))  // [batch, style]
            return (generator.synthesize(styles, noise: generator.randomNoise(batch: count, generator: &random)), styles)
        }

        let discriminatorStage = TrainingStage<[Int]>(name: "discriminator", optimizer: discriminatorOptimizer, schedule: schedule) { batch, random in
            let real = augmentation(Variable(realPhotos(batch)), generator: &random).value  // [batch, c, size, size]
            var penalty: Variable?
            regularization.discriminatorSteps += 1
            if gamma > 0, regularization.discriminatorSteps % interval == 0 {
                // Before the adversarial graph: the penalty's own backward passes reset the leaves.
                penalty = R1Penalty.penalty(images: real, weight: gamma * Float(interval), parameters: discriminator.trainableParameters) {
                    discriminator($0)
                }
            }
            let generated = augmentation(fakes(count: batch.count, random: &random).images, generator: &random)
            let loss = AdversarialLoss.discriminator(real: discriminator(Variable(real)), generated: discriminator(generated))
            return penalty.map { loss + $0 } ?? loss
        }
        let generatorStage = TrainingStage<[Int]>(name: "generator", optimizer: generatorOptimizer, schedule: schedule) { batch, random in
            let (images, styles) = fakes(count: batch.count, random: &random)
            let batchMean = styles.value.mean(alongAxis: 0)  // [style]
            networks.meanLatent.value = networks.meanLatent.value * meanDecay + batchMean * (1 - meanDecay)
            return AdversarialLoss.generator(generated: discriminator(augmentation(images, generator: &random)))
        }
        trainer = Trainer(model: networks, stages: [discriminatorStage, generatorStage], source: source, options: loop.trainerOptions,
                          outputDirectory: outputDirectory, seed: configuration.seed, movingAverage: movingAverage)
        trainer.write = write
        trainer.plotTitle = "StyleGAN2 \(data.imageSize)×\(data.imageSize) (D and G losses)"
        trainer.configurationJSON = String(decoding: try configuration.encoded(), as: UTF8.self)
    }

    /// Restores a checkpoint (see `Trainer.resume`) and the lazy-regularisation position.
    @discardableResult
    public func resume(from url: URL) throws -> String? {
        let stored = try trainer.resume(from: url)
        regularization.discriminatorSteps = trainer.step
        return stored
    }

    /// The saved generator: the moving average of `g` with its buffers, as `TrainedStyleGAN` reads it.
    public func averagedGenerator() throws -> StyleGANGenerator {
        var random = SeededGenerator(seed: 0)
        let copy = StyleGANGenerator(configuration: generatorConfiguration, generator: &random)
        let averaged = trainer.movingAverage?.averagedValues ?? [:]
        var values: [String: Tensor] = [:]
        for (name, parameter) in networks.generator.namedParameters { values[name] = averaged["g." + name] ?? parameter.value }
        try copy.loadWeights(values, source: "moving average")
        return copy
    }

    /// Writes the model folder (`TrainedStyleGAN`): `stylegan.json` and `generator.safetensors`
    /// holding `g_ema.*`, `g.*`, `d.*` and `latent_avg`, rosinality's checkpoint keys.
    public func saveModel(to directory: URL) throws {
        let averaged = try averagedGenerator()
        try TrainedStyleGAN.write(generator: averaged, meanLatent: networks.meanLatent.value, trainingGenerator: networks.generator,
                                  discriminator: networks.discriminator, to: directory)
    }
}
