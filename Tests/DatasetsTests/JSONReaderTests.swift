import Foundation
import Testing
import TestSupport
@testable import Datasets

/// The JSON readers: JSON Lines captions, COCO captions and instances, Chinese-CLIP, VSR.
@Suite struct JSONReaderTests {
    @Test func captionLinesReadConfigurableKeys() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("\u{FEFF}{\"image\": \"x.png\", \"caption\": \"one\", \"extra\": 1}\r\n\n  \n{\"image\": \"/abs/y.png\", \"caption\": \"two\"}",
                                    to: "pairs.jsonl")
        #expect(try CaptionLines(contentsOf: file).entries == [
            .init(line: 1, image: "x.png", caption: "one"), .init(line: 4, image: "/abs/y.png", caption: "two"),
        ])
        let renamed = try folder.write(#"{"filepath": "a.jpg", "title": "t"}"# + "\n", to: "renamed.jsonl")
        #expect(try CaptionLines(contentsOf: renamed, imageKey: "filepath", captionKey: "title").entries.map(\.image) == ["a.jpg"])
        let wrongType = try folder.write("{\"image\": \"x.png\", \"caption\": \"one\"}\n{\"image\": \"y.png\", \"caption\": 3}\n", to: "wrong.jsonl")
        #expect(throws: DatasetError.malformed(path: wrongType.path, line: 2, reason: "needs string fields \"image\" and \"caption\"")) {
            try CaptionLines(contentsOf: wrongType)
        }
        let truncated = try folder.write("{\"image\": \"x.png\", \"caption\": \"on", to: "truncated.jsonl")
        #expect(throws: DatasetError.malformed(path: truncated.path, line: 1, reason: "not a JSON object")) {
            try CaptionLines(contentsOf: truncated)
        }
        var bytes = Data("{\"image\": \"x.png\", \"caption\": \"ok\"}\n{\"image\": \"".utf8)
        bytes.append(contentsOf: [0xFF, 0xFE])
        bytes.append(contentsOf: Array("\", \"caption\": \"x\"}\n".utf8))
        let notUTF8 = try folder.write(bytes, to: "latin.jsonl")
        #expect(throws: DatasetError.malformed(path: notUTF8.path, line: 2, reason: "byte 0xFF at byte 12 of the line is not UTF-8; save the file as UTF-8")) {
            try CaptionLines(contentsOf: notUTF8)
        }
    }

    @Test func jsonLinesNameTheLineAndTheField() throws {
        struct Row: Decodable { var id: Int; var tags: [String] }
        let folder = try TemporaryFolder()
        func decode(_ text: String) throws -> [(line: Int, value: Row)] {
            try JSONLines.decode(Row.self, contentsOf: folder.write(text, to: "rows.jsonl"))
        }
        let path = folder.file("rows.jsonl").path
        #expect(try decode("{\"id\": 1, \"tags\": []}\n{\"id\": 2, \"tags\": [\"a\"]}\n").map(\.line) == [1, 2])
        #expect(throws: DatasetError.malformed(path: path, line: 2, reason: "the line lacks \"tags\"")) {
            try decode("{\"id\": 1, \"tags\": []}\n{\"id\": 2}\n")
        }
        #expect(throws: DatasetError.malformed(path: path, line: 1, reason: "tags[1] must be a string")) {
            try decode("{\"id\": 1, \"tags\": [\"a\", 2]}\n")
        }
        #expect(throws: DatasetError.malformed(path: path, line: 1, reason: "id must be an integer, found null")) {
            try decode("{\"id\": null, \"tags\": []}\n")
        }
        #expect(throws: DatasetError.malformed(path: path, line: 3, reason: "the line is not valid JSON")) {
            try decode("{\"id\": 1, \"tags\": []}\n\n{\"id\": 1, \"tags\": [\n")
        }
        #expect(throws: DatasetError.malformed(path: path, line: 1, reason: "the line must be a JSON object")) {
            try decode("[1, 2]\n")
        }
    }

    static let captionsJSON = """
        {"info": {}, "images": [{"id": 9, "file_name": "000009.jpg", "width": 640, "height": 480},
                                {"id": 25, "file_name": "000025.jpg"}],
         "annotations": [{"id": 1, "image_id": 9, "caption": "A plate of food. "},
                         {"id": 2, "image_id": 25, "caption": "A giraffe.\\n"},
                         {"image_id": 9, "caption": "Dinner."}]}
        """

    @Test func cocoCaptions() throws {
        let folder = try TemporaryFolder()
        let file = try COCOCaptions(contentsOf: folder.write(Self.captionsJSON, to: "captions_val2017.json"))
        #expect(file.images == [COCOImage(id: 9, fileName: "000009.jpg", width: 640, height: 480), COCOImage(id: 25, fileName: "000025.jpg")])
        #expect(file.captions == [.init(id: 1, image: 0, text: "A plate of food."), .init(id: 2, image: 1, text: "A giraffe."),
                                  .init(id: nil, image: 0, text: "Dinner.")])

        func failure(_ json: String) -> DatasetError? {
            let url = try! folder.write(json, to: "bad.json")
            return #expect(throws: DatasetError.self) { try COCOCaptions(contentsOf: url) }
        }
        let path = folder.file("bad.json").path
        #expect(failure(#"{"images": [], "annotations": [{"id": 1, "image_id": 7, "caption": "x"}]}"#)
                == .unknownReference(path: path, record: "annotations[0]", reference: "image 7"))
        #expect(failure(#"{"data": []}"#) == .malformedRecord(path: path, record: "", reason: "lacks \"images\""))
        #expect(failure(#"{"images": [{"id": "9", "file_name": "a.jpg"}], "annotations": []}"#)
                == .malformedRecord(path: path, record: "images[0].id", reason: "must be an integer"))
        #expect(failure(#"{"images": [{"id": 9, "file_name": "a.jpg"}], "annotations": [{"id": 1, "image_id": 9}]}"#)
                == .malformedRecord(path: path, record: "annotations[0]", reason: "lacks \"caption\""))
        #expect(failure(#"{"images": [{"id": 9, "file_name": "a.jpg"}, {"id": 9, "file_name": "b.jpg"}], "annotations": []}"#)
                == .malformedRecord(path: path, record: "images[1].id", reason: "repeats the id 9 of images[0]"))
        #expect(failure(#"{"images": [{"id": 9, "file_name": ""}], "annotations": []}"#)
                == .malformedRecord(path: path, record: "images[0].file_name", reason: "must not be empty"))
        #expect(failure(#"{"images": [], "annotations": [#"#) == .malformedRecord(path: path, record: "", reason: "is not valid JSON"))
        let empty = try COCOCaptions(contentsOf: folder.write(#"{"images": [], "annotations": []}"#, to: "empty.json"))
        #expect(empty.images.isEmpty && empty.captions.isEmpty)
        let error = failure(#"{"data": []}"#)
        #expect(error?.description == "\(path): the file lacks \"images\"")
    }

    static let instancesJSON = """
        {"images": [{"id": 9, "file_name": "000009.jpg", "width": 640, "height": 480},
                    {"id": 30, "file_name": "000030.jpg", "width": 500, "height": 375}],
         "categories": [{"id": 1, "name": "person", "supercategory": "person"}, {"id": 18, "name": "dog"}],
         "annotations": [{"id": 101, "image_id": 9, "category_id": 18, "bbox": [10.5, 20, 100.25, 50], "iscrowd": 0,
                          "area": 3210.5, "segmentation": [[10.5, 20, 110.75, 20, 110.75, 70]]},
                         {"id": 102, "image_id": 9, "category_id": 1, "bbox": [0, 0, 640, 480], "iscrowd": 1,
                          "segmentation": {"counts": [1, 2], "size": [480, 640]}},
                         {"id": 103, "image_id": 30, "category_id": 1, "bbox": [5, 6, 7, 8], "iscrowd": false}]}
        """

    @Test func cocoInstancesKeepBoxesAndCategoryNames() throws {
        let folder = try TemporaryFolder()
        let file = try COCOInstances(contentsOf: folder.write(Self.instancesJSON, to: "instances_val2017.json"))
        #expect(file.images.map(\.fileName) == ["000009.jpg", "000030.jpg"])
        #expect(file.categories == [.init(id: 1, name: "person", supercategory: "person"), .init(id: 18, name: "dog")])
        #expect(file.objects == [
            .init(id: 101, image: 0, category: 1, box: .init(x: 10.5, y: 20, width: 100.25, height: 50), isCrowd: false, area: 3210.5),
            .init(id: 102, image: 0, category: 0, box: .init(x: 0, y: 0, width: 640, height: 480), isCrowd: true),
            .init(id: 103, image: 1, category: 0, box: .init(x: 5, y: 6, width: 7, height: 8)),
        ])
        #expect(file.objectsOfImage == [[0, 1], [2]])
        #expect(file.objects.map(file.categoryName(of:)) == ["dog", "person", "person"])

        func failure(_ replacing: String, with replacement: String) -> DatasetError? {
            let url = try! folder.write(Self.instancesJSON.replacingOccurrences(of: replacing, with: replacement), to: "bad.json")
            return #expect(throws: DatasetError.self) { try COCOInstances(contentsOf: url) }
        }
        let path = folder.file("bad.json").path
        #expect(failure(#""category_id": 18"#, with: #""category_id": 5"#)
                == .unknownReference(path: path, record: "annotations[0]", reference: "category 5"))
        #expect(failure(#""image_id": 30"#, with: #""image_id": 31"#)
                == .unknownReference(path: path, record: "annotations[2]", reference: "image 31"))
        #expect(failure("[5, 6, 7, 8]", with: "[5, 6, 7]")
                == .malformedRecord(path: path, record: "annotations[2].bbox", reason: "must be 4 finite numbers [x, y, width, height], found 3"))
        #expect(failure("[5, 6, 7, 8]", with: "[5, 6, -7, 8]")
                == .malformedRecord(path: path, record: "annotations[2].bbox", reason: "has a negative width or height (-7.0 × 8.0)"))
        #expect(failure("[5, 6, 7, 8]", with: #"[5, 6, "7", 8]"#)
                == .malformedRecord(path: path, record: "annotations[2].bbox[2]", reason: "must be a number"))
        #expect(failure(#""iscrowd": 1"#, with: #""iscrowd": 2"#)
                == .malformedRecord(path: path, record: "annotations[1].iscrowd", reason: "must be 0, 1, true or false"))
        #expect(failure(#""id": 103"#, with: #""id": 101"#)
                == .malformedRecord(path: path, record: "annotations[2].id", reason: "repeats the id 101 of annotations[0]"))
        #expect(failure(#""name": "dog""#, with: #""name": """#)
                == .malformedRecord(path: path, record: "categories[1].name", reason: "must not be empty"))
        #expect(failure(#""categories""#, with: #""classes""#) == .malformedRecord(path: path, record: "", reason: "lacks \"categories\""))
    }

    @Test func chineseCLIPTextsAndImages() throws {
        let folder = try TemporaryFolder()
        let texts = try folder.write("""
            {"text_id": 8428, "text": "红色的方块", "image_ids": [1001]}
            {"text_id": "8429", "text": "两个方块", "image_ids": [1001, "1002"]}
            {"text_id": 8430, "text": "测试"}

            """, to: "valid_texts.jsonl")
        #expect(try ChineseCLIPTexts(contentsOf: texts).texts == [
            .init(line: 1, id: "8428", text: "红色的方块", imageIDs: ["1001"]),
            .init(line: 2, id: "8429", text: "两个方块", imageIDs: ["1001", "1002"]),
            .init(line: 3, id: "8430", text: "测试", imageIDs: []),
        ])
        let repeated = try folder.write("{\"text_id\": 1, \"text\": \"a\"}\n{\"text_id\": \"1\", \"text\": \"b\"}\n", to: "repeated.jsonl")
        #expect(throws: DatasetError.malformed(path: repeated.path, line: 2, reason: "text id 1 repeats the one on line 1")) {
            try ChineseCLIPTexts(contentsOf: repeated)
        }
        let badID = try folder.write("{\"text_id\": 1.5, \"text\": \"a\"}\n", to: "bad-id.jsonl")
        #expect(throws: DatasetError.malformed(path: badID.path, line: 1, reason: "text_id must be an integer or a non-empty string")) {
            try ChineseCLIPTexts(contentsOf: badID)
        }
        let noText = try folder.write("{\"text_id\": 1}\n", to: "no-text.jsonl")
        #expect(throws: DatasetError.malformed(path: noText.path, line: 1, reason: "the line lacks \"text\"")) {
            try ChineseCLIPTexts(contentsOf: noText)
        }

        // Images: URL-safe base64 (as Chinese-CLIP writes it) and the standard alphabet.
        struct Base64Case: Decodable { var name: String; var text: String; var bytes: [UInt8] }
        let cases = try JSONDecoder().decode([Base64Case].self, from: Data(contentsOf: TestPaths.fixture("datasets", "base64_cases.json")))
        #expect(cases.contains { $0.text.contains("-") || $0.text.contains("_") })
        let lines = cases.enumerated().map { "\(1000 + $0.offset)\t\($0.element.text)" }
        let tsv = try folder.write("\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n\r\n", to: "valid_imgs.tsv")
        let images = try ChineseCLIPImages(contentsOf: tsv)
        #expect(images.entries.map(\.id) == cases.indices.map { String(1000 + $0) })
        #expect(images.entries.map(\.line) == Array(1...cases.count))
        for (entry, testCase) in zip(images.entries, cases) {
            #expect(try ChineseCLIPImages.imageData(file: tsv, offset: entry.offset, length: entry.length) == Data(testCase.bytes), "\(testCase.name)")
        }

        func failure(_ text: String) -> DatasetError? {
            let url = try! folder.write(text, to: "bad_imgs.tsv")
            return #expect(throws: DatasetError.self) { try ChineseCLIPImages(contentsOf: url) }
        }
        let path = folder.file("bad_imgs.tsv").path
        #expect(failure("1\tQUJD\n2 QUJD\n") == .malformed(path: path, line: 2, reason: "expected image_id<TAB>base64, found no tab"))
        #expect(failure("1\tQUJD\n1\tREVG\n") == .malformed(path: path, line: 2, reason: "image id 1 repeats the one on line 1"))
        #expect(failure("\tQUJD\n") == .malformed(path: path, line: 1, reason: "the image id is empty"))
        #expect(failure("7\tQUJ\n") == .malformed(path: path, line: 1, reason: "the image of id 7 is not base64: its length 3 is not a multiple of 4"))
        #expect(failure("7\tQU*D\n") == .malformed(path: path, line: 1,
                                                   reason: "the image of id 7 is not base64: character 3 (0x2A) is outside the base64 alphabets"))
        #expect(failure("7\tQ=JD\n") == .malformed(path: path, line: 1,
                                                   reason: "the image of id 7 is not base64: character 2 (0x3D) is outside the base64 alphabets"))
        #expect(failure("7\t\n") == .malformed(path: path, line: 1, reason: "the image of id 7 is not base64: the text is empty"))
        // A file shortened after listing.
        let entry = images.entries[0]
        try folder.write("\u{FEFF}1000\tAA", to: "valid_imgs.tsv")
        #expect(throws: DatasetError.malformedRecord(path: tsv.path, record: "the image at byte \(entry.offset)",
                                                     reason: "ends after 2 of \(entry.length) characters (the file changed since it was listed)")) {
            try ChineseCLIPImages.imageData(file: tsv, offset: entry.offset, length: entry.length)
        }
    }

    @Test func visualSpatialReasoningSplits() throws {
        let folder = try TemporaryFolder()
        // A line of the zero-shot split (with subj/obj) and one of the first random split (without).
        let file = try folder.write("""
            {"image": "000000372029.jpg", "image_link": "http://images.cocodataset.org/train2017/000000372029.jpg", "caption": "The dog is on the surfboard.", "label": 1, "relation": "on", "subj": "dog", "obj": "surfboard", "annotator_id": 4, "vote_true_validator_id": "[19, 2, 51]", "vote_false_validator_id": "[]"}
            {"image": "000000239417.jpg", "caption": "The bench is at the right side of the train.", "label": false, "relation": "at the right side of", "annotator_id": 1, "reference_frame": null}

            """, to: "dev.jsonl")
        #expect(try VisualSpatialReasoning(contentsOf: file).examples == [
            .init(image: "000000372029.jpg", imageLink: "http://images.cocodataset.org/train2017/000000372029.jpg",
                  caption: "The dog is on the surfboard.", label: true, relation: "on", subject: "dog", object: "surfboard", line: 1),
            .init(image: "000000239417.jpg", caption: "The bench is at the right side of the train.", label: false,
                  relation: "at the right side of", line: 2),
        ])
        func failure(_ line: String) -> DatasetError? {
            let url = try! folder.write(line + "\n", to: "bad.jsonl")
            return #expect(throws: DatasetError.self) { try VisualSpatialReasoning(contentsOf: url) }
        }
        let path = folder.file("bad.jsonl").path
        #expect(failure(#"{"image": "a.jpg", "caption": "c", "label": 2, "relation": "on"}"#)
                == .malformed(path: path, line: 1, reason: "label must be 0, 1, true or false"))
        #expect(failure(#"{"image": "a.jpg", "caption": "c", "label": "1", "relation": "on"}"#)
                == .malformed(path: path, line: 1, reason: "label must be 0, 1, true or false"))
        #expect(failure(#"{"image": "a.jpg", "caption": "c", "relation": "on"}"#)
                == .malformed(path: path, line: 1, reason: "the line lacks \"label\""))
        #expect(failure(#"{"image": "", "caption": "c", "label": 1, "relation": "on"}"#)
                == .malformed(path: path, line: 1, reason: "image must not be empty"))
        #expect(failure(#"{"image": "a.jpg", "caption": "c", "label": 1, "relation": "on", "subj": 3}"#)
                == .malformed(path: path, line: 1, reason: "subj must be a string"))
    }
}
