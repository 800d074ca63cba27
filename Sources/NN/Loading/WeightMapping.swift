import Foundation
import Tensor

/// How one checkpoint layout maps onto a model, entirely as data: tensors to stack
/// (`merges`), matrices stored the other way round (`transposes`, e.g. a `Linear` weight
/// `[out, in]` where the model keeps an `x·P` projection `[in, out]`), tensors stored in another
/// axis order (`permutations`, e.g. Flax convolution kernels), name rewrites (`renames`) and
/// tensors the model deliberately does not use (`ignoredNames`).
///
/// Loading runs the merges, then the transposes and permutations (all on checkpoint names), then
/// `StrictWeightLoader` with the renames: every parameter filled, every tensor used or ignored,
/// every shape right, or an error naming each offender.
public struct WeightMapping: Codable, Hashable, Sendable {
    public var merges: [TensorMergeRule]
    /// Regular expressions of checkpoint names (after merging) whose 2-D tensors are transposed.
    public var transposes: [String]
    public var renames: [KeyRule]
    /// Regular expressions of checkpoint names (after merging) the model does not use.
    public var ignoredNames: [String]
    /// Axis reorders of checkpoint tensors (after merging), applied after the transposes.
    public var permutations: [AxisPermutationRule]

    public init(merges: [TensorMergeRule] = [], transposes: [String] = [], renames: [KeyRule] = [],
                ignoredNames: [String] = [], permutations: [AxisPermutationRule] = []) {
        self.merges = merges
        self.transposes = transposes
        self.renames = renames
        self.ignoredNames = ignoredNames
        self.permutations = permutations
    }

    /// The checkpoint's tensors after merges and transposes, still under checkpoint names.
    public func adapted(_ tensors: [String: Tensor], source: String) throws -> [String: Tensor] {
        var result = tensors
        for merge in merges { result = try merge.apply(to: result, source: source) }
        let patterns = try transposes.map { pattern in
            do { return try NSRegularExpression(pattern: pattern) } catch {
                throw WeightLoadingError.invalidKeyRule(rule: pattern)
            }
        }
        for name in result.keys.sorted() {
            let range = NSRange(name.startIndex..., in: name)
            guard patterns.contains(where: { $0.firstMatch(in: name, range: range) != nil }) else { continue }
            let tensor = result[name]!
            guard tensor.rank == 2 else { throw WeightMappingError.notAMatrix(source: source, tensor: name, shape: tensor.shape) }
            result[name] = tensor.transposed()
        }
        for permutation in permutations { result = try permutation.apply(to: result, source: source) }
        return result
    }

    /// The model's parameter name for a checkpoint name (after merging).
    public func modelName(for checkpointName: String) throws -> String {
        try KeyRule.apply(renames, to: checkpointName)
    }

    /// Adapts `tensors` and loads them strictly into `model`.
    /// - Parameter source: the file name, for error messages.
    public func load(_ tensors: [String: Tensor], into model: any Module, source: String) throws {
        let adapted = try adapted(tensors, source: source)
        try StrictWeightLoader(rules: renames, ignoredNames: ignoredNames).load(adapted, into: model, source: source)
    }
}

extension Module {
    /// Loads a checkpoint's `tensors` (checkpoint name → value) through `mapping`, strictly: every
    /// parameter and buffer filled, every tensor used or ignored, every shape right, or a
    /// `WeightLoadingError` naming each offender (and the model left untouched).
    /// - Parameter source: the file name, for error messages.
    public func loadWeights(_ tensors: [String: Tensor], mapping: WeightMapping = WeightMapping(), source: String) throws {
        try mapping.load(tensors, into: self, source: source)
    }
}
