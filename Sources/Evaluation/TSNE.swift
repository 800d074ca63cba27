import Foundation
import Tensor

/// Exact t-SNE (van der Maaten & Hinton 2008, "Visualizing Data using t-SNE"), with the
/// optimisation schedule of scikit-learn's `TSNE(method="exact")` so the same data and initial
/// embedding reach the same KL divergence:
///
///     p_{j|i} ∝ exp(−β_i‖x_i − x_j‖²), β_i by bisection to entropy log(perplexity) (tolerance 1e-5, 100 steps)
///     P = max((P_{·|·} + P_{·|·}ᵀ) / Σ, ε),  q_ij ∝ (1 + ‖y_i − y_j‖²)⁻¹
///     KL(P‖Q) = Σ_{i≠j} p_ij log(p_ij / q_ij),  ∂KL/∂y_i = 4 Σ_j (p_ij − q_ij)(1 + ‖y_i − y_j‖²)⁻¹ (y_i − y_j)
///
/// Gradient descent with momentum (0.5 for the first 250 iterations, under early exaggeration
/// P × 12, then 0.8), per-parameter gains (+0.2 when the step changes sign, × 0.8 otherwise, at
/// least 0.01), learning rate max(N / 12 / 4, 50); it stops after `maximumIterations` or when
/// the error checked every 50 iterations has not improved for 300 (250 in the first phase).
/// SA-CLIP's Fig. 4 plots scene embeddings this way. O(N²) per iteration, for up to a few
/// thousand points.
public struct TSNE: Sendable {
    public var perplexity: Double
    public var earlyExaggeration: Double
    public var maximumIterations: Int
    /// Learning rate (nil: scikit-learn's "auto", max(N / early exaggeration / 4, 50)).
    public var learningRate: Double?

    public init(perplexity: Double = 30, earlyExaggeration: Double = 12, maximumIterations: Int = 1000, learningRate: Double? = nil) {
        self.perplexity = perplexity
        self.earlyExaggeration = earlyExaggeration
        self.maximumIterations = maximumIterations
        self.learningRate = learningRate
    }

    /// The embedding `[N, 2]` and its final KL divergence.
    public struct Result: Sendable {
        public var embedding: Tensor
        public var klDivergence: Double
        public var iterations: Int
    }

    /// Embeds `points` `[N, D]` in two dimensions from `initial` `[N, 2]`, or from
    /// 10⁻⁴ · N(0, 1) drawn with `seed` (scikit-learn's random initialisation).
    public func embed(_ points: Tensor, initial: Tensor? = nil, seed: UInt64 = 0) throws -> Result {
        guard points.rank == 2, points.shape[0] >= 2 else { throw EvaluationError.shapeMismatch(detail: "t-SNE needs [N ≥ 2, D] points, got \(points.shape)") }
        let count = points.shape[0], width = points.shape[1]
        guard perplexity > 0, perplexity < Double(count) else {
            throw EvaluationError.shapeMismatch(detail: "perplexity \(perplexity) must lie in (0, \(count))")
        }
        let values = points.scalars.map(Double.init)
        if let bad = values.firstIndex(where: { !$0.isFinite }) { throw EvaluationError.nonFinite(name: "points", row: bad / width) }
        var distances = [Double](repeating: 0, count: count * count)
        for i in 0..<count {
            for j in (i + 1)..<count {
                var squared = 0.0
                for k in 0..<width {
                    let difference = values[i * width + k] - values[j * width + k]
                    squared += difference * difference
                }
                // scikit-learn searches β on single-precision distances.
                distances[i * count + j] = Double(Float(squared))
                distances[j * count + i] = distances[i * count + j]
            }
        }
        var probabilities = jointProbabilities(distances: distances, count: count)
        var embedding: [Double]
        if let initial {
            guard initial.shape == [count, 2] else { throw EvaluationError.shapeMismatch(detail: "initial embedding \(initial.shape), expected [\(count), 2]") }
            embedding = initial.scalars.map(Double.init)
        } else {
            var generator = SeededGenerator(seed: seed)
            embedding = (0..<(count * 2)).map { _ in 1e-4 * Self.standardNormal(&generator) }
        }
        let rate = learningRate ?? max(Double(count) / earlyExaggeration / 4, 50)
        var state = Descent(update: [Double](repeating: 0, count: count * 2), gains: [Double](repeating: 1, count: count * 2))
        for index in probabilities.indices { probabilities[index] *= earlyExaggeration }
        let exploration = min(250, maximumIterations)
        var (error, last) = descend(&embedding, &state, probabilities: probabilities, count: count, from: 0, to: exploration,
                                    momentum: 0.5, rate: rate, patience: 250)
        for index in probabilities.indices { probabilities[index] /= earlyExaggeration }
        if maximumIterations > exploration {
            (error, last) = descend(&embedding, &state, probabilities: probabilities, count: count, from: last + 1, to: maximumIterations,
                                    momentum: 0.8, rate: rate, patience: 300)
        }
        return Result(embedding: Tensor(shape: [count, 2], scalars: embedding.map(Float.init)), klDivergence: error, iterations: last + 1)
    }

