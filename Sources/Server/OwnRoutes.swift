import CLIPKit
import Foundation
import Hummingbird
import Retrieval

/// Our own API: text and image search, items, thumbnails, indexing, health and readiness.
///
/// - `GET /search?q=&k=10&min_score=&sort=score|date&index=`, `GET /search?like=ID` (images like a
///   stored one) and `POST /search` (an image as the raw body or a multipart `image` file) →
///   `{"index", "query", "kept", "results": [{id, rank, score, key, path, label, modified,
///   thumbnail, relevant}]}`; `relevant` marks the results above the query's `RelevanceCutoff`
///   (`kept` counts them; the web page hides the rest); `sort=date` orders the results newest
///   first by `date`: the Exif capture time (`captured`, `StoredItem.captureTime`), else the
///   file's modification time (`modified`).
/// - `GET /items/{id}`, `GET /thumbnails/{id}` (PNG, longer side 256, cached).
/// - `POST /index` `{"paths": [...], "index"?}` with `Authorization: Bearer <token>`.
/// - `GET /healthz` (the process answers), `GET /readyz` (every store open with its model).
extension SearchServer {
    struct Hit: Encodable {
        let id: Int64?
        let rank: Int
        let score: Float
        let key: String
        let path: String?
        let label: String?
        let text: String?
        let modified: Double?
        /// The Exif capture time (seconds since 1970 UTC), if the image has one.
        let captured: Double?
        /// What `sort=date` orders by: `captured`, else `modified`.
        let date: Double?
        let thumbnail: String?
        /// Above the query's adaptive cutoff (`RelevanceCutoff`); the web page hides the others.
        let relevant: Bool
    }

    struct SearchResults: Encodable {
        let index: String
        let query: String?
        /// How many results are above the adaptive cutoff.
        let kept: Int
        let results: [Hit]
    }

