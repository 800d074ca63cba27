import Datasets
import FileSystem
import Foundation
import Retrieval
import RetrievalTestSupport
import Testing
import TestSupport

@Suite struct DataSourceTests {
    @Test func imageFolderListsImagesRecursivelyInSortedOrder() throws {
        let folder = try TemporaryFolder()
        for path in ["b.png", "a.JPG", "sub/c.webp", "sub/deeper/d.jpeg", ".hidden.png", "notes.txt", ".cache/e.png"] {
            try folder.write("x", to: path)
        }
        let catalog = try ImageFolderSource(root: folder.url).catalog()
        #expect(catalog.items.map(\.key) == ["a.JPG", "b.png", "sub/c.webp", "sub/deeper/d.jpeg"])
        #expect(catalog.items[0].fileState?.size == 1)
        #expect(catalog.items[0].content == .file(FileSystemPath(folder.file("a.JPG"))))
        #expect(try ImageFolderSource(root: folder.url, recursive: false).catalog().items.map(\.key) == ["a.JPG", "b.png"])
        #expect(throws: DatasetError.self) { try ImageFolderSource(root: folder.file("missing")).catalog() }
    }

    @Test func classFoldersLabelImagesAndLinkOneCaptionPerClass() throws {
        let folder = try TemporaryFolder()
        for path in ["cat/1.png", "cat/2.png", "dog/x/3.png", "loose.png"] { try folder.write("x", to: path) }
        let catalog = try ClassFolderSource(root: folder.url, captionTemplate: "a photo of a {}.").catalog()
        #expect(catalog.items.map(\.key) == ["cat/1.png", "cat/2.png", "dog/x/3.png"])
        #expect(catalog.items.map(\.label) == ["cat", "cat", "dog"])
        #expect(catalog.captions == [
            SourceCaption(key: "class:cat", text: "a photo of a cat.", itemKeys: ["cat/1.png", "cat/2.png"]),
            SourceCaption(key: "class:dog", text: "a photo of a dog.", itemKeys: ["dog/x/3.png"]),
        ])
    }

    @Test func captionCSVWithQuotedFields() throws {
        let folder = try TemporaryFolder()
        try folder.write("x", to: "imgs/a.png")
        let csv = """
            id,caption,image,lang
            t1,"A dog, running",imgs/a.png,en
            t2,"She said ""hi""
            on two lines",imgs/a.png,en
            t3,plain "inner" quotes,imgs/b.png,fr

            """
        let file = try folder.write(csv, to: "captions.csv")
        let catalog = try CaptionTableSource(file: file, imageColumn: "image", captionColumn: "caption",
                                             captionIDColumn: "id", languageColumn: "lang").catalog()
        #expect(catalog.items.map(\.key) == ["imgs/a.png", "imgs/b.png"])
        #expect(catalog.items[0].fileState != nil && catalog.items[1].fileState == nil)  // b.png is missing: reported at indexing
        #expect(catalog.captions == [
            SourceCaption(key: "t1", text: "A dog, running", language: "en", itemKeys: ["imgs/a.png"]),
            SourceCaption(key: "t2", text: "She said \"hi\"\non two lines", language: "en", itemKeys: ["imgs/a.png"]),
            SourceCaption(key: "t3", text: "plain \"inner\" quotes", language: "fr", itemKeys: ["imgs/b.png"]),
        ])
        #expect(catalog.captionKeysByItem["imgs/a.png"] == ["t1", "t2"])
    }

    @Test func captionTSVWithDefaultColumnsAndErrors() throws {
        let folder = try TemporaryFolder()
        let tsv = try folder.write("image\tcaption\r\na.jpg\tfirst, with comma\r\na.jpg\tsecond\r\nb.jpg\tthird\r\n", to: "pairs.tsv")
        let catalog = try CaptionTableSource(file: tsv, language: "en").catalog()
        #expect(catalog.items.map(\.key) == ["a.jpg", "b.jpg"])
        #expect(catalog.captions.map(\.key) == ["1", "2", "3"])
        #expect(catalog.captions.map(\.text) == ["first, with comma", "second", "third"])
        #expect(catalog.itemKeysByCaption["3"] == ["b.jpg"])

        let missing = #expect(throws: DatasetError.self) { try CaptionTableSource(file: tsv, captionColumn: "text").catalog() }
        #expect(missing == .missingColumn(path: tsv.path, column: "text", available: ["image", "caption"]))
        let ragged = try folder.write("image,caption\na.jpg\n", to: "ragged.csv")
        #expect(throws: DatasetError.malformed(path: ragged.path, line: 2, reason: "1 fields but the header has 2")) {
            try CaptionTableSource(file: ragged).catalog()
        }
        let unclosed = try folder.write("image,caption\na.jpg,\"never closed\n", to: "unclosed.csv")
        #expect(throws: DatasetError.self) { try CaptionTableSource(file: unclosed).catalog() }
    }

    @Test func cocoCaptionsJSON() throws {
        let folder = try TemporaryFolder()
        let json = """
            {"info": {}, "images": [{"id": 9, "file_name": "000009.jpg", "width": 640, "height": 480},
                                    {"id": 25, "file_name": "000025.jpg"}],
             "annotations": [{"id": 1, "image_id": 9, "caption": "A plate of food. "},
                             {"id": 2, "image_id": 9, "caption": "Dinner on a table."},
                             {"id": 3, "image_id": 25, "caption": "A giraffe."}]}
            """
        let file = try folder.write(json, to: "annotations/captions_val.json")
        let catalog = try COCOCaptionsSource(annotationsFile: file, imageRoot: folder.file("val2017")).catalog()
        #expect(catalog.items.map(\.key) == ["000009.jpg", "000025.jpg"])
        #expect(catalog.items[0].metadata == ["coco_id": "9", "size": "640x480"])
        #expect(catalog.items[0].content == .file(FileSystemPath(folder.file("val2017/000009.jpg"))))
        #expect(catalog.captions.map(\.key) == ["1", "2", "3"])
        #expect(catalog.captions[0].text == "A plate of food." && catalog.captions[0].language == "en")
        #expect(catalog.captionKeysByItem["000009.jpg"] == ["1", "2"])

        let bad = try folder.write(#"{"images": [], "annotations": [{"id": 1, "image_id": 7, "caption": "x"}]}"#, to: "bad.json")
        #expect(throws: DatasetError.unknownReference(path: bad.path, record: "annotations[0]", reference: "image 7")) {
            try COCOCaptionsSource(annotationsFile: bad, imageRoot: folder.url).catalog()
        }
        let notCOCO = try folder.write(#"{"data": []}"#, to: "other.json")
        let error = #expect(throws: DatasetError.self) { try COCOCaptionsSource(annotationsFile: notCOCO, imageRoot: folder.url).catalog() }
        #expect(error?.description.contains("images") == true)
    }

    @Test func chineseCLIPTextsAndBase64ImagesIndexEndToEnd() throws {
        let folder = try TemporaryFolder()
        let red = try TestImages.png(width: 8, height: 8, red: 250, green: 0, blue: 0)
        let blue = try TestImages.png(width: 8, height: 8, red: 0, green: 0, blue: 250)
        let tsv = try folder.write("1001\t\(red.base64EncodedString())\n1002\t\(blue.base64EncodedString())\n", to: "valid_imgs.tsv")
        let jsonl = try folder.write("""
            {"text_id": 8428, "text": "红色的方块", "image_ids": [1001]}
            {"text_id": "8429", "text": "两个方块", "image_ids": [1001, 1002]}

            """, to: "valid_texts.jsonl")
        let source = ChineseCLIPSource(textsFile: jsonl, imagesFile: tsv)
        let catalog = try source.catalog()
        #expect(catalog.items.map(\.key) == ["1001", "1002"])
        #expect(try catalog.items[1].content.load() == blue)
        #expect(catalog.captions == [
            SourceCaption(key: "8428", text: "红色的方块", language: "zh", itemKeys: ["1001"]),
            SourceCaption(key: "8429", text: "两个方块", language: "zh", itemKeys: ["1001", "1002"]),
        ])

        let store = try EmbeddingStore(path: folder.file("store.sqlite"))
        let report = try Indexer(store: store, model: .fixedVectorDouble()).index(source)
        #expect(report.embeddedItems == 2 && report.embeddedCaptions == 2 && report.failures.isEmpty)
        let links = try store.groundTruth(images: store.embeddings(), captions: store.embeddings(of: .captions))
        #expect(links.imagesOfCaption == [[0], [0, 1]])

        let broken = try folder.write("1001 no tab here\n", to: "broken.tsv")
        #expect(throws: DatasetError.malformed(path: broken.path, line: 1, reason: "expected image_id<TAB>base64, found no tab")) {
            try ChineseCLIPSource(textsFile: jsonl, imagesFile: broken).catalog()
        }
        let badJSON = try folder.write("{\"text\": \"no id\"}\n", to: "bad.jsonl")
        #expect(throws: DatasetError.self) { try ChineseCLIPSource(textsFile: badJSON, imagesFile: tsv).catalog() }
    }
}
