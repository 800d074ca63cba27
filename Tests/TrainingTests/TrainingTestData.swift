import Foundation
import NN
import Tensor
import TestSupport
import Testing
@testable import Training

/// Shared helpers of the training tests.
enum TrainingTestData {
    /// Everything a resumed run must reproduce, as plain scalars: the model's parameters and
    /// buffers (`model.<name>`), each stage's optimiser state (`optimizer.<stage>.<slot>.<position>`)
    /// and step count (`steps.<stage>`), and the moving average of weights when there is one.
    static func snapshot<Source>(_ trainer: Trainer<Source>) -> [String: [Float]] {
        var result: [String: [Float]] = [:]
        for (name, parameter) in trainer.model.namedParameters { result["model." + name] = parameter.value.scalars }
        for stage in trainer.stages {
            for (slot, values) in stage.optimizer.stateSlots {
                for (index, value) in values.enumerated() { result["optimizer.\(stage.name).\(slot).\(index)"] = value?.scalars ?? [] }
            }
            result["steps.\(stage.name)"] = [Float(stage.optimizer.stepCount)]
        }
        if let movingAverage = trainer.movingAverage {
            for (name, value) in movingAverage.averagedValues { result["ema." + name] = value.scalars }
            result["ema.updates"] = [Float(movingAverage.updateCount)]
        }
        return result
    }

    /// Expects a resumed run's snapshot to hold the same keys and values as the uninterrupted run's.
    static func expectSameSnapshots(resumed actual: [String: [Float]], uninterrupted expected: [String: [Float]],
                                    sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(expected.keys.sorted() == actual.keys.sorted(), sourceLocation: sourceLocation)
        for key in expected.keys.sorted() {
            #expect(expected[key] == actual[key], "\(key) differs after resuming", sourceLocation: sourceLocation)
        }
    }
}
