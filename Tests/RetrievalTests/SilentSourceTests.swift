import Datasets
import FileSystem
import Foundation
import Models
import Retrieval
import RetrievalTestSupport
import Testing
import TestSupport

/// Issue 13, items 6 and 7 through the sources and the indexer: conflicting caption ids, COCO
/// duplicate ids, paths outside the dataset folder, and errors that never show a file's bytes.
@Suite struct SilentSourceTests {
    @Test("a caption id given two different texts is an error naming both lines; the same text links several images")
    func conflictingCaptionIDs() throws {
        let folder = try TemporaryFolder()
        let table = try folder.write("image,caption,id\na.png,a red thing,c1\nb.png,a green thing,c1\n", to: "captions.csv")
        #expect(throws: DatasetError.malformed(path: table.path, line: 3, reason: "caption id \"c1\" has the text \"a green thing\" here but "
                                               + "\"a red thing\" on line 2; rows sharing an id must repeat the same caption")) {
            try CaptionTableSource(file: table, captionIDColumn: "id").catalog()
        }
        let shared = try folder.write("image,caption,id\na.png,a thing,c1\nb.png,a thing,c1\n", to: "shared.csv")
        let catalog = try CaptionTableSource(file: shared, captionIDColumn: "id").catalog()
        #expect(catalog.captions.count == 1 && catalog.captions[0].itemKeys == ["a.png", "b.png"])
    }

    @Test("a COCO file repeating an image id is refused (captions would attach to the wrong image)")
    func cocoDuplicateImageID() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write(#"{"images": [{"id": 1, "file_name": "a.png"}, {"id": 1, "file_name": "b.png"}], "#
                                    + #""annotations": [{"id": 5, "image_id": 1, "caption": "a red thing"}]}"#, to: "captions.json")
        #expect(throws: DatasetError.malformedRecord(path: file.path, record: "images[1].id", reason: "repeats the id 1 of images[0]")) {
            try COCOCaptionsSource(annotationsFile: file, imageRoot: folder.url).catalog()
        }
    }

    @Test("CSV and COCO paths outside the dataset folder are refused and reported; errors never show file contents")
    func pathConfinement() throws {
        let folder = try TemporaryFolder()
        try folder.write(TestImages.png(width: 8, height: 8, red: 1, green: 0, blue: 0), to: "set/a.png")
        // A secret outside the dataset, and a text file inside it named like an image.
        let secret = try folder.write("root:x:0:0:root:/root:/bin/bash\n", to: "secret.txt")
        try folder.write("root:x:0:0:root:/root:/bin/bash\n", to: "set/passwd.png")
        let table = try folder.write("image,caption\n\(secret.path),x\n../secret.txt,y\na.png,z\npasswd.png,w\n", to: "set/captions.csv")
        let store = try EmbeddingStore(path: folder.file("store.sqlite"))
        let indexer = Indexer(store: store, model: .fixedVectorDouble())
        let report = try indexer.index(CaptionTableSource(file: table))
        #expect(report.embeddedItems == 1)
        let reasons = Dictionary(uniqueKeysWithValues: report.failures.map { ($0.key, $0.reason) })
        #expect(reasons[secret.path]?.contains("the dataset names an absolute path") == true)
        #expect(reasons["../secret.txt"]?.contains("climbs out of the dataset's image folder") == true)
        #expect(reasons["passwd.png"]?.contains("starts with no known image signature") == true)
        for reason in reasons.values {
            #expect(!reason.contains("root:x") && !reason.contains("72 6F 6F 74"), "\(reason)")
        }
        // Allowed explicitly, the absolute path is read (and fails as what it is: not an image).
        var trusting = CaptionTableSource(file: table)
        trusting.allowsPathsOutsideRoot = true
        let trusted = try Indexer(store: EmbeddingStore(path: folder.file("trusting.sqlite")), model: .fixedVectorDouble()).index(trusting)
        #expect(trusted.failures.first { $0.key == secret.path }?.reason.contains("no known image signature") == true)

        let coco = try folder.write(#"{"images": [{"id": 1, "file_name": "/etc/hostname"}, {"id": 2, "file_name": "a.png"}], "#
                                    + #""annotations": [{"id": 5, "image_id": 2, "caption": "a red thing"}]}"#, to: "set/coco.json")
        let items = try COCOCaptionsSource(annotationsFile: coco, imageRoot: folder.file("set")).catalog().items
        #expect(items[0].content == .refused(path: "/etc/hostname", reason: "images[0].file_name: "
                                             + DatasetImagePath.Refusal(written: "/etc/hostname", isAbsolute: true).description))
        #expect(items[1].content == .file(FileSystemPath(folder.file("set/a.png"))))
    }

    @Test("a query table without rows is an error")
    func emptyQueryTable() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("query_id,text\n", to: "queries.csv")
        #expect(throws: DatasetError.emptyDataset(path: file.path, reason: "the query table has a header but no rows")) {
            try QueryTable(contentsOf: file, valueColumn: "text")
        }
    }
}
