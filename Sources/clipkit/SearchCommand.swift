import ArgumentParser
import CLIPKit
import Foundation
import Retrieval

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find images by a description or by an example image, or captions for an image.",
        discussion: """
            The query is embedded with the model the store was built with (recorded in it), so \
            --model is only needed when that model must be found elsewhere; a different model is refused. \
            Scores are cosine similarities. Progress and notes go to standard error, results to standard output.

            Examples:
              clipkit search --db photos.db --text "a cat"
              # the 20 photos most like beach.jpg (not counting beach.jpg itself)
              clipkit search --db photos.db --image ~/Pictures/beach.jpg -k 20 --exclude-query
              # the indexed captions that describe dog.jpg best
              clipkit search --db coco.db --caption-of dog.jpg
              # for scripts
              clipkit search --db photos.db --text "red car" --format json \\
                | jq -r '.results[0].path'
              clipkit search --db photos.db --text "red car" --format csv > hits.csv
            """)

    @Option(help: "The store `clipkit index` wrote: a SQLite file or postgres://user@host:port/database.", completion: .file())
    var db: String

    @Option(help: "Find images matching this description (text→image).")
    var text: String?

    @Option(help: "Find images similar to this image file (image→image).", completion: .file())
    var image: String?

    @Flag(help: "With --image: leave the query file itself out of the results when it is indexed.")
    var excludeQuery = false

    @Option(help: "Find the indexed captions that describe this image file best (image→text).", completion: .file())
    var captionOf: String?

    @Option(name: [.customShort("k"), .customLong("top-k")], help: "How many results.")
    var k = 10

    @Option(help: "Output: table, json or csv.")
    var format: SearchOutputFormat = .table

    /// `--model` is only needed when the store's model cannot be loaded by the name it records.
    @OptionGroup var modelOptions: ModelOptionGroup

    @OptionGroup var backendOptions: SearchBackendOptions

    func validate() throws {
        let given = [text, image, captionOf].compactMap { $0 }
        guard given.count == 1 else {
            throw ValidationError("give exactly one query: --text \"…\", --image FILE or --caption-of FILE")
        }
        guard k >= 1 else { throw ValidationError("-k must be at least 1") }
        guard !excludeQuery || image != nil else { throw ValidationError("--exclude-query goes with --image") }
    }

    var query: SearchQuery {
        if let text { return .text(text) }
        if let image { return .image(CollectionSourceOptions.url(image)) }
        return .captionsOf(CollectionSourceOptions.url(captionOf!))
    }

    func run() throws {
        let store = try StoreLocation(argument: db).openExisting()
        let loaded = try modelOptions.load(for: store, emptyStore: .refuse)
        let query = query
        let backend = try backendOptions.backend(for: store, owner: query.direction.database)
        if case .approximate = backend { note("searching with the \(backend.summary) index beside the store (--exact for exact search)") }
        let search = try CollectionSearch(store: store, model: loaded, backend: backend)
        let hits = if case let .image(url) = query {
            try search.similarImages(to: url, k: k, excludingQuery: excludeQuery)
        } else {
            try search.search(query, k: k)
        }
        var description = ["direction": query.direction.rawValue, "model": loaded.identity.name, "search": backend.summary]
        switch query {
        case let .text(text): description["text"] = text
        case let .image(url), let .captionsOf(url): description["image"] = url.path
        }
        print(try format.render(hits, query: description))
    }
}
