import Autograd
import NN

/// A chain of `InceptionConvolution`s, keyed as the TorchScript's `Sequential`s name them:
/// `conv`, `conv_1`, … `conv_4`; an optional pooling runs first (the pool towers, whose
/// `Sequential` holds the pooling before its one convolution).
public struct InceptionTower: Module {
    public let pooling: InceptionPooling?
    @Key("conv") public var first: InceptionConvolution
    @Key("conv_1") public var second: InceptionConvolution?
    @Key("conv_2") public var third: InceptionConvolution?
    @Key("conv_3") public var fourth: InceptionConvolution?
    @Key("conv_4") public var fifth: InceptionConvolution?

    public init(pooling: InceptionPooling? = nil, _ units: [InceptionConvolution]) {
        precondition((1...5).contains(units.count), "an Inception tower holds 1 to 5 convolutions, got \(units.count)")
        self.pooling = pooling
        first = units[0]
        second = units.count > 1 ? units[1] : nil
        third = units.count > 2 ? units[2] : nil
        fourth = units.count > 3 ? units[3] : nil
        fifth = units.count > 4 ? units[4] : nil
    }

    /// The units in order.
    public var units: [InceptionConvolution] { [first] + [second, third, fourth, fifth].compactMap { $0 } }

    /// `[batch, in, height, width]` → `[batch, out, height′, width′]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        let pooled = pooling.map { $0(input) } ?? input
        return units.reduce(pooled) { hidden, unit in unit(hidden) }
    }
}
