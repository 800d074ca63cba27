import Autograd
import Checkpoint
import Foundation
import NN
import Optim
import Tensor
import TestSupport
import Testing
@testable import Training

/// A toy least-squares GAN (Mao et al. 2017) exercising the trainer's step protocol: a
/// discriminator stage then a generator stage in every step, the discriminator's optimiser with
/// two parameter groups, dropout in the discriminator (masks from the trainer's random stream),
/// noise from the trainer's generator, a moving average of the generator's weights with warm-up,
/// and gradient accumulation over two micro-batches.
struct ToyGAN: Module {
    @Key("generator") var generatorLayers: [Linear]
    @Key("discriminator") var discriminatorLayers: [Linear]
    @Key("activation") var activation = LeakyReLU(negativeSlope: 0.2)
    @Key("dropout") var dropout = Dropout(probability: 0.25)

    init(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        generatorLayers = [Linear(inFeatures: 2, outFeatures: 8, generator: &generator),
                           Linear(inFeatures: 8, outFeatures: 3, generator: &generator)]
        discriminatorLayers = [Linear(inFeatures: 3, outFeatures: 8, generator: &generator),
                               Linear(inFeatures: 8, outFeatures: 1, generator: &generator)]
        setMode(.training)  // dropout draws masks whenever the discriminator runs
    }

    var generatorParameters: [(name: String, parameter: Parameter)] { namedParameters.filter { $0.name.hasPrefix("generator.") } }

    /// Noise `[batch, 2]` → samples `[batch, 3]`.
    func generate(_ noise: Variable) -> Variable { generatorLayers[1](activation(generatorLayers[0](noise))) }

    /// Samples `[batch, 3]` → scores `[batch, 1]`.
    func discriminate(_ samples: Variable) -> Variable {
        discriminatorLayers[1](dropout(activation(discriminatorLayers[0](samples))))
    }
}

/// Batches of "real" samples, each a deterministic function of the position.
struct GaussianSamples: BatchSource {
    var position = 0
    let batchSize: Int
    var batchesPerEpoch: Int { 3 }

    mutating func nextBatch() -> Tensor {
        var generator = SeededGenerator(seed: 1000 &+ UInt64(position))
        position += 1
        return Tensor.randomNormal([batchSize, 3], mean: 1, standardDeviation: 0.5, generator: &generator)
    }
}

/// Rows of a fixed regression table, `batchSize` at a time in order (so N micro-batches of b
/// rows are exactly one batch of N·b rows).
struct RegressionRows: BatchSource {
    var position = 0
    let inputs: Tensor, targets: Tensor
    let batchSize: Int
    var batchesPerEpoch: Int { inputs.shape[0] / batchSize }

    mutating func nextBatch() -> (inputs: Tensor, targets: Tensor) {
        let start = (position * batchSize) % inputs.shape[0]
        position += 1
        return (inputs.slice(start..<(start + batchSize)).copy(), targets.slice(start..<(start + batchSize)).copy())
    }
}

@Suite struct StepProtocolTests {
    struct Run {
        let model: ToyGAN
        let trainer: Trainer<GaussianSamples>
        let movingAverage: ExponentialMovingAverage
    }

    static func makeRun(steps: Int, output: URL?) -> Run {
        let model = ToyGAN(seed: 17)
        let discriminator = model.discriminatorLayers
        let discriminatorOptimizer = Adam.adamW(groups: [
            OptimizationGroup(parameters: discriminator[0].namedParameters.map(\.parameter)),
            OptimizationGroup(parameters: discriminator[1].namedParameters.map(\.parameter), learningRateScale: 0.5, weightDecay: 0),
        ], learningRate: 2e-3, beta1: 0.5, weightDecay: 0.01)
        let generatorOptimizer = Adam(parameters: model.generatorParameters.map(\.parameter), learningRate: 1e-3, beta1: 0.5)
        let ones = Variable(Tensor(repeating: 1, shape: [4, 1])), zeros = Variable(Tensor(zeros: [4, 1]))
        let stages = [
            TrainingStage<Tensor>(name: "discriminator", optimizer: discriminatorOptimizer, schedule: .constant(2e-3),
                                  gradientClipping: GradientClippingOption(mode: .global, maxNorm: 1)) { real, generator in
                let fake = model.generate(Variable(Tensor.randomNormal([4, 2], generator: &generator)))
                return Losses.meanSquaredError(prediction: model.discriminate(Variable(real)), target: ones)
                    + Losses.meanSquaredError(prediction: model.discriminate(fake), target: zeros)
            },
            TrainingStage<Tensor>(name: "generator", optimizer: generatorOptimizer,
                                  schedule: .cosineWithWarmup(peak: 1e-3, warmupSteps: 2, totalSteps: steps)) { _, generator in
                let fake = model.generate(Variable(Tensor.randomNormal([4, 2], generator: &generator)))
                return Losses.meanSquaredError(prediction: model.discriminate(fake), target: ones)
            },
        ]
        let movingAverage = ExponentialMovingAverage(namedParameters: model.generatorParameters, decay: 0.95, warmup: .updateCount)
        let trainer = Trainer(model: model, stages: stages, source: GaussianSamples(batchSize: 4),
                              options: TrainerOptions(steps: steps, logInterval: 1, quiet: true, gradientAccumulation: 2),
                              outputDirectory: output, seed: 23, movingAverage: movingAverage)
        trainer.write = { _ in }
        return Run(model: model, trainer: trainer, movingAverage: movingAverage)
    }

