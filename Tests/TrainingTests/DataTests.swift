import Datasets
import Foundation
import Imaging
import Tensor
import TestSupport
import Testing
@testable import Training

@Suite struct OrderAndSamplingTests {
    @Test func shuffledBatchesArePermutationsPerEpochAndResumable() {
        var order = ShuffledBatches(count: 10, batchSize: 3, seed: 7)
        #expect(order.batchesPerEpoch == 3)
        let epoch0 = (0..<3).flatMap { _ in order.next() }
        #expect(Set(epoch0).count == 9)
        #expect(order.position == .init(epoch: 1, batch: 0))
        let saved = order.position
        let epoch1 = (0..<3).flatMap { _ in order.next() }
        #expect(epoch1 != epoch0)
        var restored = ShuffledBatches(count: 10, batchSize: 3, seed: 7)
        restored.position = saved
        #expect((0..<3).flatMap { _ in restored.next() } == epoch1)
        #expect(ShuffledBatches(count: 10, batchSize: 3, seed: 7).order(epoch: 4) == order.order(epoch: 4))
    }

    @Test func tripletsRespectClasses() {
        let labels = [0, 0, 0, 1, 1, 2, 3]  // class 3 has one image: never an anchor class
        var sampler = TripletSampler(labels: labels, classCount: 4, generator: SeededGenerator(seed: 3))
        for triplet in sampler.next(500) {
            #expect(labels[triplet.anchor] == labels[triplet.positive] && triplet.anchor != triplet.positive)
            #expect(labels[triplet.negative] != labels[triplet.anchor])
            #expect(labels[triplet.anchor] != 3 && labels[triplet.anchor] != 2)
        }
        let (indices, batchLabels) = sampler.balancedBatch(classes: 2, perClass: 2)
        #expect(Set(indices).count == 4 && batchLabels[0] == batchLabels[1] && batchLabels[2] == batchLabels[3])
        #expect(batchLabels[0] != batchLabels[2])
        #expect(zip(indices, batchLabels).allSatisfy { labels[$0] == $1 })
    }
}

