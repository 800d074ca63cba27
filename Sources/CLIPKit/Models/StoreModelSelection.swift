import Foundation
import Models
import Retrieval

/// Why the model a store was built with could not be loaded again.
public struct RecordedModelError: Error, CustomStringConvertible {
    public let storePath: String
    public let recorded: ModelIdentity
    public let underlying: Error

    public var description: String {
        "the store \(storePath) was built with \(recorded), which cannot be loaded again: \(underlying). "
            + "Pass --model with the same weights (a moved checkpoint keeps its hash), or index into a new store"
    }
}

/// Which model a command uses with a store, decided in one place:
///
/// - a requested model (`--model`) is loaded and must match the store's recorded identity;
/// - otherwise the store's own model is loaded again by its identity name and options;
/// - an empty store gets the default model when the command writes (indexing, evaluation) and is
///   refused when it only reads (search, retrieval: nothing to search).
public enum StoreModelSelection {
    /// What happens when the store has no model yet and none is requested.
    public enum EmptyStore: Sendable {
        /// Use `clipkit-default` (commands that index).
        case useDefaultModel
        /// Throw `StoreError.noModelRecorded` (commands that only query).
        case refuse
    }

    /// The model to search or extend `store` with (see the type's summary). Another model than the
    /// store's is refused with `StoreError.modelMismatch`.
    public static func model(for store: any CollectionStore, requested: String?, options: ModelOptions = ModelOptions(),
                             emptyStore: EmptyStore = .refuse, hub: HubCache = HubCache(),
                             progress: ((Int, Int) -> Void)? = nil) throws -> ImageTextModel {
        let recorded = try store.model()
        let model: ImageTextModel
        if let requested {
            model = try ModelRegistry.load(requested, options: options, hub: hub, progress: progress)
        } else if let recorded {
            do {
                var reloading = recorded.options
                reloading.precision = options.precision
                model = try ModelRegistry.load(recorded.name, options: reloading, hub: hub, progress: progress)
            } catch {
                throw RecordedModelError(storePath: store.location, recorded: recorded, underlying: error)
            }
        } else {
            guard emptyStore == .useDefaultModel else { throw StoreError.noModelRecorded(storePath: store.location) }
            model = try ModelRegistry.load(DefaultModel.name, options: options, hub: hub, progress: progress)
        }
        if recorded != nil { try store.verify(model: model.identity) }
        return model
    }
}
