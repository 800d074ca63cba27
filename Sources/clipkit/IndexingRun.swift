import CLIPKit
import Foundation
import Retrieval

/// One indexing pass as `index` and `eval retrieval` run it: list the collection, embed what is
/// new or changed with progress bars, print the summary.
struct IndexingRun {
    let specification: SourceSpecification
    let store: EmbeddingStore
    let model: any ImageTextModel
    var options = IndexingOptions()
    var quiet = false

    /// Lists the collection (the catalog is needed again for the summary's file paths).
    static func catalog(of specification: SourceSpecification) throws -> (SourceFormat, SourceCatalog) {
        let format = try specification.resolvedFormat()
        var catalog = SourceCatalog(items: [])
        try MissingColumn.naming("--image-column, --caption-column or --caption-id-column") {
            catalog = try specification.makeSource().catalog()
        }
        return (format, catalog)
    }

    func run(catalog: SourceCatalog) throws -> IndexingReport {
        var bars: [IndexingProgress.Phase: ProgressBar] = [:]
        let report = try Indexer(store: store, model: model, options: options).index(catalog) { progress in
            guard !quiet else { return }
            let bar = bars[progress.phase] ?? ProgressBar(
                label: progress.phase == .images ? "embedding images" : "embedding captions", total: progress.total,
                start: Date(timeIntervalSinceNow: -Double(progress.completed) / max(progress.itemsPerSecond, 1e-9)))
            bars[progress.phase] = bar
            if progress.completed >= progress.total { bar.finish(progress.completed) } else { bar.update(progress.completed) }
        }
        return report
    }

    /// The summary: counts, then each unreadable file with its reason (the first `failureLimit`).
    static func summary(_ report: IndexingReport, catalog: SourceCatalog, store: EmbeddingStore, failureLimit: Int = 20) throws -> String {
        let sources = Dictionary(catalog.items.map { ($0.key, $0.content.source) }, uniquingKeysWith: { first, _ in first })
        let rate = report.seconds > 0 ? Double(report.embeddedItems) / report.seconds : 0
        var lines = [report.embeddedItems + report.embeddedCaptions + report.failures.count == 0
                     ? "Up to date: nothing new to embed in \(store.url.path)"
                     : String(format: "Indexed in %.1f s (%.1f images/s) into %@", report.seconds, rate, store.url.path)]
        func row(_ name: String, _ value: Int, _ remark: String = "") {
            lines.append("  " + name.padding(toLength: 12, withPad: " ", startingAt: 0)
                         + String(value).leftPadded(to: 7) + (remark.isEmpty ? "" : "  " + remark))
        }
        row("added", report.embeddedItems - report.replacedItems)
        row("updated", report.replacedItems, report.replacedItems > 0 ? "(changed files re-embedded)" : "")
        row("unchanged", report.unchangedItems)
        row("pruned", report.prunedItems.count)
        row("unreadable", report.failures.count)
        if report.previouslyFailedItems > 0 {
            row("skipped", report.previouslyFailedItems, "(unreadable before and unchanged; --retry-failures tries them again)")
        }
        if !catalog.captions.isEmpty || report.prunedCaptions.count > 0 {
            row("captions", report.embeddedCaptions, "embedded, \(report.unchangedCaptions) unchanged, \(report.prunedCaptions.count) pruned")
        }
        for failure in report.failures.prefix(failureLimit) {
            let path = sources[failure.key] ?? failure.key
            let reason = failure.reason.hasPrefix(path + ": ") ? String(failure.reason.dropFirst(path.count + 2)) : failure.reason
            lines.append("    \(path): \(reason)")
        }
        if report.failures.count > failureLimit {
            lines.append("    … and \(report.failures.count - failureLimit) more (the store keeps all of them with their reasons)")
        }
        let model = try store.model().map(\.description) ?? "none"
        lines.append("Store: \(try store.embeddingCount(of: .items)) images, \(try store.embeddingCount(of: .captions)) captions; model \(model)")
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
