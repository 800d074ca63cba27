import Datasets
import Foundation
import Imaging
import Relations
import TestSupport
import Testing

/// The CLEVR-style and traffic scene generators: deterministic for a seed, boxes where the
/// configuration puts them, captions whose triples the miner recovers, files the VSR reader reads.
@Suite struct SceneTests {
    @Test func renderingIsDeterministicForASeed() throws {
        let generator = SpatialScenes(imageSize: 64, seed: 7)
        let first = try generator.examples(generator.scenes(16, split: .train, seed: 3))
        let second = try SpatialScenes(imageSize: 64, seed: 7).examples(SpatialScenes(imageSize: 64, seed: 7).scenes(16, split: .train, seed: 3))
        #expect(first == second)
        let other = try generator.examples(generator.scenes(16, split: .train, seed: 4))
        #expect(first != other)
        let traffic = TrafficScenes(imageSize: 64, seed: 1)
        #expect(try traffic.examples(traffic.scenes(10, split: .heldOut, seed: 2)) == traffic.examples(traffic.scenes(10, split: .heldOut, seed: 2)))
    }

    @Test func boxesFollowTheConfiguration() throws {
        let generator = SpatialScenes(imageSize: 96, seed: 0)
        let scenes = generator.scenes(64, split: .train, seed: 11)
        for (scene, example) in zip(scenes, try generator.examples(scenes)) {
            let subjectX = (example.subjectBox.left + example.subjectBox.right) / 2, objectX = (example.objectBox.left + example.objectBox.right) / 2
            // Nearer objects stand lower in the image: compare the boxes' bottom edges.
            let subjectY = example.subjectBox.bottom, objectY = example.objectBox.bottom
            let direction = scene.configuration.direction
            if direction.x < 0 { #expect(subjectX < objectX, "\(example.caption)") }
            if direction.x > 0 { #expect(subjectX > objectX, "\(example.caption)") }
            if direction.z > 0 { #expect(subjectY > objectY, "\(example.caption)") }
            if direction.z < 0 { #expect(subjectY < objectY, "\(example.caption)") }
            #expect(example.group == scene.configuration.rawValue)
        }
    }

    @Test func heldOutScenesShowUnseenCombinations() {
        let generator = SpatialScenes(imageSize: 64, heldOutFraction: 0.25, seed: 5)
        #expect(generator.heldOutStyles.count == 6 && generator.trainStyles.count == 18)
        let heldOut = Set(generator.heldOutStyles)
        for scene in generator.scenes(40, split: .train, seed: 1) {
            #expect(!heldOut.contains(scene.subject.style) && !heldOut.contains(scene.object.style))
        }
        for scene in generator.scenes(40, split: .heldOut, seed: 1) {
            #expect(heldOut.contains(scene.subject.style) || heldOut.contains(scene.object.style))
        }
    }

    /// Every phrasing and form of every configuration: the miner finds the generated triple, and
    /// the flipped caption names the opposite configuration.
    @Test func minerRecoversGeneratedTriplesAndFlipsConfigurations() throws {
        let object = SceneObject(style: .init(shape: .sphere, color: .blue), size: .large, x: 0, z: 0, rotation: 0)
        let subject = SceneObject(style: .init(shape: .cube, color: .red), size: .small, x: 1, z: 0, rotation: 0)
        for configuration in SpatialConfiguration.allCases {
            for phrasing in configuration.phrases.indices {
                for form in 0..<3 {
                    for sizes in [false, true] {
                        let scene = SpatialScenes.Scene(subject: subject, object: object, configuration: configuration, phrasing: phrasing,
                                                        form: form, namesSizes: sizes)
                        let (caption, triple) = try SpatialScenes.caption(scene)
                        #expect(RelationMiningTests.miner.triple(in: caption) == triple, "\(caption)")
                        let negative = try #require(try NegativeCaption(of: caption, triple: triple))
                        #expect(SpatialConfiguration(phrase: negative.triple.relation.text) == configuration.opposite, "\(negative.caption)")
                    }
                }
            }
        }
    }

    @Test func trafficFramesCarryTheirStatements() throws {
        let generator = TrafficScenes(imageSize: 128, seed: 0)
        let scenes = generator.scenes(20, split: .train, seed: 9)
        #expect(Set(scenes.map(\.situation)).count == 5 && scenes.filter(\.isAnomalous).count == 10)
        for scene in scenes {
            let example = try generator.example(scene)
            #expect(RelationMiningTests.miner.triple(in: example.caption) == example.triple, "\(example.caption)")
            #expect(example.group == (scene.isAnomalous ? scene.situation.anomaly.rawValue : "normal"))
            let frame = generator.frame(scene)
            #expect(frame.objects.contains { $0.box == frame.subjectBox })
        }
        #expect(TrafficScenes.anomalyDescriptions.contains("A pedestrian is lying on the road."))
        #expect(TrafficScenes.normalDescriptions.count == 5)
    }

    @Test func exportedScenesReadBackInTheVSRFormat() throws {
        let folder = try TemporaryFolder()
        let generator = SpatialScenes(imageSize: 64, seed: 2)
        let examples = try generator.examples(generator.scenes(4, split: .heldOut, seed: 5))
        let manifest = try SceneExport.write(examples, to: folder.url)
        let read = try VisualSpatialReasoning(contentsOf: manifest).examples
        #expect(read.count == 8)
        #expect(read.map(\.label) == [true, false, true, false, true, false, true, false])
        #expect(read[0].caption == examples[0].caption && read[1].caption == examples[0].negative?.caption)
        let box = try #require(read[0].subjectBox)
        #expect(abs(box.x - examples[0].subjectBox.left) < 0.01 && abs(box.width - examples[0].subjectBox.width) < 0.01)
        #expect(read[0].group == examples[0].group)
        let image = try ImageDecoder().decode(contentsOf: folder.url.appendingPathComponent(read[0].image))
        #expect(image == (try examples[0].decodedImage()))
    }
}

/// COCO captions grounded in COCO instances by category name.
@Suite struct COCORelationsTests {
    @Test func captionsAreGroundedToTheLargestInstanceOfTheirCategory() throws {
        let folder = try TemporaryFolder()
        let image = SpatialScenes(imageSize: 64, seed: 1).renderer.render([])
        try PNGEncoder.encode(image).write(to: folder.url.appendingPathComponent("a.png"))
        let images = #"[{"id": 7, "file_name": "a.png", "width": 64, "height": 64}]"#
        let captions = #"{"images": \#(images), "annotations": [{"id": 1, "image_id": 7, "caption": "A man riding a horse."}, "#
            + #"{"id": 2, "image_id": 7, "caption": "A dog sitting next to a cat."}, {"id": 3, "image_id": 7, "caption": "A zebra near a cat."}]}"#
        let categories = #"[{"id": 1, "name": "person"}, {"id": 2, "name": "horse"}, {"id": 3, "name": "dog"}, {"id": 4, "name": "cat"}]"#
        let boxes: [(Int, Int, [Int])] = [(10, 1, [1, 2, 10, 20]), (11, 2, [5, 5, 30, 30]), (12, 3, [0, 0, 4, 4]), (13, 3, [20, 20, 8, 8]),
                                          (14, 4, [40, 40, 6, 6])]
        let annotations = boxes.map { #"{"id": \#($0.0), "image_id": 7, "category_id": \#($0.1), "bbox": \#($0.2)}"# }.joined(separator: ", ")
        let instances = #"{"images": \#(images), "categories": \#(categories), "annotations": [\#(annotations)]}"#
        try Data(captions.utf8).write(to: folder.url.appendingPathComponent("captions.json"))
        try Data(instances.utf8).write(to: folder.url.appendingPathComponent("instances.json"))
        let examples = try COCORelations.examples(captions: folder.url.appendingPathComponent("captions.json"),
                                                  instances: folder.url.appendingPathComponent("instances.json"), imageRoot: folder.url,
                                                  miner: RelationMiningTests.miner)
        #expect(examples.map(\.caption) == ["A man riding a horse.", "A dog sitting next to a cat."])
        #expect(examples[0].subjectBox == PixelBox(left: 1, top: 2, right: 11, bottom: 22))
        #expect(examples[0].objectBox == PixelBox(left: 5, top: 5, right: 35, bottom: 35))
        #expect(examples[1].subjectBox == PixelBox(left: 20, top: 20, right: 28, bottom: 28))
        #expect(examples[1].negative?.caption == "A cat sitting next to a dog.")
        #expect(COCORelations.category(of: "teddy bear", in: ["bear", "teddy bear"]) == "teddy bear")
        #expect(COCORelations.category(of: "skiers", in: ["person", "skis"]) == "person")
    }
}
