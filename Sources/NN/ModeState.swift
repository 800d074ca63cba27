import Foundation

/// The train/eval switch of one mode-dependent layer: a small reference shared by every copy of
/// the layer value, which `Module.setMode(_:)` sets and the layer's forward reads.
///
/// Switching modes is not meant to happen while the same model runs forward passes on other threads.
public final class ModeState: @unchecked Sendable {
    public var mode: ForwardMode

    public init(_ mode: ForwardMode = .inference) {
        self.mode = mode
    }
}

/// A layer whose forward depends on the mode (`BatchNorm2d`; dropout). It keeps its `ModeState` in
/// a plain stored property; `Module.setMode(_:)` finds it by walking the registered modules.
public protocol ModeDependentLayer: Module {
    var modeState: ModeState { get }
}

extension Module {
    /// Every mode-dependent layer at or below this module, with its path.
    public var modeDependentLayers: [(path: String, layer: any ModeDependentLayer)] {
        namedModules.compactMap { path, module in (module as? any ModeDependentLayer).map { (path, $0) } }
    }

    /// Switches every mode-dependent layer at or below this module to `mode` (PyTorch's
    /// `train()` / `eval()`).
    public func setMode(_ mode: ForwardMode) {
        for (_, layer) in modeDependentLayers { layer.modeState.mode = mode }
    }

    /// Runs `body` with every mode-dependent layer below this module in `mode`, then restores each
    /// layer's previous mode (e.g. an evaluation in inference mode in the middle of training).
    public func withMode<Result>(_ mode: ForwardMode, _ body: () throws -> Result) rethrows -> Result {
        let states = modeDependentLayers.map(\.layer.modeState)
        let previous = states.map(\.mode)
        for state in states { state.mode = mode }
        defer { for (state, mode) in zip(states, previous).reversed() { state.mode = mode } }
        return try body()
    }
}