    /// P, symmetrised and normalised, as a full N × N matrix with a zero diagonal.
    func jointProbabilities(distances: [Double], count: Int) -> [Double] {
        var conditional = [Double](repeating: 0, count: count * count)
        let desiredEntropy = Foundation.log(perplexity)
        for i in 0..<count {
            var beta = 1.0, betaMinimum = -Double.infinity, betaMaximum = Double.infinity
            for _ in 0..<100 {
                var sum = 0.0
                for j in 0..<count where j != i {
                    conditional[i * count + j] = Foundation.exp(-distances[i * count + j] * beta)
                    sum += conditional[i * count + j]
                }
                if sum == 0 { sum = 1e-8 }
                var weightedDistance = 0.0
                for j in 0..<count where j != i {
                    conditional[i * count + j] /= sum
                    weightedDistance += distances[i * count + j] * conditional[i * count + j]
                }
                let difference = Foundation.log(sum) + beta * weightedDistance - desiredEntropy
                if abs(difference) <= 1e-5 { break }
                if difference > 0 {
                    betaMinimum = beta
                    beta = betaMaximum == .infinity ? beta * 2 : (beta + betaMaximum) / 2
                } else {
                    betaMaximum = beta
                    beta = betaMinimum == -.infinity ? beta / 2 : (beta + betaMinimum) / 2
                }
            }
        }
        var joint = [Double](repeating: 0, count: count * count)
        var total = 0.0
        for i in 0..<count {
            for j in 0..<count where j != i {
                joint[i * count + j] = conditional[i * count + j] + conditional[j * count + i]
                total += joint[i * count + j]
            }
        }
        // Over ordered pairs P sums to 1 (scikit-learn divides by the full matrix's sum).
        let normalizer = max(total, Double.ulpOfOne)
        for i in 0..<count {
            for j in 0..<count where j != i { joint[i * count + j] = max(joint[i * count + j] / normalizer, Double.ulpOfOne) }
        }
        return joint
    }

    struct Descent {
        var update: [Double]
        var gains: [Double]
    }

    /// Iterations `from..<to`; returns the last error checked and the last iteration run.
    func descend(_ embedding: inout [Double], _ state: inout Descent, probabilities: [Double], count: Int, from: Int, to: Int,
                 momentum: Double, rate: Double, patience: Int) -> (Double, Int) {
        var error = Double.greatestFiniteMagnitude, bestError = Double.greatestFiniteMagnitude
        var bestIteration = from, iteration = from
        var gradient = [Double](repeating: 0, count: count * 2)
        var kernel = [Double](repeating: 0, count: count * count)
        while iteration < to {
            let checks = (iteration + 1) % 50 == 0
            // q_ij ∝ (1 + ‖y_i − y_j‖²)⁻¹ over ordered pairs.
            var kernelSum = 0.0
            for i in 0..<count {
                for j in (i + 1)..<count {
                    let dx = embedding[2 * i] - embedding[2 * j], dy = embedding[2 * i + 1] - embedding[2 * j + 1]
                    let value = 1 / (1 + dx * dx + dy * dy)
                    kernel[i * count + j] = value
                    kernel[j * count + i] = value
                    kernelSum += 2 * value
                }
            }
            if checks || iteration == to - 1 {
                var divergence = 0.0
                for i in 0..<count {
                    for j in (i + 1)..<count {
                        let p = probabilities[i * count + j], q = max(kernel[i * count + j] / kernelSum, Double.ulpOfOne)
                        divergence += p * Foundation.log(max(p, Double.ulpOfOne) / q)
                    }
                }
                error = 2 * divergence
            }
            for i in 0..<count {
                var gx = 0.0, gy = 0.0
                for j in 0..<count where j != i {
                    let q = max(kernel[i * count + j] / kernelSum, Double.ulpOfOne)
                    let weight = (probabilities[i * count + j] - q) * kernel[i * count + j]
                    gx += weight * (embedding[2 * i] - embedding[2 * j])
                    gy += weight * (embedding[2 * i + 1] - embedding[2 * j + 1])
                }
                gradient[2 * i] = 4 * gx
                gradient[2 * i + 1] = 4 * gy
            }
            var squaredNorm = 0.0
            for k in gradient.indices {
                if state.update[k] * gradient[k] < 0 { state.gains[k] += 0.2 } else { state.gains[k] *= 0.8 }
                state.gains[k] = max(state.gains[k], 0.01)
                gradient[k] *= state.gains[k]
                state.update[k] = momentum * state.update[k] - rate * gradient[k]
                embedding[k] += state.update[k]
                squaredNorm += gradient[k] * gradient[k]
            }
            if checks {
                if error < bestError {
                    bestError = error
                    bestIteration = iteration
                } else if iteration - bestIteration > patience {
                    break
                }
                if squaredNorm.squareRoot() <= 1e-7 { break }
            }
            iteration += 1
        }
        return (error, min(iteration, to - 1))
    }

    /// A standard normal draw (Box–Muller).
    static func standardNormal(_ generator: inout SeededGenerator) -> Double {
        let u1 = max(Double(generator.next() >> 11) * 0x1p-53, Double.leastNonzeroMagnitude), u2 = Double(generator.next() >> 11) * 0x1p-53
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }
}