    @Test func twoOptimiserRunWithMovingAverageAndAccumulationResumesBitForBit() throws {
        let steps = 4
        let straight = Self.makeRun(steps: 2 * steps, output: nil)
        try straight.trainer.train()

        let folder = try TemporaryFolder()
        let first = Self.makeRun(steps: 2 * steps, output: folder.url)
        try first.trainer.train(stopStep: steps)
        let checkpoint = try first.trainer.saveCheckpoint()
        let stored = try SafetensorsReading.names(checkpoint)
        #expect(stored.contains("optimizer.discriminator.exp_avg.discriminator.1.weight"))
        #expect(stored.contains("optimizer.generator.exp_avg_sq.generator.0.bias"))
        #expect(stored.contains("ema.generator.1.weight"))

        let second = Self.makeRun(steps: 2 * steps, output: folder.url)
        try second.trainer.resume(from: folder.url)
        #expect(second.trainer.step == steps && second.movingAverage.updateCount == steps)
        try second.trainer.train()

        let expected = TrainingTestData.snapshot(straight.trainer), actual = TrainingTestData.snapshot(second.trainer)
        TrainingTestData.expectSameSnapshots(resumed: actual, uninterrupted: expected)
        #expect(straight.trainer.generator == second.trainer.generator)
        #expect(straight.trainer.randomStream.state == second.trainer.randomStream.state)
        #expect(straight.trainer.source.position == 2 * 2 * steps)   // two micro-batches per step
        #expect(second.trainer.source.position == straight.trainer.source.position)
        #expect(expected["steps.discriminator"] == [Float(2 * steps)] && expected["steps.generator"] == [Float(2 * steps)])
        // The loss curves carry one column per stage.
        let lastRecord = try #require(second.trainer.history.records.last { $0.trainingLoss != nil })
        let stageLosses = try #require(lastRecord.stageLosses)
        #expect(abs(stageLosses["discriminator"]! + stageLosses["generator"]! - lastRecord.trainingLoss!) < 1e-9)
        #expect(second.trainer.history.csv().hasPrefix("step,epoch,learning_rate,training_loss,elapsed_seconds,loss_discriminator,loss_generator\n"))

        // The weights moved and the average differs from them, so the comparison is not vacuous.
        let untrained = TrainingTestData.snapshot(Self.makeRun(steps: 2 * steps, output: nil).trainer)
        #expect(untrained["model.generator.0.weight"]! != expected["model.generator.0.weight"]!)
        #expect(expected["ema.generator.0.weight"]! != expected["model.generator.0.weight"]!)

        // The dropout stream's state is part of what resumes: one extra mask drawn changes the run.
        let shifted = Self.makeRun(steps: 2 * steps, output: nil)
        try shifted.trainer.resume(from: checkpoint)
        _ = shifted.trainer.randomStream.dropoutKeepMask([1], probability: 0.5)
        try shifted.trainer.train()
        #expect(TrainingTestData.snapshot(shifted.trainer)["model.discriminator.0.weight"]! != expected["model.discriminator.0.weight"]!)
    }

