import Dispatch
import Foundation
import Models
import Tensor

/// Asynchronous embedding for servers and other concurrent callers: each call runs on a global
/// dispatch queue (the numeric code blocks its thread and splits work across cores itself, so it
/// stays off Swift's cooperative pool) and resumes the caller when done. Any number of calls may
/// run at once on one model: inference reads the weights without writing them, so concurrent
/// results equal serial ones bit for bit.
extension ImageTextModel {
    /// L2-normalised embeddings `[texts.count, dimension]`.
    public func embeddings(ofTexts texts: [String]) async throws -> Tensor {
        try await Self.offload { try self.embed(texts: texts) }
    }

    /// L2-normalised embeddings `[batch, dimension]` of images already preprocessed with
    /// `identity.preprocessing`.
    public func embeddings(ofImages images: Tensor) async throws -> Tensor {
        try await Self.offload { try self.embed(images: images) }
    }

    /// Decodes, preprocesses and embeds image files; unreadable files are reported, not fatal.
    public func embeddings(ofImageFiles files: [URL], batchSize: Int = 32) async throws -> ImageFileEmbeddings {
        try await Self.offload { try self.embed(imageFiles: files, batchSize: batchSize) }
    }

    /// Runs blocking work (inference, exact search, indexing) on a global dispatch queue and
    /// resumes the caller with its result: the one place the facade leaves Swift's cooperative pool.
    /// A caller whose task is cancelled (a server's request timeout) is resumed at once with
    /// `CancellationError`; work already started runs to its end and its result is dropped, work
    /// not yet started is skipped.
    static func offload<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
        let resumption = OneShotResumption<Result>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard resumption.install(continuation) else { return }
                DispatchQueue.global(qos: .userInitiated).async {
                    guard !resumption.isFinished else { return }
                    resumption.resume(with: Swift.Result { try work() })
                }
            }
        } onCancel: {
            resumption.resume(with: .failure(CancellationError()))
        }
    }
}
