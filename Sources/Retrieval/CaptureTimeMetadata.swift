import Foundation

/// The capture time of an image item: its Exif date (`CaptureDate`: `DateTimeOriginal`, else
/// `DateTime`), written by the `Indexer` into the item's metadata as `capture_time`, seconds since
/// 1970 UTC in decimal. Metadata rather than a column of its own, so every store keeps it without a
/// schema change; items indexed before it existed, and images without an Exif date, have none, and
/// `date` falls back to the file's modification time.
extension StoredItem {
    /// The metadata key.
    public static let captureTimeKey = "capture_time"

    /// The Exif capture time, if the item has one.
    public var captureTime: Double? {
        metadata[Self.captureTimeKey].flatMap(Double.init).flatMap { $0.isFinite ? $0 : nil }
    }

    /// When the photo was taken, as sorting by date uses it: the capture time, else the file's
    /// modification time.
    public var date: Double { captureTime ?? fileState.modificationTime }

    /// `seconds` as the metadata text (whole seconds print without a fraction).
    static func metadataText(captureTime seconds: Double) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int64(seconds)) : String(seconds)
    }
}