    @Test func checkpointsRejectOtherStagesOrAMissingAverage() throws {
        let folder = try TemporaryFolder()
        let run = Self.makeRun(steps: 1, output: folder.url)
        try run.trainer.train()
        let file = TrainingCheckpoint.url(forStep: 1, in: folder.url)

        let withoutAverage = Self.makeRun(steps: 1, output: nil)
        withoutAverage.trainer.movingAverage = nil
        #expect(throws: TrainingError.movingAverageMismatch(path: file.path, stored: true)) { try withoutAverage.trainer.resume(from: folder.url) }

        let model = ToyGAN(seed: 1)
        let single = Trainer(model: model, optimizer: Adam(parameters: model.namedParameters.map(\.parameter)),
                             schedule: .constant(1e-3), source: GaussianSamples(batchSize: 4), options: TrainerOptions(steps: 1),
                             outputDirectory: nil, seed: 1) { _, _ in Variable(Tensor(scalar: 0)) }
        single.movingAverage = ExponentialMovingAverage(namedParameters: model.generatorParameters, decay: 0.95, warmup: .updateCount)
        #expect(throws: TrainingError.stageMismatch(path: file.path, stored: ["discriminator", "generator"], configured: ["main"])) {
            try single.resume(from: folder.url)
        }
    }

    /// While the discriminator steps, the generator's weights are constants: no gradient is
    /// computed for them and they stay trainable afterwards.
    @Test func stagesOnlyTouchTheirOwnParameters() throws {
        let run = Self.makeRun(steps: 1, output: nil)
        var seenDuringDiscriminator: [Bool] = []
        var stages = run.trainer.stages
        let discriminatorLoss = stages[0].loss
        stages[0].loss = { batch, generator in
            seenDuringDiscriminator = run.model.generatorParameters.map(\.parameter.isTrainable)
            return try discriminatorLoss(batch, &generator)
        }
        let trainer = Trainer(model: run.model, stages: stages, source: GaussianSamples(batchSize: 4),
                              options: TrainerOptions(steps: 1, quiet: true), outputDirectory: nil, seed: 23)
        trainer.write = { _ in }
        let before = run.model.generatorParameters.map(\.parameter.value.scalars)
        try trainer.train()
        #expect(seenDuringDiscriminator == [false, false, false, false])
        #expect(run.model.namedParameters.allSatisfy { $0.parameter.isTrainable && $0.parameter.gradient == nil })
        #expect(run.model.generatorParameters.map(\.parameter.value.scalars) != before)
    }

    /// `training.steps_per_epoch` sets the epoch (the validation cadence) in every task; without
    /// it an epoch is the source's pass (3 batches here).
    @Test func stepsPerEpochOverridesTheSourcesPass() throws {
        for (stepsPerEpoch, epochs) in [(nil, 2), (2, 3), (4, 1)] as [(Int?, Int)] {
            let run = Self.makeRun(steps: 1, output: nil)
            let trainer = Trainer(model: run.model, stages: run.trainer.stages, source: GaussianSamples(batchSize: 4),
                                  options: TrainerOptions(steps: 6, stepsPerEpoch: stepsPerEpoch, quiet: true), outputDirectory: nil, seed: 23)
            trainer.write = { _ in }
            try trainer.train()
            #expect(trainer.epoch == epochs, "steps_per_epoch \(String(describing: stepsPerEpoch))")
        }
        #expect(LoopConfiguration(steps: 6, stepsPerEpoch: 2).trainerOptions.stepsPerEpoch == 2)
    }

    /// N micro-batches of b rows with accumulation give the step of one batch of N·b rows
    /// (a mean loss), within float rounding.
    @Test func gradientAccumulationEqualsOneLargeBatch() throws {
        var generator = SeededGenerator(seed: 31)
        let inputs = Tensor.randomNormal([32, 5], generator: &generator)
        let targets = Tensor.randomNormal([32, 2], generator: &generator)

        func train(batchSize: Int, accumulation: Int) throws -> (weights: [[Float]], losses: [Double]) {
            var initialization = SeededGenerator(seed: 4)
            let layer = Linear(inFeatures: 5, outFeatures: 2, generator: &initialization)
            let trainer = Trainer(model: layer, optimizer: Adam(parameters: layer.trainableParameters, learningRate: 1e-2),
                                  schedule: .constant(1e-2), source: RegressionRows(inputs: inputs, targets: targets, batchSize: batchSize),
                                  options: TrainerOptions(steps: 3, logInterval: 1, quiet: true, gradientAccumulation: accumulation),
                                  outputDirectory: nil, seed: 1) { batch, _ in
                Losses.meanSquaredError(prediction: layer(Variable(batch.inputs)), target: Variable(batch.targets))
            }
            trainer.write = { _ in }
            try trainer.train()
            return (layer.namedParameters.map(\.parameter.value.scalars), trainer.history.records.compactMap(\.trainingLoss))
        }
        let accumulated = try train(batchSize: 2, accumulation: 4), large = try train(batchSize: 8, accumulation: 1)
        for (a, b) in zip(accumulated.weights.joined(), large.weights.joined()) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b))) }
        for (a, b) in zip(accumulated.losses, large.losses) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b))) }
        #expect(accumulated.losses.count == 3)
        // A different split really is a different computation (the comparison is not trivial).
        let unaccumulated = try train(batchSize: 2, accumulation: 1)
        #expect(unaccumulated.weights != large.weights)
    }

    /// A parameter group with learning-rate scale 0 stays put inside a trainer step.
    @Test func parameterGroupsKeepTheirOwnRates() throws {
        var initialization = SeededGenerator(seed: 8)
        let layer = Linear(inFeatures: 3, outFeatures: 2, generator: &initialization)
        let optimizer = SGD(groups: [OptimizationGroup(parameters: [layer.weight]),
                                     OptimizationGroup(parameters: [layer.bias!], learningRateScale: 0)], learningRate: 0.1)
        let bias = layer.bias!.value.scalars, weight = layer.weight.value.scalars
        let trainer = Trainer(model: layer, optimizer: optimizer, schedule: .constant(0.1), source: GaussianSamples(batchSize: 4),
                              options: TrainerOptions(steps: 2, quiet: true), outputDirectory: nil, seed: 2) { batch, _ in
            layer(Variable(batch)).squared().mean()
        }
        trainer.write = { _ in }
        try trainer.train()
        #expect(layer.bias!.value.scalars == bias)
        #expect(layer.weight.value.scalars != weight)
    }
}

/// Tensor names stored in a safetensors file.
enum SafetensorsReading {
    static func names(_ url: URL) throws -> Set<String> { Set(try SafetensorsFile(contentsOf: url).names) }
}
