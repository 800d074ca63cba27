import Datasets
import Foundation
import Retrieval
import RetrievalTestSupport
import Testing
import TestSupport

/// Layout detection from a path, the sources a specification builds, and query tables.
@Suite struct SourceSpecificationTests {
    func writePNG(_ folder: TemporaryFolder, _ path: String, width: Int = 8, red: UInt8, variant: Int = 0) throws {
        try FileManager.default.createDirectory(at: folder.file(path).deletingLastPathComponent(), withIntermediateDirectories: true)
        try TestImages.write(to: folder.file(path), width: width, red: red, variant: variant)
    }

    @Test func detectsObviousLayouts() throws {
        let folder = try TemporaryFolder()
        try writePNG(folder, "photos/a.png", red: 10)
        for name in ["t.csv", "t.tsv", "t.tab", "captions_val2017.json", "valid_texts.jsonl", "notes.txt"] {
            try folder.write("x", to: name)
        }
        try folder.write("{}", to: "cn/test_texts.jsonl")
        try folder.write("", to: "cn/test_imgs.tsv")
        #expect(try SourceFormat.detect(folder.file("photos")) == .folder)
        #expect(try SourceFormat.detect(folder.file("cn")) == .chineseCLIP)
        #expect(try SourceFormat.detect(folder.file("t.csv")) == .csv)
        #expect(try SourceFormat.detect(folder.file("t.tsv")) == .tsv)
        #expect(try SourceFormat.detect(folder.file("t.tab")) == .tsv)
        #expect(try SourceFormat.detect(folder.file("captions_val2017.json")) == .coco)
        #expect(try SourceFormat.detect(folder.file("valid_texts.jsonl")) == .chineseCLIP)

        let unknown = #expect(throws: DatasetError.self) { try SourceFormat.detect(folder.file("notes.txt")) }
        #expect(unknown.map { "\($0)".contains("--format folder|class-folders|csv|tsv|coco|chinese-clip") } == true)
        let missing = #expect(throws: DatasetError.self) { try SourceFormat.detect(folder.file("absent")) }
        #expect(missing == .unreadable(path: folder.file("absent").path, reason: "no such file or folder"))
    }

    @Test func buildsTheReaderOfEachLayout() throws {
        let folder = try TemporaryFolder()
        try folder.write("image\tsentence\nphotos/a.png\ta red square\nphotos/a.png\ta square\n", to: "table.tsv")
        try writePNG(folder, "photos/a.png", red: 200)
        var table = SourceSpecification(location: folder.file("table.tsv"))
        table.captionColumn = "sentence"
        let catalog = try table.makeSource().catalog()
        #expect(catalog.items.map(\.key) == ["photos/a.png"])
        #expect(catalog.captions.map(\.text) == ["a red square", "a square"])
        #expect(catalog.captions.map(\.itemKeys) == [["photos/a.png"], ["photos/a.png"]])

        // COCO: images from <split>/ beside annotations/ when it exists.
        try folder.write(#"{"images": [{"id": 7, "file_name": "b.png"}], "annotations": [{"id": 1, "image_id": 7, "caption": "x"}]}"#,
                         to: "coco/annotations/captions_val2017.json")
        try writePNG(folder, "coco/val2017/b.png", red: 30)
        let coco = try #require(try SourceSpecification(location: folder.file("coco/annotations/captions_val2017.json")).makeSource()
            as? COCOCaptionsSource)
        #expect(coco.imageRoot.standardizedFileURL == folder.file("coco/val2017").standardizedFileURL)
        #expect(try coco.catalog().items.first?.fileState != nil)

