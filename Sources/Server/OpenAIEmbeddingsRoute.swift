import CLIPKit
import Foundation
import Hummingbird
import Tensor

/// OpenAI's embeddings API, so its clients (and tools built on them) embed with the served model:
/// `POST /v1/embeddings` `{"model", "input": string | [string | {"image": base64 or data: URI}],
/// "encoding_format": "float" | "base64"}` → `{"object": "list", "data": [{"object": "embedding",
/// "index", "embedding"}], "model", "usage": {"prompt_tokens", "total_tokens"}}`. `model` names an
/// index or the model an index serves; vectors are unit length; `base64` is the little-endian
/// float32 bytes, as OpenAI sends them. `GET /v1/models` lists the names `model` accepts.
extension SearchServer {
    enum EmbeddingInput: Decodable {
        case text(String)
        case image(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else if let item = try? container.decode([String: String].self) {
                if let image = item["image"] ?? item["image_url"] {
                    self = .image(image)
                } else if let text = item["text"] {
                    self = .text(text)
                } else {
                    throw ServerError.badRequest("an input item is a string, {\"text\": …} or {\"image\": base64 or data: URI}")
                }
            } else {
                throw ServerError.badRequest("input must be a string or a list of strings and {\"image\": …} items (token arrays are not accepted)")
            }
        }
    }

    struct EmbeddingRequest: Decodable {
        let model: String
        let input: [EmbeddingInput]
        let encodingFormat: String?
        let dimensions: Int?

        enum CodingKeys: String, CodingKey {
            case model, input, dimensions
            case encodingFormat = "encoding_format"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            model = try container.decode(String.self, forKey: .model)
            if let single = try? container.decode(String.self, forKey: .input) {
                input = [.text(single)]
            } else {
                input = try container.decode([EmbeddingInput].self, forKey: .input)
            }
            encodingFormat = try container.decodeIfPresent(String.self, forKey: .encodingFormat)
            dimensions = try container.decodeIfPresent(Int.self, forKey: .dimensions)
        }
    }

    enum EmbeddingValue: Encodable {
        case floats([Float])
        case base64(String)

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case let .floats(values): try container.encode(values)
            case let .base64(text): try container.encode(text)
            }
        }
    }

    struct EmbeddingResponse: Encodable {
        struct Item: Encodable {
            let object = "embedding"
            let index: Int
            let embedding: EmbeddingValue
        }
        struct Usage: Encodable {
            let promptTokens: Int, totalTokens: Int
            enum CodingKeys: String, CodingKey { case promptTokens = "prompt_tokens", totalTokens = "total_tokens" }
        }
        let object = "list"
        let data: [Item]
        let model: String
        let usage: Usage
    }

    /// The index `model` names: an index name or the name of the model it serves.
    func index(forModel model: String) throws -> ServedCollection {
        if let index = indexes.collections.first(where: { $0.name == model }) ?? indexes.collections.first(where: { $0.model.identity.name == model }) {
            return index
        }
        throw ServerError.notFound("no model \(model); this server embeds with "
                                   + indexes.collections.map { "\($0.name) (\($0.model.identity.name))" }.joined(separator: ", "))
    }

    func addOpenAIRoutes(to router: Router<BasicRequestContext>) {
        router.get("v1/models") { _, _ in
            struct Model: Encodable {
                let id: String
                let object = "model"
                let ownedBy = "clipkit"
                enum CodingKeys: String, CodingKey { case id, object, ownedBy = "owned_by" }
            }
            struct Models: Encodable {
                let object = "list"
                let data: [Model]
            }
            return try JSONResponse.make(Models(data: indexes.names.map { Model(id: $0) }))
        }
        router.post("v1/embeddings") { request, _ in
            let body = try await JSONResponse.decode(EmbeddingRequest.self, from: request, limit: configuration.maximumBodyBytes)
            let collection = try index(forModel: body.model)
            guard !body.input.isEmpty else { throw ServerError.badRequest("input must not be empty") }
            guard body.input.count <= configuration.maximumBatch else {
                throw ServerError.badRequest("at most \(configuration.maximumBatch) inputs per request")
            }
            let format = body.encodingFormat ?? "float"
            guard format == "float" || format == "base64" else { throw ServerError.badRequest("encoding_format must be float or base64") }
            if let dimensions = body.dimensions, dimensions != collection.dimension {
                throw ServerError.badRequest("this model embeds into \(collection.dimension) dimensions; dimensions cannot change it")
            }
            var texts: [(position: Int, text: String)] = [], images: [(position: Int, bytes: Data)] = []
            for (position, item) in body.input.enumerated() {
                switch item {
                case let .text(text):
                    guard !text.isEmpty else { throw ServerError.badRequest("input[\(position)] is an empty string") }
                    texts.append((position, text))
                case let .image(encoded):
                    images.append((position, try EncodedImage.bytes(encoded)))
                }
            }
            var vectors = [[Float]](repeating: [], count: body.input.count)
            if !texts.isEmpty {
                let embedded = try await metrics.timingInference(kind: "text", batch: texts.count) {
                    try await collection.embeddings(ofTexts: texts.map(\.text))   // [texts, dimension]
                }
                for (row, entry) in zip(Self.rows(embedded), texts) { vectors[entry.position] = row }
            }
            if !images.isEmpty {
                let embedded = try await metrics.timingInference(kind: "image", batch: images.count) {
                    try await collection.embeddings(ofImageData: images.map(\.bytes))   // [images, dimension]
                }
                for (row, entry) in zip(Self.rows(embedded), images) { vectors[entry.position] = row }
            }
            let tokens = try collection.tokenCount(ofTexts: texts.map(\.text))
            let data = vectors.enumerated().map { index, vector in
                EmbeddingResponse.Item(index: index, embedding: format == "float" ? .floats(vector) : .base64(Self.base64(vector)))
            }
            return try JSONResponse.make(EmbeddingResponse(data: data, model: body.model, usage: .init(promptTokens: tokens, totalTokens: tokens)))
        }
    }

    /// The rows of a `[rows, columns]` matrix.
    static func rows(_ matrix: Tensor) -> [[Float]] {
        let scalars = matrix.scalars, width = matrix.shape[1]
        return (0..<matrix.shape[0]).map { Array(scalars[($0 * width)..<(($0 + 1) * width)]) }
    }

    /// Little-endian float32 bytes in base64.
    static func base64(_ vector: [Float]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(vector.count * 4)
        for value in vector { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        return Data(bytes).base64EncodedString()
    }
}
