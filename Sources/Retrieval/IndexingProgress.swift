import Datasets
/// A progress report, sent after each committed batch.
public struct IndexingProgress: Sendable, Equatable {
    public enum Phase: String, Sendable {
        case images
        case captions
    }

    public var phase: Phase
    /// Items (or captions) processed in this phase so far, failures included.
    public var completed: Int
    /// Items (or captions) this phase will process (unchanged ones excluded).
    public var total: Int
    /// Failures so far in this phase.
    public var failed: Int
    /// Processing rate since the phase began.
    public var itemsPerSecond: Double
    /// Seconds left at the current rate; nil before the rate is known.
    public var estimatedSecondsRemaining: Double?
}

/// What an indexing run did.
public struct IndexingReport: Sendable, Equatable {
    /// Items embedded and stored in this run.
    public var embeddedItems = 0
    /// Of `embeddedItems`, those that replaced the embedding of an earlier version (changed files).
    public var replacedItems = 0
    /// Items skipped because their size and modification time were unchanged.
    public var unchangedItems = 0
    /// Items skipped because they failed before and have not changed.
    public var previouslyFailedItems = 0
    /// Files that failed in this run (path and reason), also kept in the store.
    public var failures: [IndexFailure] = []
    /// Folders that could not be listed, entries that could not be examined and links skipped
    /// because they lead to a folder already listed (`SourceCatalog.listingProblems`); found again
    /// on every run, so not kept in the store.
    public var listingProblems: [ImageFolder.Problem] = []
    /// Keys of items deleted because the catalog no longer lists them.
    public var prunedItems: [String] = []
    public var embeddedCaptions = 0
    public var unchangedCaptions = 0
    public var prunedCaptions: [String] = []
    /// Wall-clock seconds of the run.
    public var seconds: Double = 0
}
