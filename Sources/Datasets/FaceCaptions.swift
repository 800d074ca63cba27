/// Captions of a face photo synthesised from its attributes with fixed templates, the way
/// Multi-Modal CelebA-HQ builds its descriptions (Xia et al. 2021, "TediGAN"): attribute phrases
/// put into several sentence patterns, so a model sees varied wording for the same content.
/// Deterministic: the same attributes always give the same list, every caption mentions every
/// annotated attribute that is present, and the first caption is the plainest.
///
/// ```
/// a photo of a man with short dark hair, glasses and a beard, smiling
/// this man has short dark hair and a beard. he wears glasses. he is smiling.
/// a smiling man with short dark hair, glasses and a beard
/// a face of a man with short dark hair, glasses and a beard, smiling, looking at the camera
/// ```
public enum FaceCaptions {
    /// The captions of `attributes` (four patterns).
    public static func captions(for attributes: FaceAttributes) -> [String] {
        let noun = attributes.gender == .male ? "man" : "woman"
        let pronoun = attributes.gender == .male ? "he" : "she"
        let features = featurePhrases(attributes)  // "short dark hair", "glasses", "a beard", …
        let states = statePhrases(attributes)  // "smiling", "with closed eyes", "head turned to the left"
        let withList = features.isEmpty ? "" : " with " + joined(features)
        let first = "a photo of a \(noun)\(withList)" + (states.isEmpty ? "" : ", " + states.joined(separator: ", "))

        var sentences = ["this \(noun) has " + joined(features.filter { $0 != "glasses" })]
        if features.filter({ $0 != "glasses" }).isEmpty { sentences = ["this is a \(noun)"] }
        if attributes.glasses { sentences.append("\(pronoun) wears glasses") }
        if attributes.smiling { sentences.append("\(pronoun) is smiling") }
        if attributes.eyesClosed { sentences.append("\(pronoun) has \(pronoun == "he" ? "his" : "her") eyes closed") }
        if attributes.head != .frontal { sentences.append("\(pronoun) looks to the \(attributes.head.rawValue)") }
        let second = sentences.joined(separator: ". ") + "."

        let otherStates = states.filter { $0 != "smiling" }
        let third = "a \(attributes.smiling ? "smiling " : "")\(noun)\(withList)"
            + (otherStates.isEmpty ? "" : ", " + otherStates.joined(separator: ", "))
        let fourth = "a face of a \(noun)\(withList)"
            + (states.isEmpty ? "" : ", " + states.joined(separator: ", "))
            + (attributes.head == .frontal ? ", looking at the camera" : "")
        return [first, second, third, fourth]
    }

    /// Hair, glasses, beard, moustache, in that order ("bald" for a bald head).
    static func featurePhrases(_ attributes: FaceAttributes) -> [String] {
        var phrases: [String] = []
        switch attributes.hairLength {
        case .bald: phrases.append("a bald head")
        case .short, .long: phrases.append("\(attributes.hairLength.rawValue) \(attributes.hairColour.rawValue) hair")
        }
        if attributes.glasses { phrases.append("glasses") }
        if attributes.beard { phrases.append("a beard") }
        if attributes.moustache { phrases.append("a moustache") }
        return phrases
    }

    /// Expression and pose.
    static func statePhrases(_ attributes: FaceAttributes) -> [String] {
        var phrases: [String] = []
        if attributes.smiling { phrases.append("smiling") }
        if attributes.eyesClosed { phrases.append("with closed eyes") }
        if attributes.head != .frontal { phrases.append("head turned to the \(attributes.head.rawValue)") }
        return phrases
    }

    /// "a", "a and b", "a, b and c".
    static func joined(_ phrases: [String]) -> String {
        switch phrases.count {
        case 0: return ""
        case 1: return phrases[0]
        default: return phrases.dropLast().joined(separator: ", ") + " and " + phrases[phrases.count - 1]
        }
    }
}
