import Foundation
import Imaging

/// The `http` target's seeds: one request of each shape the server's clients send (our page and
/// API, OpenAI's embeddings client, clip-retrieval's `ClipClient`, Immich's machine-learning
/// client), against the fuzz server's index `fuzz` (`HTTPFuzzServer`). Each is answered with
/// success; `POST /index` has no seed (the fuzz server has no token, so it is always refused).
enum HTTPFuzzSeeds {
    /// A 4×4 PNG, the image inside the upload seeds.
    static let png: [UInt8] = {
        var samples: [UInt8] = []
        for pixel in 0..<16 { samples += [UInt8(pixel * 16), 128, UInt8(255 - pixel * 16)] }
        return [UInt8]((try? PNGEncoder.encode(samples, width: 4, height: 4, layout: .rgb)) ?? Data())
    }()

    static let boundary = "fuzz-boundary-1234"

    static func request(_ head: String, headers: [String] = [], body: [UInt8] = []) -> [UInt8] {
        Array((([head + " HTTP/1.1", "Host: 127.0.0.1"] + headers).joined(separator: "\r\n") + "\r\n\r\n").utf8) + body
    }

    static func json(_ head: String, _ body: String) -> [UInt8] {
        request(head, headers: ["Content-Type: application/json"], body: Array(body.utf8))
    }

    /// A multipart/form-data body of text fields and one optional file.
    static func multipart(fields: [(String, String)], file: (name: String, fileName: String)?) -> [UInt8] {
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        if let file {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.fileName)\"\r\nContent-Type: image/png\r\n\r\n".utf8)
            body += png + Array("\r\n".utf8)
        }
        return body + Array("--\(boundary)--\r\n".utf8)
    }

    static var requests: [[UInt8]] {
        let dataURI = "data:image/png;base64," + Data(png).base64EncodedString()
        let form = "Content-Type: multipart/form-data; boundary=\(boundary)"
        return [
            request("GET /search?q=a%20red%20square&k=2"),
            request("GET /search?like=1&k=2&sort=date&min_score=-1"),
            request("GET /items/1"),
            request("GET /thumbnails/2?index=fuzz"),
            request("GET /indices-list"),
            request("GET /readyz"),
            request("GET /v1/models"),
            request("GET /ping"),
            request("GET /"),
            json("POST /v1/embeddings", #"{"model":"fuzz","input":["a cat",{"image":"\#(dataURI)"}],"encoding_format":"base64"}"#),
            json("POST /v1/embeddings", #"{"model":"fuzz","input":"a dog","encoding_format":"float"}"#),
            // clip-retrieval's ClipClient posts JSON without a content type.
            request("POST /knn-service", body: Array(#"""
                {"text": "a cat", "image": null, "image_url": null, "embedding_input": null, "deduplicate": true, "use_safety_model": false, "use_violence_detector": false, "indice_name": "fuzz", "use_mclip": false, "aesthetic_score": 9, "aesthetic_weight": 0.5, "modality": "image", "num_images": 2, "num_result_ids": 2}
                """#.utf8)),
            json("POST /knn-service", #"{"image":"\#(Data(png).base64EncodedString())","modality":"image","num_images":2,"indice_name":"fuzz"}"#),
            json("POST /metadata", #"{"ids":[1,2],"indice_name":"fuzz"}"#),
            request("POST /predict", headers: [form], body: multipart(fields: [("entries", #"{"clip":{"textual":{"modelName":"ViT-B-32__openai"}}}"#),
                                                                           ("text", "a photo of a cat")], file: nil)),
            request("POST /predict", headers: [form], body: multipart(fields: [("entries", #"{"clip":{"visual":{"modelName":"ViT-B-32__openai"}}}"#)],
                                                                      file: ("image", "photo.png"))),
            request("POST /search?k=2", headers: [form], body: multipart(fields: [], file: ("image", "upload.png"))),
            request("POST /search?k=2", headers: ["Content-Type: image/png"], body: png),
        ]
    }
}
