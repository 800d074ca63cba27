import Datasets
import Foundation
import Testing

/// The face attribute table reader (strict: values, columns, duplicates named with file and line)
/// and the captions synthesised from a row.
@Suite struct FaceAttributesTests {
    static let header = "person,photo,gender,glasses,beard,moustache,hair_length,hair_colour,smiling,eyes_closed,head\n"

    func table(_ body: String) throws -> FaceAttributeTable {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("faces-\(UUID().uuidString).csv")
        try (Self.header + body).write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        return try FaceAttributeTable(contentsOf: url)
    }

    @Test func readsRowsAndFindsAPhotoByItsPath() throws {
        let faces = try table("s1,1,male,1,1,0,short,dark,1,0,left\ns2,10,female,0,0,0,long,light,0,1,frontal\n")
        #expect(faces.rows.count == 2)
        let first = try #require(faces.attributes(photoPath: "s1/1.png"))
        #expect(first == FaceAttributes(person: "s1", photo: 1, gender: .male, glasses: true, beard: true, hairLength: .short,
                                        hairColour: .dark, smiling: true, head: .left))
        #expect(faces.attributes(person: "s2", photo: 10)?.eyesClosed == true)
        #expect(faces.attributes(photoPath: "s3/1.png") == nil)
    }

    @Test func badValuesAndDuplicatesNameTheLine() throws {
        #expect(throws: DatasetError.self) { try table("s1,1,male,2,0,0,short,dark,0,0,frontal\n") }
        #expect(throws: DatasetError.self) { try table("s1,1,male,0,0,0,medium,dark,0,0,frontal\n") }
        do {
            _ = try table("s1,1,male,0,0,0,short,dark,0,0,frontal\ns1,1,male,0,0,0,short,dark,0,0,frontal\n")
            Issue.record("a duplicate photo was accepted")
        } catch let error as DatasetError {
            #expect("\(error)".contains("line 3") && "\(error)".contains("listed twice"), "\(error)")
        }
    }

    @Test func captionsMentionEveryAttributeInFourPatterns() {
        let attributes = FaceAttributes(person: "s1", photo: 1, gender: .male, glasses: true, beard: true, hairLength: .short,
                                        hairColour: .dark, smiling: true, head: .frontal)
        #expect(FaceCaptions.captions(for: attributes) == [
            "a photo of a man with short dark hair, glasses and a beard, smiling",
            "this man has short dark hair and a beard. he wears glasses. he is smiling.",
            "a smiling man with short dark hair, glasses and a beard",
            "a face of a man with short dark hair, glasses and a beard, smiling, looking at the camera",
        ])
        let turned = FaceAttributes(person: "s2", photo: 4, gender: .female, hairLength: .bald, eyesClosed: true, head: .right)
        #expect(FaceCaptions.captions(for: turned) == [
            "a photo of a woman with a bald head, with closed eyes, head turned to the right",
            "this woman has a bald head. she has her eyes closed. she looks to the right.",
            "a woman with a bald head, with closed eyes, head turned to the right",
            "a face of a woman with a bald head, with closed eyes, head turned to the right",
        ])
    }

    @Test func theShippedORLTableCoversEveryPhoto() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let faces = try FaceAttributeTable(contentsOf: root.appendingPathComponent("data/orl-faces/attributes.csv"))
        #expect(faces.rows.count == 400)
        for person in 1...40 {
            for photo in 1...10 { #expect(faces.attributes(person: "s\(person)", photo: photo) != nil) }
        }
    }
}
