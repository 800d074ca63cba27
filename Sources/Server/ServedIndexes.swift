import CLIPKit
import Foundation

/// The stores a server serves, by index name; the first is the default when a request names none.
struct ServedIndexes: Sendable {
    let collections: [ServedCollection]

    init(_ collections: [ServedCollection]) {
        precondition(!collections.isEmpty, "a server needs at least one store")
        self.collections = collections
    }

    var names: [String] { collections.map(\.name) }

    /// The index called `name`, or the default one for nil or empty; an unknown name is a 404 listing the known ones.
    func named(_ name: String?) throws -> ServedCollection {
        guard let name, !name.isEmpty else { return collections[0] }
        guard let found = collections.first(where: { $0.name == name }) else {
            throw ServerError.notFound("no index named \(name); this server has \(names.joined(separator: ", "))")
        }
        return found
    }
}
