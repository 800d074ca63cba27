import Foundation

extension DecodingError {
    /// A one-line reason naming the JSON path of the failure (`training.steps: expected Int…`,
    /// `unet.block_out_channels[2]: missing …`), for configuration files a user edits by hand.
    public var oneLineReason: String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch self {
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            return "\(path(context)): \(context.debugDescription)"
        case let .keyNotFound(key, context):
            return "\(path(context)): missing \(key.stringValue)"
        @unknown default:
            return "\(self)"
        }
    }
}