        // Chinese-CLIP: the one split of a folder, its TSV found beside the JSONL.
        try folder.write(#"{"text_id": 1, "text": "红色", "image_ids": [5]}"# + "\n", to: "cn/valid_texts.jsonl")
        try folder.write("5\t" + TestImages.png(width: 8, height: 8, red: 255, green: 0, blue: 0).base64EncodedString() + "\n",
                         to: "cn/valid_imgs.tsv")
        let chinese = try #require(try SourceSpecification(location: folder.file("cn")).makeSource() as? ChineseCLIPSource)
        #expect(chinese.imagesFile.lastPathComponent == "valid_imgs.tsv")
        #expect(try chinese.catalog().captions.map(\.itemKeys) == [["5"]])
        try folder.write("", to: "cn/test_texts.jsonl")
        try folder.write("", to: "cn/test_imgs.tsv")
        let ambiguous = #expect(throws: DatasetError.self) { try SourceSpecification(location: folder.file("cn")).makeSource() }
        #expect(ambiguous.map { "\($0)".contains("several splits (test, valid)") } == true)

        // A folder layout needs a folder.
        #expect(throws: DatasetError.self) {
            try SourceSpecification(location: folder.file("table.tsv"), format: .classFolders).makeSource()
        }
    }

    @Test func readsQueryTables() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("query_id,text,image\nq1,\"a cat, sleeping\",x/cat.png\nq2,a dog,/abs/dog.png\n", to: "queries.csv")
        let texts = try QueryTable(contentsOf: file, valueColumn: "text")
        #expect(texts.queries.map(\.id) == ["q1", "q2"])
        #expect(texts.queries.map(\.value) == ["a cat, sleeping", "a dog"])
        let images = try QueryTable(contentsOf: file, valueColumn: "image")
        #expect(images.imageURL(of: images.queries[0]).path == folder.file("x/cat.png").path)
        #expect(images.imageURL(of: images.queries[1]).path == "/abs/dog.png")

        let missing = #expect(throws: DatasetError.self) { try QueryTable(contentsOf: file, valueColumn: "caption") }
        #expect(missing == .missingColumn(path: file.path, column: "caption", available: ["query_id", "text", "image"]))
        let repeated = try folder.write("query_id,text\nq1,a\nq1,b\n", to: "repeated.csv")
        let duplicate = #expect(throws: DatasetError.self) { try QueryTable(contentsOf: repeated, valueColumn: "text") }
        #expect(duplicate == .malformed(path: repeated.path, line: 3, reason: "query id q1 appears twice"))
    }

    @Test func indexerRecordsPathsAndCountsReplacedFiles() throws {
        let folder = try TemporaryFolder()
        for index in 0..<3 { try writePNG(folder, "images/i\(index).png", red: UInt8(40 * index), variant: index) }
        let store = try EmbeddingStore(path: folder.file("store.sqlite"))
        let indexer = Indexer(store: store, model: .fixedVectorDouble())
        let source = ImageFolderSource(root: folder.file("images"))
        let first = try indexer.index(source)
        #expect(first.embeddedItems == 3 && first.replacedItems == 0)
        let items = try store.items()
        #expect(items.map { $0.metadata["path"] } == (0..<3).map { folder.file("images/i\($0).png").path })

        try writePNG(folder, "images/i1.png", width: 9, red: 99, variant: 7)
        let second = try indexer.index(source)
        #expect(second.embeddedItems == 1 && second.replacedItems == 1 && second.unchangedItems == 2)

        let byID = try store.items(ids: [items[2].id, items[0].id, 9_999])
        #expect(byID.keys.sorted() == [items[0].id, items[2].id])
        #expect(byID[items[2].id]?.key == "i2.png")
    }

    @Test func listsTheFaissIndexesBesideAStore() throws {
        let folder = try TemporaryFolder()
        for index in 0..<4 { try writePNG(folder, "images/i\(index).png", red: UInt8(60 * index), variant: index) }
        let store = try EmbeddingStore(path: folder.file("store.sqlite"))
        _ = try Indexer(store: store, model: .fixedVectorDouble()).index(ImageFolderSource(root: folder.file("images")))
        #expect(StoreApproximateIndex.builtFactories(for: store).isEmpty)
        _ = try StoreApproximateIndex.synchronize(store: store, factory: "HNSW32")
        _ = try StoreApproximateIndex.synchronize(store: store, factory: "Flat")
        #expect(StoreApproximateIndex.builtFactories(for: store) == ["Flat", "HNSW32"])
        #expect(StoreApproximateIndex.builtFactories(for: store, owner: .captions).isEmpty)
    }
}
