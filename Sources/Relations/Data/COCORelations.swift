import Datasets
import Foundation

/// Relation examples from real captioned images: COCO captions with COCO instances (Lin et al.
/// 2014), the seed data of SA-CLIP's curation (Li et al. 2025, §2.1). Each caption's triple is
/// mined with link grammar, and its subject and object are grounded to the image's annotated
/// objects by category name: a phrase matches a category whose name is the phrase, ends with
/// its head noun ("bear" → "teddy bear" only when nothing else matches), or is listed as its
/// synonym (`categorySynonyms`: "man", "woman", "boy", "skier" … → "person"). Each phrase takes
/// the largest non-crowd instance of its category; subject and object must be different
/// instances. Captions whose triple does not ground are left out.
public enum COCORelations {
    /// Head nouns of captions and the COCO category they name.
    public static let categorySynonyms: [String: String] = [
        "man": "person", "woman": "person", "men": "person", "women": "person", "people": "person", "boy": "person",
        "girl": "person", "child": "person", "kid": "person", "player": "person", "skier": "person", "surfer": "person",
        "skateboarder": "person", "snowboarder": "person", "guy": "person", "lady": "person", "rider": "person",
        "bike": "bicycle", "motorbike": "motorcycle", "plane": "airplane", "jet": "airplane", "table": "dining table",
        "phone": "cell phone", "television": "tv", "sofa": "couch", "glass": "wine glass", "racket": "tennis racket",
        "ball": "sports ball", "puppy": "dog", "kitten": "cat", "doughnut": "donut", "fridge": "refrigerator",
    ]

    /// The category a phrase names among `categories`, if any.
    public static func category(of phrase: String, in categories: [String]) -> String? {
        let text = phrase.lowercased()
        if categories.contains(text) { return text }
        let head = text.split(separator: " ").last.map(String.init) ?? text
        let singular = head.hasSuffix("s") && !head.hasSuffix("ss") ? String(head.dropLast()) : head
        for candidate in [head, singular] {
            if categories.contains(candidate) { return candidate }
            if let synonym = categorySynonyms[candidate], categories.contains(synonym) { return synonym }
        }
        return categories.first { $0.hasSuffix(" " + head) || $0.hasSuffix(" " + singular) }
    }

    /// The grounded examples of a captions file and an instances file over the same images.
    public static func examples(captions captionsURL: URL, instances instancesURL: URL, imageRoot: URL,
                                miner: RelationMiner) throws -> [RelationExample] {
        let captions = try COCOCaptions(contentsOf: captionsURL)
        let instances = try COCOInstances(contentsOf: instancesURL)
        let names = instances.categories.map { $0.name.lowercased() }
        let positions = Dictionary(instances.images.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { first, _ in first })
        let triples = miner.triples(in: captions.captions.map(\.text))
        var result: [RelationExample] = []
        for (caption, triple) in zip(captions.captions, triples) {
            guard let triple, let image = positions[captions.images[caption.image].id] else { continue }
            func instance(_ phrase: CaptionPhrase, excluding: Int?) -> Int? {
                guard let name = category(of: phrase.text, in: names) else { return nil }
                return instances.objectsOfImage[image].filter { object in
                    let item = instances.objects[object]
                    return !item.isCrowd && names[item.category] == name && object != excluding
                }.max { instances.objects[$0].box.width * instances.objects[$0].box.height < instances.objects[$1].box.width * instances.objects[$1].box.height }
            }
            guard let subject = instance(triple.subject, excluding: nil), let object = instance(triple.object, excluding: subject) else { continue }
            result.append(RelationExample(image: .file(imageRoot.appendingPathComponent(instances.images[image].fileName).path),
                                          caption: caption.text, triple: triple,
                                          negative: try NegativeCaption(of: caption.text, triple: triple),
                                          subjectBox: PixelBox(instances.objects[subject].box), objectBox: PixelBox(instances.objects[object].box),
                                          label: true, group: triple.relation.text.lowercased()))
        }
        return result
    }
}