    func addOwnRoutes(to router: Router<BasicRequestContext>) {
        router.get("healthz") { _, _ in try JSONResponse.make(["status": "ok"]) }
        router.get("readyz") { _, _ in
            struct Ready: Encodable {
                struct Index: Encodable { let name: String, model: String, dimension: Int, items: Int, embeddings: Int }
                let status: String
                let indexes: [Index]
            }
            let states = try indexes.collections.map { collection in
                let counts = try collection.counts()
                return Ready.Index(name: collection.name, model: collection.model.identity.name, dimension: collection.dimension,
                                   items: counts.items, embeddings: counts.embeddings)
            }
            return try JSONResponse.make(Ready(status: "ready", indexes: states))
        }
        router.get("search") { request, _ in
            let parameters = request.uri.queryParameters
            let collection = try indexes.named(parameters.get("index"))
            let k = try resultCount(try integer(parameters.get("k"), name: "k"), fallback: 10)
            if let like = parameters.get("like") {
                let id = try itemID(like)
                guard let hits = try await collection.search(similarToItem: id, k: k) else {
                    throw ServerError.notFound("no embedded item \(id) in \(collection.name)")
                }
                return try JSONResponse.make(try results(hits, query: nil, in: collection, parameters: parameters))
            }
            guard let query = parameters.get("q"), !query.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ServerError.badRequest("give the text to search for as ?q= (or an item id as ?like=)")
            }
            let hits = try await metrics.timingInference(kind: "text", batch: 1) { try await collection.search(text: query, k: k) }
            return try JSONResponse.make(try results(hits, query: query, in: collection, parameters: parameters))
        }
        router.post("search") { request, _ in
            let parameters = request.uri.queryParameters
            let collection = try indexes.named(parameters.get("index"))
            let k = try resultCount(try integer(parameters.get("k"), name: "k"), fallback: 10)
            let body = try await JSONResponse.body(of: request, limit: configuration.maximumUploadBytes)
            let image: Data
            if let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/") {
                let form = try MultipartForm(body: body, contentType: type)
                guard let part = form["image"] ?? form.parts.first(where: { $0.fileName != nil }) else {
                    throw ServerError.badRequest("the multipart body needs an image file (field name image)")
                }
                image = part.content
            } else {
                image = body
            }
            guard !image.isEmpty else { throw ServerError.badRequest("upload an image: as the body, or as a multipart image file") }
            let hits = try await metrics.timingInference(kind: "image", batch: 1) { try await collection.search(imageData: image, k: k) }
            return try JSONResponse.make(try results(hits, query: nil, in: collection, parameters: parameters))
        }
        router.get("items/:id") { request, context in
            let collection = try indexes.named(request.uri.queryParameters.get("index"))
            let id = try itemID(context.parameters.get("id"))
            guard let item = try collection.items(ids: [id])[id] else { throw ServerError.notFound("no item \(id) in \(collection.name)") }
            struct Item: Encodable {
                let id: Int64, key: String, path: String?, label: String?, size: Int64, modified: Double, captured: Double?, embedded: Bool
                let metadata: [String: String], thumbnail: String?
            }
            return try JSONResponse.make(Item(id: item.id, key: item.key, path: item.metadata["path"], label: item.label,
                                              size: item.fileState.size, modified: item.fileState.modificationTime, captured: item.captureTime,
                                              embedded: item.hasEmbedding, metadata: item.metadata,
                                              thumbnail: item.metadata["path"] == nil ? nil : thumbnailURL(id, collection)))
        }
        router.get("thumbnails/:id") { request, context in
            let collection = try indexes.named(request.uri.queryParameters.get("index"))
            let id = try itemID(context.parameters.get("id"))
            guard let png = try await collection.thumbnail(id: id) else {
                throw ServerError.notFound("no image file for item \(id) in \(collection.name)")
            }
            return Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "private, max-age=3600"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: png)))
        }
        router.post("index") { request, _ in
            try BearerToken.require(configuration.token, in: request)
            struct Indexing: Decodable { let paths: [String]; let index: String? }
            let body = try await JSONResponse.decode(Indexing.self, from: request, limit: configuration.maximumBodyBytes)
            let collection = try indexes.named(body.index)
            guard !body.paths.isEmpty else { throw ServerError.badRequest("paths must list at least one folder or collection file") }
            let locations = try body.paths.map { path -> URL in
                guard path.hasPrefix("/") else { throw ServerError.badRequest("\(path): give absolute paths (as the server sees them)") }
                let url = URL(fileURLWithPath: path).standardizedFileURL
                guard FileManager.default.fileExists(atPath: url.path) else { throw ServerError.notFound("\(path) does not exist on the server") }
                return url
            }
            let summaries = try await collection.index(locations: locations)
            let counts = try collection.counts()
            struct Indexed: Encodable { let index: String, summaries: [String], items: Int, embeddings: Int }
            return try JSONResponse.make(Indexed(index: collection.name, summaries: summaries, items: counts.items, embeddings: counts.embeddings))
        }
    }

    /// The hits after `min_score`, ordered by `sort` (`score`, the default, or `date`).
    func results(_ hits: [SearchHit], query: String?, in collection: ServedCollection,
                 parameters: Parameters) throws -> SearchResults {
        var kept = hits
        let cutoff = RelevanceCutoff.keptCount(scores: hits.map(\.score))
        if let text = parameters.get("min_score") {
            guard let minimum = Float(text), minimum.isFinite else { throw ServerError.badRequest("min_score must be a number") }
            kept = kept.filter { $0.score >= minimum }
        }
        let items = try collection.items(ids: kept.compactMap(\.id))
        let item = { (hit: SearchHit) in hit.id.flatMap { items[$0] } }
        switch parameters.get("sort") ?? "score" {
        case "score": break
        case "date": kept.sort { (item($0)?.date ?? 0) > (item($1)?.date ?? 0) }
        default: throw ServerError.badRequest("sort must be score or date")
        }
        return SearchResults(index: collection.name, query: query, kept: kept.filter { $0.rank <= cutoff }.count, results: kept.map { hit in
            Hit(id: hit.id, rank: hit.rank, score: hit.score, key: hit.key, path: hit.path, label: hit.label, text: hit.text,
                modified: item(hit)?.fileState.modificationTime, captured: item(hit)?.captureTime, date: item(hit)?.date, thumbnail: hit.path == nil ? nil : hit.id.map { thumbnailURL($0, collection) },
                relevant: hit.rank <= cutoff)
        })
    }

    func thumbnailURL(_ id: Int64, _ collection: ServedCollection) -> String {
        collection.name == indexes.collections[0].name ? "/thumbnails/\(id)"
            : "/thumbnails/\(id)?index=\(collection.name.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? collection.name)"
    }

    func itemID(_ text: String?) throws -> Int64 {
        guard let text, let id = Int64(text), id > 0 else { throw ServerError.badRequest("an item id is a positive integer") }
        return id
    }

    func integer(_ text: String?, name: String) throws -> Int? {
        guard let text else { return nil }
        guard let value = Int(text) else { throw ServerError.badRequest("\(name) must be an integer") }
        return value
    }
}
