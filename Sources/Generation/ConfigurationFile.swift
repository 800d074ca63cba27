import Checkpoint
import Foundation

/// Decodes a JSON configuration file (diffusers' `config.json`, `scheduler_config.json`): a missing
/// file is `GenerationError.missingFile`, a decoding failure `GenerationError.invalidConfiguration`
/// naming the JSON path.
func decodeConfiguration<T: Decodable>(_ type: T.Type, contentsOf url: URL) throws -> T {
    let data: Data
    do { data = try Data(contentsOf: url) } catch { throw GenerationError.missingFile(path: url.path) }
    do {
        return try JSONDecoder().decode(T.self, from: data)
    } catch let error as DecodingError {
        throw GenerationError.invalidConfiguration(source: url.path, reason: error.oneLineReason)
    }
}
