import Foundation

/// Decodes a JSON file, turning failures into `ModelError`s that name the file.
func decodeJSONFile<Value: Decodable>(_ type: Value.Type, at url: URL) throws -> Value {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
        throw ModelError.unreadableFile(path: url.path, reason: error.localizedDescription)
    }
    do {
        return try JSONDecoder().decode(type, from: data)
    } catch {
        throw ModelError.invalidConfiguration(path: url.path, reason: "\(error)")
    }
}
