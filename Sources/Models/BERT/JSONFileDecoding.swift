import Foundation

/// Decodes a JSON file, turning failures into `BERTLoadingError`s that name the file.
func decodeJSONFile<Value: Decodable>(_ type: Value.Type, at url: URL) throws -> Value {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
        throw BERTLoadingError.unreadableFile(path: url.path, reason: error.localizedDescription)
    }
    do {
        return try JSONDecoder().decode(type, from: data)
    } catch {
        throw BERTLoadingError.invalidConfiguration(path: url.path, reason: "\(error)")
    }
}