@Suite struct CaptionedDataTests {
    @Test func readsQuotedCSVAndJSONLines() throws {
        let folder = try TemporaryFolder()
        let csv = folder.file("pairs.csv")
        try "filepath\ttitle\nimages/a.png\t\"a dog, \"\"running\"\"\nfast\"\n/abs/b.jpg\tplain\n"
            .write(to: csv, atomically: true, encoding: .utf8)
        let manifest = try CaptionedImageManifest(contentsOf: csv, imageKey: "filepath", captionKey: "title", separator: "\t")
        #expect(manifest.entries == [
            CaptionedImage(imagePath: folder.file("images/a.png").path, caption: "a dog, \"running\"\nfast"),
            CaptionedImage(imagePath: "/abs/b.jpg", caption: "plain"),
        ])
        #expect(throws: DatasetError.missingColumn(path: csv.path, column: "caption", available: ["filepath", "title"])) {
            try CaptionedImageManifest(contentsOf: csv, imageKey: "filepath", separator: "\t")
        }
        let jsonl = folder.file("pairs.jsonl")
        try "{\"image\": \"x.png\", \"caption\": \"one\"}\n\n{\"image\": \"y.png\", \"caption\": 3}\n"
            .write(to: jsonl, atomically: true, encoding: .utf8)
        #expect(throws: DatasetError.malformed(path: jsonl.path, line: 3,
                                               reason: "needs string fields \"image\" and \"caption\"")) {
            try CaptionedImageManifest(contentsOf: jsonl)
        }
    }

    @Test func readsCOCOCaptionsOnePairPerCaption() throws {
        let folder = try TemporaryFolder()
        let annotations = folder.file("captions_val2017.json")
        try """
            {"info": {}, "images": [{"id": 7, "file_name": "000007.jpg"}, {"id": 9, "file_name": "000009.jpg"}],
             "annotations": [{"id": 1, "image_id": 9, "caption": "a bus"}, {"id": 2, "image_id": 7, "caption": "a cat"},
                             {"id": 3, "image_id": 9, "caption": "a red bus"}]}
            """.write(to: annotations, atomically: true, encoding: .utf8)
        let root = URL(fileURLWithPath: "/data/coco/val2017", isDirectory: true)
        let manifest = try CaptionedImageManifest(contentsOf: annotations, imageRoot: root)
        #expect(manifest.entries == [
            CaptionedImage(imagePath: "/data/coco/val2017/000009.jpg", caption: "a bus"),
            CaptionedImage(imagePath: "/data/coco/val2017/000007.jpg", caption: "a cat"),
            CaptionedImage(imagePath: "/data/coco/val2017/000009.jpg", caption: "a red bus"),
        ])
        try #"{"images": [{"id": 7, "file_name": "a.jpg"}], "annotations": [{"image_id": 8, "caption": "x"}]}"#
            .write(to: annotations, atomically: true, encoding: .utf8)
        #expect(throws: DatasetError.unknownReference(path: annotations.path, record: "annotations[0]", reference: "image 8")) {
            try CaptionedImageManifest(contentsOf: annotations)
        }
    }

    @Test func syntheticShapesAreSeededCaptionedAndSplitByLayout() throws {
        let shapes = SyntheticShapes(canvasSize: 48, heldOutFraction: 0.25, seed: 1)
        #expect(shapes.trainLayouts.count + shapes.heldOutLayouts.count == 420)
        #expect(shapes.heldOutLayouts.count == 105)
        #expect(Set(shapes.trainLayouts).isDisjoint(with: shapes.heldOutLayouts))
        let train = shapes.examples(40, split: .train, seed: 9)
        let again = shapes.examples(40, split: .train, seed: 9)
        #expect(train.map(\.caption) == again.map(\.caption) && train.map(\.image) == again.map(\.image))
        let heldOut = shapes.examples(40, split: .heldOut, seed: 9)
        #expect(heldOut.allSatisfy { shapes.heldOutLayouts.contains($0.scene.canonical) })
        #expect(train.allSatisfy { shapes.trainLayouts.contains($0.scene.canonical) })
        let caption = train[0].caption
        #expect(caption.hasPrefix("a ") && ["left of", "right of", "above", "below"].contains { caption.contains(" \($0) a ") })

        // The drawing obeys the caption: the first object's colour lies on the stated side.
        for example in train {
            func centre(of color: SyntheticShapes.Color) -> (Double, Double) {
                var sumX = 0.0, sumY = 0.0, count = 0.0
                for y in 0..<example.image.height {
                    for x in 0..<example.image.width where example.image[x, y] == color.rgb {
                        sumX += Double(x); sumY += Double(y); count += 1
                    }
                }
                return (sumX / count, sumY / count)
            }
            guard example.scene.first.color != example.scene.second.color else { continue }
            let first = centre(of: example.scene.first.color), second = centre(of: example.scene.second.color)
            switch example.scene.relation {
            case .leftOf: #expect(first.0 < second.0)
            case .rightOf: #expect(first.0 > second.0)
            case .above: #expect(first.1 < second.1)
            case .below: #expect(first.1 > second.1)
            }
        }

        // PNG files and a JSON-lines manifest that read back to the same pixels and captions.
        let folder = try TemporaryFolder()
        let manifestURL = try SyntheticShapes.write(Array(train.prefix(3)), to: folder.url)
        let manifest = try CaptionedImageManifest(contentsOf: manifestURL)
        #expect(manifest.entries.map(\.caption) == train.prefix(3).map(\.caption))
        let decoded = try ImageDecoder().decode(contentsOf: URL(fileURLWithPath: manifest.entries[0].imagePath))
        #expect(decoded == train[0].image)
    }
}
