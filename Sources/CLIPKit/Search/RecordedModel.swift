import Foundation
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

extension ModelLoader {
    /// The reference that loads the model named `identityName`: the name itself, except for
    /// `clipkit-default(T=N)` (ConSE with another top-T), which loads as `clipkit-default` with
    /// `topCount` N.
    public static func reference(forIdentityName identityName: String, options: ModelOptions) -> (String, ModelOptions) {
        let prefix = ConSEModel.name + "(T="
        guard identityName.hasPrefix(prefix), identityName.hasSuffix(")"),
              let topCount = Int(identityName.dropFirst(prefix.count).dropLast()) else { return (identityName, options) }
        var adjusted = options
        adjusted.topCount = topCount
        return (ConSEModel.name, adjusted)
    }

    /// The model to search or extend `store` with: `requested` when given, else the model the
    /// store records (loaded by its identity name). Either way it must match the store's
    /// identity: another model is refused with `StoreError.modelMismatch`, an empty store with
    /// `StoreError.noModelRecorded` unless a model is requested.
    public static func load(for store: EmbeddingStore, requested: String?, options: ModelOptions = ModelOptions(),
                            hub: HubClient = HubClient(), progress: ((Int, Int) -> Void)? = nil) throws -> any ImageTextModel {
        let recorded = try store.model()
        let model: any ImageTextModel
        if let requested {
            model = try load(requested, options: options, hub: hub, progress: progress)
        } else {
            guard let recorded else { throw StoreError.noModelRecorded(storePath: store.url.path) }
            let (reference, adjusted) = reference(forIdentityName: recorded.name, options: options)
            do {
                model = try load(reference, options: adjusted, hub: hub, progress: progress)
            } catch {
                throw RecordedModelError(storePath: store.url.path, recorded: recorded, underlying: error)
            }
        }
        if recorded != nil { try store.verify(model: model.identity) }
        return model
    }
}
