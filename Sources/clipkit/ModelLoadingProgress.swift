import CLIPKit
import Foundation
import Retrieval

/// Loads models for the retrieval commands, showing the one-time label embedding of
/// `clipkit-default` as a progress bar.
enum ModelLoadingProgress {
    /// A progress callback drawing a bar labelled `label` on first use.
    static func bar(_ label: String) -> (Int, Int) -> Void {
        var bar: ProgressBar?
        return { done, total in
            let current = bar ?? ProgressBar(label: label, total: total)
            bar = current
            if done >= total { current.finish(done) } else { current.update(done) }
        }
    }

    /// `ModelLoader.load(for:requested:)` with the bar.
    static func load(for store: EmbeddingStore, requested: String?) throws -> any ImageTextModel {
        try ModelLoader.load(for: store, requested: requested, progress: bar("embedding ImageNet class prompts (once)"))
    }
}

/// Prints a line to standard error (progress and notes, keeping standard output for results),
/// after what standard output holds so far, so the two stay in order on a terminal.
func note(_ text: String) {
    fflush(stdout)
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
