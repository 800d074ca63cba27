import FileSystem
import Foundation
import Models
import Retrieval

/// One indexing pass of a collection, as `clipkit index`, `clipkit eval retrieval` and the server
/// run it: the collection is listed once (its catalog is needed again for the summary's file
/// paths), new or changed items are embedded into the store with progress reports, and the
/// report is summarised in words.
///
/// ```swift
/// let indexing = try CollectionIndexing(SourceSpecification(location: photos))
/// let report = try indexing.index(into: store, model: model) { print($0.completed, "/", $0.total) }
/// print(try indexing.summary(of: report, store: store))
/// ```
public struct CollectionIndexing {
    public let specification: SourceSpecification
    /// The layout the collection was read as (given or detected).
    public let format: SourceFormat
    /// Every item and caption of the collection.
    public let catalog: SourceCatalog

    /// Lists the collection.
    public init(_ specification: SourceSpecification) throws {
        self.specification = specification
        format = try specification.resolvedFormat()
        catalog = try specification.makeSource().catalog()
    }

    /// Embeds what is new or changed into `store` (see `Indexer`).
    public func index(into store: any CollectionStore, model: ImageTextModel, options: IndexingOptions = IndexingOptions(),
                      progress: ((IndexingProgress) -> Void)? = nil) throws -> IndexingReport {
        try Indexer(store: store, model: model, options: options).index(catalog) { progress?($0) }
    }

    /// The summary: counts, then each unreadable file with its reason (the first `failureLimit`).
    public func summary(of report: IndexingReport, store: any CollectionStore, failureLimit: Int = 20) throws -> String {
        let sources = Dictionary(catalog.items.map { ($0.key, $0.content.source) }, uniquingKeysWith: { first, _ in first })
        let rate = report.seconds > 0 ? Double(report.embeddedItems) / report.seconds : 0
        var lines = [report.embeddedItems + report.embeddedCaptions + report.failures.count + report.listingProblems.count == 0
                     ? "Up to date: nothing new to embed in \(store.location)"
                     : String(format: "Indexed in %.1f s (%.1f images/s) into %@", report.seconds, rate, store.location)]
        func row(_ name: String, _ value: Int, _ remark: String = "") {
            let count = String(value)
            lines.append("  " + name.padding(toLength: 12, withPad: " ", startingAt: 0)
                         + String(repeating: " ", count: max(0, 7 - count.count)) + count + (remark.isEmpty ? "" : "  " + remark))
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
        if !report.listingProblems.isEmpty {
            row("not listed", report.listingProblems.count, "(folders that cannot be listed, entries that cannot be examined, links to listed folders)")
            let root = FileSystemPath(specification.location)
            for problem in report.listingProblems.prefix(failureLimit) {
                lines.append("    \(root.appending(FileSystemPath(escapedText: problem.path)).escapedText): \(problem.reason)")
            }
            if report.listingProblems.count > failureLimit {
                lines.append("    … and \(report.listingProblems.count - failureLimit) more")
            }
        }
        let model = try store.model().map(\.description) ?? "none"
        lines.append("Store: \(try store.embeddingCount(of: .items)) images, \(try store.embeddingCount(of: .captions)) captions; model \(model)")
        return lines.joined(separator: "\n")
    }
}
