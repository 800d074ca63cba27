import CLIPKit
import Foundation
import Hummingbird
import Retrieval

/// clip-retrieval's back-end API (`clip back`), so its Python `ClipClient` and its web front end
/// search our stores:
///
/// - `GET /indices-list` → `["photos", …]`;
/// - `POST /knn-service` `{"text" | "image" (base64) | "image_url" | "embedding_input", "modality":
///   "image" | "text", "num_images", "num_result_ids", "indice_name", "deduplicate", …}` →
///   `[{"id", "similarity", "url", "caption", "image_path"}]` (images) or `[{"id", "similarity",
///   "caption"}]` (captions, `modality: "text"`). The client's other fields (aesthetic weighting,
///   safety models, mclip) are accepted and ignored. `image_url` is never fetched: it is accepted
///   only as a `file://` URL or path of an image the index itself holds. `deduplicate` drops a
///   result whose similarity equals the previous kept one's (identical embeddings).
/// - `POST /metadata` `{"ids", "indice_name"}` → `[{"id", "metadata": {"url", "caption", "image_path"}}]`.
extension SearchServer {
    struct KnnRequest: Decodable {
        let text: String?
        let image: String?
        let imageURL: String?
        let embeddingInput: [Float]?
        let modality: String?
        let numImages: Int?
        let numResultIDs: Int?
        let indiceName: String?
        let deduplicate: Bool?

        enum CodingKeys: String, CodingKey {
            case text, image, modality, deduplicate
            case imageURL = "image_url", embeddingInput = "embedding_input", numImages = "num_images"
            case numResultIDs = "num_result_ids", indiceName = "indice_name"
        }
    }

    struct KnnResult: Encodable {
        let id: Int64?
        let similarity: Float
        let url: String?
        let caption: String?
        let imagePath: String?

        enum CodingKeys: String, CodingKey {
            case id, similarity, url, caption
            case imagePath = "image_path"
        }
    }

    func addClipRetrievalRoutes(to router: Router<BasicRequestContext>) {
        router.get("indices-list") { _, _ in try JSONResponse.make(indexes.names) }
        router.post("knn-service") { request, _ in
            let body = try await JSONResponse.decode(KnnRequest.self, from: request, limit: configuration.maximumBodyBytes)
            let collection = try indexes.named(body.indiceName)
            let k = try resultCount(body.numImages, fallback: 40, name: "num_images")
            let direction: RetrievalDirection
            switch body.modality ?? "image" {
            case "image": direction = .imageToImage
            case "text": direction = .imageToText
            default: throw ServerError.badRequest("modality must be image or text")
            }
            let given = [body.text.map { !$0.isEmpty }, body.image.map { !$0.isEmpty }, body.imageURL.map { !$0.isEmpty },
                         body.embeddingInput.map { !$0.isEmpty }].filter { $0 == true }.count
            guard given == 1 else { throw ServerError.badRequest("give exactly one of text, image, image_url and embedding_input") }
            let vector: [Float]
            if let text = body.text, !text.isEmpty {
                vector = Self.rows(try await metrics.timingInference(kind: "text", batch: 1) { try await collection.embeddings(ofTexts: [text]) })[0]
            } else if let embedding = body.embeddingInput, !embedding.isEmpty {
                vector = embedding
            } else {
                let bytes = try body.image.flatMap { $0.isEmpty ? nil : try EncodedImage.bytes($0) }
                    ?? (try indexedImage(body.imageURL ?? "", in: collection))
                vector = Self.rows(try await metrics.timingInference(kind: "image", batch: 1) { try await collection.embeddings(ofImageData: [bytes]) })[0]
            }
            var hits = try await collection.search(vector: vector, direction: direction, k: k)
            if body.deduplicate ?? true {
                var kept: [SearchHit] = []
                for hit in hits where kept.last?.score != hit.score { kept.append(hit) }
                hits = kept
            }
            return try JSONResponse.make(hits.map { hit in
                direction == .imageToText
                    ? KnnResult(id: hit.id, similarity: hit.score, url: nil, caption: hit.text, imagePath: nil)
                    : KnnResult(id: hit.id, similarity: hit.score, url: hit.id.map { thumbnailURL($0, collection) },
                                caption: hit.label ?? hit.key, imagePath: hit.path ?? hit.key)
            })
        }
        router.post("metadata") { request, _ in
            struct MetadataRequest: Decodable {
                let ids: [Int64]
                let indiceName: String?
                enum CodingKeys: String, CodingKey { case ids, indiceName = "indice_name" }
            }
            struct Metadata: Encodable { let id: Int64, metadata: [String: String] }
            let body = try await JSONResponse.decode(MetadataRequest.self, from: request, limit: configuration.maximumBodyBytes)
            let collection = try indexes.named(body.indiceName)
            guard body.ids.count <= configuration.maximumResults else {
                throw ServerError.badRequest("at most \(configuration.maximumResults) ids per request")
            }
            let items = try collection.items(ids: body.ids)
            return try JSONResponse.make(body.ids.map { id in
                guard let item = items[id] else { return Metadata(id: id, metadata: [:]) }
                var metadata = ["caption": item.label ?? item.key, "image_path": item.metadata["path"] ?? item.key]
                if item.metadata["path"] != nil { metadata["url"] = thumbnailURL(id, collection) }
                return Metadata(id: id, metadata: metadata)
            })
        }
    }

    /// The bytes of an image the index holds, named by `file://` URL or absolute path; anything
    /// else (http URLs, files outside the index) is refused, so the server never fetches or reads
    /// what a client picks.
    func indexedImage(_ location: String, in collection: ServedCollection) throws -> Data {
        let path = location.hasPrefix("file://") ? URL(string: location)?.path ?? "" : location
        guard path.hasPrefix("/") else {
            throw ServerError.badRequest("image_url is not fetched: send the image as base64 in image, or name a file of the index")
        }
        let wanted = URL(fileURLWithPath: path).standardizedFileURL.path
        guard try collection.store.items().contains(where: { $0.metadata["path"].map { URL(fileURLWithPath: $0).standardizedFileURL.path } == wanted }) else {
            throw ServerError(.forbidden, "image_url names no image of the index \(collection.name); the server reads no other files")
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: wanted))
        } catch {
            throw ServerError.notFound("the indexed image \(wanted) cannot be read any more")
        }
    }
}
