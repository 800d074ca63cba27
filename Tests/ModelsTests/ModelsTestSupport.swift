import Foundation

/// Indices of the `count` largest values, largest first (ties keep the lower index first).
func topIndices(_ values: [Float], count: Int) -> [Int] {
    Array(values.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }.prefix(count))
}

/// Decodes a JSON fixture into `T`.
func decodeFixture<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
    try JSONDecoder().decode(type, from: Data(contentsOf: url))
}
