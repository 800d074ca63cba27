import CLIPKit
import Foundation
import Hummingbird

/// Immich's machine-learning service API, so an Immich server can use us for smart search:
/// `GET /ping` → `pong`; `POST /predict` multipart with `entries` (JSON `{"clip": {"textual" |
/// "visual": {"modelName", "options"?}}}`) and a `text` field or an `image` file → `{"clip":
/// "[…]"}` (the unit vector as a JSON string, as Immich stores it), plus `imageHeight` and
/// `imageWidth` for images. The model is the index whose name equals `modelName`, else the first
/// index. Other tasks (facial recognition, OCR) are refused with 422.
extension SearchServer {
    func addImmichRoutes(to router: Router<BasicRequestContext>) {
        router.get("ping") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: "pong")))
        }
        router.post("predict") { request, _ in
            let body = try await JSONResponse.body(of: request, limit: configuration.maximumUploadBytes)
            let form = try MultipartForm(body: body, contentType: request.headers[.contentType])
            guard let entriesText = form["entries"]?.text,
                  let entries = try? JSONSerialization.jsonObject(with: Data(entriesText.utf8)) as? [String: Any] else {
                throw ServerError(.unprocessableContent, "entries must be a JSON object such as {\"clip\": {\"textual\": {\"modelName\": …}}}")
            }
            let unsupported = entries.keys.filter { $0 != "clip" }.sorted()
            guard unsupported.isEmpty else {
                throw ServerError(.unprocessableContent, "this server answers only the clip task, not \(unsupported.joined(separator: ", "))")
            }
            guard let clip = entries["clip"] as? [String: Any], clip.count == 1, let type = clip.keys.first,
                  type == "textual" || type == "visual", let entry = clip[type] as? [String: Any], let modelName = entry["modelName"] as? String else {
                throw ServerError(.unprocessableContent, "entries.clip must hold one of textual or visual with a modelName")
            }
            let collection = indexes.collections.first { $0.name == modelName } ?? indexes.collections[0]
            struct Prediction: Encodable { let clip: String, imageHeight: Int?, imageWidth: Int? }
            let vector: [Float]
            var size: (height: Int, width: Int)?
            if let image = form["image"]?.content, type == "visual" {
                guard !image.isEmpty else { throw ServerError.badRequest("the image file is empty") }
                let embedded = try await metrics.timingInference(kind: "image", batch: 1) {
                    try await collection.embeddingsAndSizes(ofImageData: [image])
                }
                vector = Self.rows(embedded.embeddings)[0]
                size = (embedded.sizes[0].height, embedded.sizes[0].width)
            } else if let text = form["text"]?.text, type == "textual" {
                vector = Self.rows(try await metrics.timingInference(kind: "text", batch: 1) { try await collection.embeddings(ofTexts: [text]) })[0]
            } else {
                throw ServerError.badRequest(type == "visual" ? "a visual entry needs an image file" : "a textual entry needs a text field")
            }
            let encoded = String(decoding: try JSONEncoder().encode(vector), as: UTF8.self)
            return try JSONResponse.make(Prediction(clip: encoded, imageHeight: size?.height, imageWidth: size?.width))
        }
    }
}
