import Checkpoint
import NN
import Optim
import Tensor
import TestSupport
import Testing

/// Optimisers replay PyTorch's trajectories on fixed gradients (`scripts/fixtures/optim.py`):
/// max |Δ| ≤ 1e-6 after every step.
@Suite struct OptimizerParityTests {
    static let fixture = Result { try SafetensorsFile(contentsOf: TestPaths.fixture("optim", "optim.safetensors")) }

    func replay(_ name: String, _ makeOptimizer: (Parameter) -> Optimizer) throws {
        let file = try Self.fixture.get()
        let parameter = Parameter(try file.tensor(named: "\(name).initial"))
        let optimizer = makeOptimizer(parameter)
        for step in 0..<5 {
            parameter.setGradient(try file.tensor(named: "\(name).gradient\(step)"))
            optimizer.step()
            let expected = try file.tensor(named: "\(name).after\(step)")
            #expect(parameter.value.maxAbsoluteDifference(expected) <= 1e-6, "\(name) step \(step)")
        }
    }

    @Test func sgdWithMomentumAndWeightDecay() throws {
        try replay("sgd_momentum") { SGD(parameters: [$0], learningRate: 0.1, momentum: 0.9, weightDecay: 0.01) }
    }

    @Test func adamWithL2WeightDecay() throws {
        try replay("adam") { Adam(parameters: [$0], learningRate: 0.01, weightDecay: 0.1) }
    }

    @Test func adamWWithDecoupledWeightDecay() throws {
        try replay("adamw") { Adam.adamW(parameters: [$0], learningRate: 0.01, beta1: 0.9, beta2: 0.98, epsilon: 1e-6, weightDecay: 0.2) }
    }

    @Test func globalNormClipping() throws {
        let file = try Self.fixture.get()
        let a = Parameter(Tensor(zeros: [3, 2])), b = Parameter(Tensor(zeros: [5]))
        a.setGradient(try file.tensor(named: "clip.a"))
        b.setGradient(try file.tensor(named: "clip.b"))
        let norm = GradientClipping.clipGlobalNorm([a, b], maximumNorm: 5)
        #expect(abs(norm - (try file.tensor(named: "clip.norm")).item) <= 1e-5)
        #expect(a.gradient!.maxAbsoluteDifference(try file.tensor(named: "clip.a_clipped")) <= 1e-6)
        #expect(b.gradient!.maxAbsoluteDifference(try file.tensor(named: "clip.b_clipped")) <= 1e-6)
    }

    @Test func schedules() {
        let cosine = LearningRateSchedule.cosineWithWarmup(peak: 1, warmupSteps: 10, totalSteps: 110)
        #expect(cosine.learningRate(atStep: 0) == 0.1)
        #expect(cosine.learningRate(atStep: 9) == 1)
        #expect(abs(cosine.learningRate(atStep: 60) - 0.5) < 1e-6)
        #expect(abs(cosine.learningRate(atStep: 110)) < 1e-6)
        let decay = LearningRateSchedule.stepDecay(initial: 0.1, stepSize: 30, factor: 0.1)
        #expect(decay.learningRate(atStep: 29) == 0.1)
        #expect(abs(decay.learningRate(atStep: 30) - 0.01) < 1e-9)
    }
}
