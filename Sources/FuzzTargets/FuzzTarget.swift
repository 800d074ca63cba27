import Checkpoint
import Datasets
import Foundation
import Hummingbird
import Imaging

/// One reader of untrusted bytes that fuzzing exercises (issue 13, item 9). `run` hands the bytes
/// to the reader exactly as a user's file would reach it and reports whether the reader accepted
/// them or refused them with its own error type; a crash, a sanitizer report, a leak or a hang
/// is the finding. The libFuzzer entry (`clipkit-fuzz` built by `scripts/fuzz.sh`), its replay
/// mode and the bounded test suite `FuzzTargetTests` all go through this one place.
///
/// The `http` target is the server's request handling: the bytes are one HTTP request
/// (`HTTPFuzzRequest`) answered by `clipkit serve`'s routes without a socket (`HTTPFuzzServer`);
/// a 4xx with a JSON error is a refusal, a 5xx, a non-JSON error or a thrown error is a finding.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// `SafetensorsFile`: header JSON, offsets and every tensor materialised.
    case safetensors
    /// `Unpickler` on a bare pickle (the whitelist unpickler).
    case pickle
    /// `TorchCheckpoint`: the zip reader, inflation, `data.pkl` and every storage record.
    case torchCheckpoint = "torch-checkpoint"
    /// `ImageDecoder` (JPEG, PNG, WebP, PGM by content) then CLIP preprocessing (resize + crop).
    case image
    /// `CaptionTable` over `DelimitedTable`: the CSV reader.
    case csv
    /// `COCOCaptions` and `COCOInstances` on one JSON document.
    case coco
    /// The JSONL readers: `VisualSpatialReasoning` and `ChineseCLIPTexts`.
    case jsonl
    /// The HTTP service: route dispatch, query parameters, JSON bodies (OpenAI, clip-retrieval, our
    /// own), multipart forms (Immich, uploads), base64 and uploaded images, error answers.
    case http

    /// The file name extension the reader sees (some readers choose behaviour by it).
    public var fileExtension: String {
        switch self {
        case .safetensors: return "safetensors"
        case .pickle: return "pkl"
        case .torchCheckpoint: return "pt"
        case .image: return "img"
        case .csv: return "csv"
        case .coco: return "json"
        case .jsonl: return "jsonl"
        case .http: return "http"
        }
    }

    /// Largest decoded image while fuzzing (4 Mpx): bigger declared sizes are refused by the
    /// decoder's pixel guard, which is what the target checks, without spending seconds per input.
    public static let maximumPixelCount = 1 << 22

    /// What the reader did with one input.
    public enum Outcome: Equatable, Sendable {
        /// Read without error.
        case accepted
        /// Refused with the reader's own error type; the message is kept.
        case refused(String)
        /// Refused with an error of an unexpected type (a finding: errors must be clear).
        case unexpectedError(String)
    }

    /// Runs the reader on `bytes`, written to `scratch` first when the reader takes files. The
    /// `http` target waits for the server's answer by blocking the calling thread: call it from
    /// plain threads (libFuzzer, the replay tool), and `runFromAsyncContext` from async code.
    public func run(_ bytes: UnsafeRawBufferPointer, scratch: FuzzScratchFile) -> Outcome {
        if self == .http {
            let copy = Array(bytes)
            do { return try HTTPFuzzServer.waiting { await Self.http(copy) } } catch { return .unexpectedError("\(error)") }
        }
        do {
            switch self {
            case .http:
                preconditionFailure("answered above")
            case .pickle:
                _ = try Unpickler.value(of: Array(bytes))
            case .image:
                let image = try ImageDecoder(maximumPixelCount: Self.maximumPixelCount).decode(bytes: bytes, source: "fuzz")
                _ = try Preprocessing.openAICLIP(imageSize: 224)(image)  // [3, 224, 224]
            case .safetensors:
                _ = try SafetensorsFile(contentsOf: scratch.write(bytes, extension: fileExtension)).allTensors()
            case .torchCheckpoint:
                let checkpoint = try TorchCheckpoint(contentsOf: scratch.write(bytes, extension: fileExtension))
                _ = try checkpoint.allTensors()
            case .csv:
                _ = try CaptionTable(contentsOf: scratch.write(bytes, extension: fileExtension))
            case .coco:
                let url = try scratch.write(bytes, extension: fileExtension)
                try Self.eitherAccepts({ _ = try COCOCaptions(contentsOf: url) }, { _ = try COCOInstances(contentsOf: url) })
            case .jsonl:
                let url = try scratch.write(bytes, extension: fileExtension)
                try Self.eitherAccepts({ _ = try VisualSpatialReasoning(contentsOf: url) }, { _ = try ChineseCLIPTexts(contentsOf: url) })
            }
            return .accepted
        } catch let error as CheckpointError {
            return .refused(error.description)
        } catch let error as ImageError {
            return .refused(error.description)
        } catch let error as DatasetError {
            return .refused(error.description)
        } catch let error as FuzzScratchFile.Failure {
            return .refused(error.description)
        } catch {
            return .unexpectedError("\(type(of: error)): \(error)")
        }
    }

    /// Builds what the target needs before inputs are timed: for `http`, the served store and
    /// model (`HTTPFuzzServer`) and one text and one image query through it, so the first timed
    /// input does not pay for loading; nothing for the file readers.
    public func prepare() async throws {
        guard self == .http else { return }
        let server = try await HTTPFuzzServer.running()
        for seed in [HTTPFuzzSeeds.requests[0], HTTPFuzzSeeds.requests.last!] {
            if let request = seed.withUnsafeBytes({ HTTPFuzzRequest($0) }) { _ = try await server.respond(to: request.request) }
        }
    }

    /// `run` for async callers (the test suite): the `http` target awaits the server instead of
    /// blocking a thread of the cooperative pool.
    public func runFromAsyncContext(_ bytes: [UInt8], scratch: FuzzScratchFile) async -> Outcome {
        guard self == .http else { return bytes.withUnsafeBytes { run($0, scratch: scratch) } }
        return await Self.http(bytes)
    }

    /// One request through the served routes.
    static func http(_ bytes: [UInt8]) async -> Outcome {
        guard let parsed = bytes.withUnsafeBytes({ HTTPFuzzRequest($0) }) else {
            return .refused("not an HTTP request line (METHOD /target)")
        }
        do {
            let reply = try await HTTPFuzzServer.running().respond(to: parsed.request)   // built on first use
            let text = String(decoding: reply.body.prefix(300), as: UTF8.self)
            if reply.status >= 500 { return .unexpectedError("\(parsed.method) \(parsed.target): HTTP \(reply.status) \(text)") }
            guard reply.status >= 400 else { return .accepted }
            guard reply.contentType?.hasPrefix("application/json") == true, text.hasPrefix("{\"error\":") else {
                return .unexpectedError("\(parsed.method) \(parsed.target): HTTP \(reply.status) without a JSON error: \(text)")
            }
            return .refused("HTTP \(reply.status) \(text)")
        } catch {
            return .unexpectedError("\(parsed.method) \(parsed.target): \(type(of: error)): \(error)")
        }
    }

    /// The fixture files (under `Tests/Fixtures`) that seed this target: a group folder and the
    /// name endings taken from it.
    public var seedFixtures: (group: String, endings: [String])? {
        switch self {
        case .safetensors: return ("checkpoints", [".safetensors"])
        case .pickle: return ("checkpoints", [".pkl"])
        case .torchCheckpoint: return ("checkpoints", [".pt", ".zip"])
        case .image: return ("imaging/decode", [".jpg", ".png", ".webp", ".pgm"])
        case .csv, .coco, .jsonl, .http: return nil
        }
    }

    /// The built-in seeds and the seed fixtures found under `fixtures` (`Tests/Fixtures`), by name.
    public func seeds(fixtures: URL?) -> [(name: String, bytes: [UInt8])] {
        var seeds = builtInSeeds.enumerated().map { ("built-in-\($0.offset)", $0.element) }
        guard let fixtures, let (group, endings) = seedFixtures else { return seeds }
        let folder = fixtures.appendingPathComponent(group, isDirectory: true)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        for name in names where endings.contains(where: name.hasSuffix) && !name.hasSuffix(".expected.png") {
            if let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) {
                seeds.append((name, [UInt8](data)))
            }
        }
        return seeds
    }

    /// Runs both readers of one file kind; throws the first one's error when neither accepts the
    /// file, and an unexpected error type from either at once.
    static func eitherAccepts(_ first: () throws -> Void, _ second: () throws -> Void) throws {
        do {
            try first()
        } catch let error as DatasetError {
            do { try second() } catch is DatasetError { throw error }
            return
        }
        do { try second() } catch is DatasetError {}
    }

    /// Small valid inputs that start the search (the fixtures add real files; see `scripts/fuzz.sh`).
    public var builtInSeeds: [[UInt8]] {
        switch self {
        case .safetensors:
            let header = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"__metadata__":{"k":"v"}}"#
            let length = UInt64(header.utf8.count)
            return [(0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) } + Array(header.utf8) + [0, 0, 128, 63, 0, 0, 0, 64]]
        case .pickle:
            // protocol 2: {'a': [1, 2.5, 'x', (True, None)]}
            return [[0x80, 0x02, 0x7D, 0x71, 0x00, 0x58, 0x01, 0x00, 0x00, 0x00, 0x61, 0x71, 0x01, 0x5D, 0x71, 0x02, 0x28, 0x4B, 0x01,
                     0x47, 0x40, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x58, 0x01, 0x00, 0x00, 0x00, 0x78, 0x71, 0x03, 0x88, 0x4E,
                     0x86, 0x71, 0x04, 0x65, 0x73, 0x2E]]
        case .torchCheckpoint:
            return []  // real checkpoints come from Tests/Fixtures/checkpoints
        case .image:
            return [Array("P5\n2 2\n255\n".utf8) + [0, 64, 128, 255]]
        case .csv:
            return [Array("image,caption\na.jpg,a dog\n\"b,c.jpg\",\"a \"\"quoted\"\" cat\"\r\n".utf8)]
        case .coco:
            return [Array(#"""
                {"images":[{"id":1,"file_name":"a.jpg","width":4,"height":3}],
                 "annotations":[{"id":7,"image_id":1,"caption":"a dog","category_id":2,"bbox":[0,0,2,1.5],"iscrowd":0,"area":3}],
                 "categories":[{"id":2,"name":"dog","supercategory":"animal"}]}
                """#.utf8)]
        case .http:
            return HTTPFuzzSeeds.requests
        case .jsonl:
            return [Array(#"{"image":"a.jpg","caption":"the cat is left of the dog","label":1,"relation":"left of","subj":"cat","obj":"dog"}"#.utf8),
                    Array("{\"text_id\":3,\"text\":\"\u{4E00}\u{53EA}\u{732B}\",\"image_ids\":[5,\"6\"]}\n".utf8)]
        }
    }
}
