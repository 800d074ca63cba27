import Autograd
import Foundation
import NN
@testable import Relations
import Tensor
import TestSupport
import Testing
import Training

/// The fourth round's options for anomaly scoring: negatives grounded to their own objects in
/// training (`objective.negative_grounding` "own", as Eq. 11 grounds every description) and a
/// nonlinear term beside Eq. 7 (`region_fusion` "mlp", `RegionPairFusion`); per-situation AUCs.
@Suite(.serialized) struct AnomalyLeversTests {
    static func configuration(steps: Int, negativeGrounding: RelationTaskConfiguration.NegativeGrounding = .own,
                              regionFusion: RelationTaskConfiguration.RegionFusion = .mlp) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(task: .saCLIP, seed: 5)
        configuration.training = LoopConfiguration(steps: steps, logInterval: 100, validateEachEpoch: false, quiet: true)
        configuration.optimizer = OptimizerConfiguration(kind: .adamW, learningRate: 5e-4, epsilon: 1e-8, weightDecay: 0.01)
        configuration.saCLIP = RelationTaskConfiguration(
            data: .init(spatialCount: 16, trafficCount: 40, validationCount: 16, trafficValidationCount: 20, imageSize: 64), anchorsPerBatch: 8,
            objective: .init(trafficPositives: .triple, negativeGrounding: negativeGrounding), inputSize: 64, regionEncoding: .lxmert,
            unlockedImageBlocks: 1, regionFusion: regionFusion)
        return configuration
    }

    @Test func configurationFieldsDecodeAndBadValuesAreNamed() throws {
        let decoded = try TrainingConfiguration.decode(Data(
            #"{"task": "sa_clip", "sa_clip": {"region_fusion": "mlp", "objective": {"negative_grounding": "own"}}}"#.utf8))
        #expect(decoded.saCLIP.regionFusion == .mlp && decoded.saCLIP.objective.negativeGrounding == .own)
        let defaults = try TrainingConfiguration.decode(Data(#"{"task": "sa_clip"}"#.utf8))
        #expect(defaults.saCLIP.regionFusion == .linear && defaults.saCLIP.objective.negativeGrounding == .shared)
        for (text, key) in [(#"{"task": "sa_clip", "sa_clip": {"region_fusion": "bilinear"}}"#, "region_fusion"),
                            (#"{"task": "sa_clip", "sa_clip": {"objective": {"negative_grounding": "nearest"}}}"#, "negative_grounding")] {
            do {
                _ = try TrainingConfiguration.decode(Data(text.utf8))
                Issue.record("\(key): a bad value was accepted")
            } catch let TrainingError.invalidConfiguration(reason) {
                #expect(reason.contains(key), "\(reason)")
            }
        }
    }

    /// A normal car frame's negative "driving on the sidewalk" names the sidewalk beside the car; a
    /// lying pedestrian's "walking on the sidewalk" the sidewalk nearest to it; statements about
    /// the caption's own objects have none.
    @Test func trafficNegativesNameTheirOwnObjects() throws {
        let traffic = TrafficScenes(imageSize: 128, seed: 0)
        let scenes = traffic.scenes(40, split: .train, seed: 1)
        var checked: Set<TrafficScenes.Situation> = []
        for scene in scenes {
            let example = try traffic.example(scene), frame = traffic.frame(scene)
            #expect(try traffic.example(scene) == example)  // deterministic
            let sidewalks = frame.objects.filter { $0.category == "sidewalk" }.map(\.box)
            let road = frame.objects.first { $0.category == "road" }!.box
            let subjectCentre = (example.subjectBox.left + example.subjectBox.right) / 2
            switch (scene.situation, scene.isAnomalous) {
            case (.carPlacement, false), (.pedestrianPlacement, true):
                let box = try #require(example.negativeObjectBox)
                #expect(sidewalks.contains(box))
                #expect((box.left < 64) == (subjectCentre < 64), "the sidewalk on the subject's side")
            case (.carPlacement, true), (.pedestrianPlacement, false):
                #expect(example.negativeObjectBox == road)
            default:
                #expect(example.negativeObjectBox == nil)
            }
            checked.insert(scene.situation)
        }
        #expect(checked.count == 5)
    }

    /// ∂/∂(input, W_1) of Σ c ⊙ fusion(x) against central differences in Double.
    @Test func regionPairFusionGradientMatchesFiniteDifferences() throws {
        var generator = SeededGenerator(seed: 4)
        var fusion = RegionPairFusion(inputWidth: 6, hiddenWidth: 5, outputWidth: 3, generator: &generator)
        #expect(fusion.output.weight.value.scalars.allSatisfy { $0 == 0 })  // zero at start: Eq. 7 unchanged
        #expect(fusion.namedParameters.map(\.name).sorted() == ["hidden.bias", "hidden.weight", "output.bias", "output.weight"])
        fusion.output.weight.value = Tensor.randomUniform([3, 5], lower: -1, upper: 1, generator: &generator)
        fusion.output.bias!.value = Tensor.randomUniform([3], lower: -1, upper: 1, generator: &generator)
        let input = Tensor.randomUniform([2, 6], lower: -2, upper: 2, generator: &generator)
        let weights = Tensor.randomUniform([2, 3], lower: -1, upper: 1, generator: &generator)
        let x = Variable(input, requiresGradient: true)
        (fusion(x) * Variable(weights)).sum().backward()
        func objective(_ values: [Double], hidden: [Double]) -> Double {
            let w1 = hidden, b1 = fusion.hidden.bias!.value.scalars.map(Double.init)
            let w2 = fusion.output.weight.value.scalars.map(Double.init), b2 = fusion.output.bias!.value.scalars.map(Double.init)
            var total = 0.0
            for row in 0..<2 {
                let h = (0..<5).map { j -> Double in
                    let z = b1[j] + (0..<6).reduce(0.0) { $0 + w1[j * 6 + $1] * values[row * 6 + $1] }
                    return 0.5 * z * (1 + erf(z / 2.0.squareRoot()))
                }
                for k in 0..<3 {
                    total += Double(weights.scalars[row * 3 + k]) * (b2[k] + (0..<5).reduce(0.0) { $0 + w2[k * 5 + $1] * h[$1] })
                }
            }
            return total
        }
        let values = input.scalars.map(Double.init), hidden = fusion.hidden.weight.value.scalars.map(Double.init)
        let step = 1e-5
        for index in values.indices {
            var plus = values, minus = values
            plus[index] += step
            minus[index] -= step
            let numeric = (objective(plus, hidden: hidden) - objective(minus, hidden: hidden)) / (2 * step)
            #expect(abs(Double(x.gradient!.scalars[index]) - numeric) < 1e-3, "input \(index)")
        }
        let hiddenGradient = try #require(fusion.hidden.weight.gradient)
        for index in hidden.indices {
            var plus = hidden, minus = hidden
            plus[index] += step
            minus[index] -= step
            let numeric = (objective(values, hidden: plus) - objective(values, hidden: minus)) / (2 * step)
            #expect(abs(Double(hiddenGradient.scalars[index]) - numeric) < 1e-3, "W_1 \(index)")
        }
    }

    /// With the fusion the heads start where Eq. 7 does (same parameters drawn, zero output layer).
    @Test func fusedHeadsStartAsEquationSeven() {
        var first = SeededGenerator(seed: 2), second = SeededGenerator(seed: 2)
        let linear = RelationHeads(imageWidth: 8, textWidth: 6, tokenWidth: 6, embeddingWidth: 4, relationWidth: 4, usesRelationFeatures: true,
                                   normalizesRegionFeatures: true, generator: &first)
        let fused = RelationHeads(imageWidth: 8, textWidth: 6, tokenWidth: 6, embeddingWidth: 4, relationWidth: 4, usesRelationFeatures: true,
                                  normalizesRegionFeatures: true, fusesRegionsNonlinearly: true, generator: &second)
        let added = Set(fused.namedParameters.map(\.name)).subtracting(linear.namedParameters.map(\.name))
        #expect(added == ["roi_fusion.hidden.weight", "roi_fusion.hidden.bias", "roi_fusion.output.weight", "roi_fusion.output.bias"])
        var generator = SeededGenerator(seed: 3)
        let global = Variable(Tensor.randomUniform([3, 8], lower: -1, upper: 1, generator: &generator))
        let subject = Variable(Tensor.randomUniform([3, 8], lower: -1, upper: 1, generator: &generator))
        let object = Variable(Tensor.randomUniform([3, 8], lower: -1, upper: 1, generator: &generator))
        let corners = Tensor(shape: [3, 4], scalars: [0.1, 0.2, 0.4, 0.5, 0.5, 0.5, 0.9, 0.8, 0, 0, 1, 1])
        let a = GradientMode.withoutGradients {
            linear.image(global: global, subject: subject, object: object, subjectCorners: corners, objectCorners: corners).value
        }
        let b = GradientMode.withoutGradients {
            fused.image(global: global, subject: subject, object: object, subjectCorners: corners, objectCorners: corners).value
        }
        #expect(a.scalars == b.scalars)
    }

    /// max(0, ‖v − u‖² − ‖v′ − u′‖² + α), by hand; with v′ = v it is Eq. 10.
    @Test func ownGroundedTripletIsTheHandFormula() {
        var generator = SeededGenerator(seed: 6)
        func rows(_ count: Int) -> Variable { Variable(Tensor.randomUniform([count, 3], lower: -1, upper: 1, generator: &generator)) }
        let texts = rows(4), images = rows(4), negativeImages = rows(4), negativeTexts = rows(2)
        let objective = RelationTaskConfiguration.Objective(textWeight: 0, imageWeight: 0, margin: 0.3)
        let logScale = Variable(Tensor(scalar: 0))
        let own = RelationObjective.loss(texts: texts, images: images, negativeImages: negativeImages, negativeTexts: negativeTexts,
                                         negativeRows: [1, 3], keys: [0, 1, 2, 3], logScale: logScale, objective: objective)
        func distance(_ a: Variable, _ row: Int, _ b: Variable, _ other: Int) -> Double {
            (0..<3).reduce(0.0) { let d = Double(a.value.scalars[row * 3 + $1] - b.value.scalars[other * 3 + $1]); return $0 + d * d }
        }
        let expected = [(1, 0), (3, 1)].map { row, negative in
            max(0, distance(images, row, texts, row) - distance(negativeImages, row, negativeTexts, negative) + 0.3)
        }.reduce(0, +) / 2
        #expect(abs(Double(own.loss.value.item) - expected) < 1e-5)
        let shared = RelationObjective.loss(texts: texts, images: images, negativeTexts: negativeTexts, negativeRows: [1, 3], keys: [0, 1, 2, 3],
                                            logScale: logScale, objective: objective)
        let sameAnchor = RelationObjective.loss(texts: texts, images: images, negativeImages: images, negativeTexts: negativeTexts,
                                                negativeRows: [1, 3], keys: [0, 1, 2, 3], logScale: logScale, objective: objective)
        #expect(abs(shared.loss.value.item - sameAnchor.loss.value.item) < 1e-6)
    }

    /// A seconds-long run with both options: the negatives' own object rows are the crops of
    /// their boxes (the caption's object elsewhere), training is deterministic, the fusion moves,
    /// and the anomaly report gives every situation its AUCs.
    @Test func shortRunWithBothOptionsIsDeterministicAndGroundsNegatives() throws {
        let first = try RelationTraining(configuration: Self.configuration(steps: 6), outputDirectory: nil)
        let second = try RelationTraining(configuration: Self.configuration(steps: 6), outputDirectory: nil)
        let features = first.trainFeatures
        let negativeObject = try #require(features.negativeObject)
        let width = features.object.shape[1]
        var own = 0
        for (index, example) in first.data.train.enumerated() {
            let row = Array(negativeObject.scalars[(index * width)..<((index + 1) * width)])
            let objectRow = Array(features.object.scalars[(index * width)..<((index + 1) * width)])
            if example.negativeObjectBox == nil { #expect(row == objectRow, "row \(index)") } else { own += 1 }
        }
        #expect(own > 0)
        // An own row equals the object row of the same example with its object box moved there.
        let index = try #require(first.data.train.firstIndex { $0.negativeObjectBox != nil })
        var moved = first.data.train[index]
        moved.objectBox = moved.negativeObjectBox!
        let recomputed = try RelationImageFeatures.compute([moved], encoder: first.model.imageEncoder, preprocessing: first.model.preprocessing,
                                                           regionMargin: 0.15, suffixBlocks: 1)
        let ownRow = Tensor(shape: [1, width], scalars: Array(negativeObject.scalars[(index * width)..<((index + 1) * width)]))
        #expect(ownRow.maxAbsoluteDifference(recomputed.object) <= 1e-3)  // values up to ~30; batches of other sizes round differently
        for training in [first, second] {
            training.trainer.write = { _ in }
            try training.trainer.train()
        }
        let expected = Dictionary(uniqueKeysWithValues: first.model.namedParameters.map { ($0.name, $0.parameter.value.scalars) })
        for (name, parameter) in second.model.namedParameters { #expect(parameter.value.scalars == expected[name], "\(name)") }
        #expect(first.model.heads.roiFusion!.output.weight.value.scalars.contains { $0 != 0 })
        let report = try #require(try first.evaluateAnomalies(miner: RelationMiner.installed()))
        #expect(Set(report.perSituation?.keys ?? [:].keys) == Set(TrafficScenes.Anomaly.allCases.map(\.rawValue)))
        #expect(report.perSituation!.values.allSatisfy { $0.frames == 4 && (0...1).contains($0.rocAUC) })
    }

    /// `cyclist_lane_car`: every cyclist frame shows a car ahead in the cyclist's lane, driving
    /// the lane's way: its red rear lights face the cyclist's white front light when the cyclist
    /// rides with the traffic, its windscreen when it rides against it; the statements name that
    /// car (mined as the generator spans them) and Eq. 11's descriptions follow. Other frames, and
    /// every frame without the option, are the old ones; drawing is deterministic.
    @Test func cyclistLaneCarShowsTheCarAheadAndNamesIt() throws {
        let decoded = try TrainingConfiguration.decode(Data(#"{"task": "sa_clip", "sa_clip": {"data": {"cyclist_lane_car": true}}}"#.utf8))
        #expect(decoded.saCLIP.data.cyclistLaneCar == true)
        #expect(try TrainingConfiguration.decode(Data(#"{"task": "sa_clip"}"#.utf8)).saCLIP.data.cyclistLaneCar == nil)

        let plain = TrafficScenes(imageSize: 128, seed: 0), withCar = TrafficScenes(imageSize: 128, seed: 0, cyclistLaneCar: true)
        #expect(plain.frameAnomalyDescriptions == TrafficScenes.anomalyDescriptions)
        #expect(plain.frameNormalDescriptions == TrafficScenes.normalDescriptions)
        #expect(withCar.frameAnomalyDescriptions.last == "A cyclist is facing the oncoming car.")
        #expect(withCar.frameNormalDescriptions.last == "A cyclist is following the car.")
        #expect(Array(withCar.frameAnomalyDescriptions.dropLast()) == Array(TrafficScenes.anomalyDescriptions.dropLast()))

        let scenes = withCar.scenes(40, split: .heldOut, seed: 3)
        #expect(scenes == plain.scenes(40, split: .heldOut, seed: 3))
        var cyclistFrames = 0
        for scene in scenes {
            let frame = withCar.frame(scene)
            #expect(frame.image == withCar.frame(scene).image)
            guard scene.situation == .cyclistHeading else {
                #expect(frame.image == plain.frame(scene).image)
                #expect(try withCar.example(scene).caption == (try plain.example(scene).caption))
                continue
            }
            cyclistFrames += 1
            let example = try withCar.example(scene)
            #expect(example.caption == (scene.isAnomalous ? "A cyclist is facing the oncoming car." : "A cyclist is following the car."))
            #expect(RelationMiningTests.miner.triple(in: example.caption) == example.triple, "\(example.caption)")
            #expect(example.triple.object.text == "car" && example.negativeObjectBox == nil)
            #expect(frame.objects.contains { $0.category == "car" && $0.box == frame.objectBox })
            // Same lane, the car ahead along the cyclist's heading (its front light's side).
            let cyclist = frame.subjectBox, car = frame.objectBox
            let (cx, cy) = ((cyclist.left + cyclist.right) / 2, (cyclist.top + cyclist.bottom) / 2)
            let (carX, carY) = ((car.left + car.right) / 2, (car.top + car.bottom) / 2)
            #expect((cx < 64) == (carX < 64))
            let ahead: Double = carY > cy ? 1 : -1
            let light = frame.image[Int(cx), Int(cy + ahead * 7)]
            #expect(light.red > 230 && light.green > 230, "front light at \(light)")
            // The car's end facing the cyclist: rear lights (red) with the traffic, windscreen against it.
            if scene.isAnomalous {
                let windscreen = frame.image[Int(carX), Int(carY - ahead * 5)]
                #expect(windscreen.blue > 230 && windscreen.red < 210 && windscreen.green < 235, "windscreen at \(windscreen)")  // (194, 224, 243) as shaded
            } else {
                let rear = [-4.5, 4.5].map { frame.image[Int((carX + $0).rounded()), Int(carY - ahead * 12)] }
                #expect(rear.allSatisfy { $0.red > 220 && $0.green < 100 && $0.blue < 100 }, "rear lights at \(rear)")  // (249, 65, 65) as shaded
            }
            #expect(frame.image != plain.frame(scene).image)
        }
        #expect(cyclistFrames == 8)
    }
}
