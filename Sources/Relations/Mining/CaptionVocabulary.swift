/// Our extension of link-grammar's English dictionary for image captions (data, merged into the
/// system dictionary by `LinkGrammarDictionary`): common caption nouns the dictionary lacks
/// (laptop, frisbee, surfer, snowboard, tv …), which it would otherwise only guess from their
/// spelling ("the *remote*" is only an adjective there), COCO's two-word category names
/// ("hot dog", "traffic light", "hair drier") as idioms so a subject or object keeps both words,
/// plurals that captions treat as one thing ("the skis is"), two-word prepositions ("left of")
/// and VSR's verbal relation "has as a part". Entries reuse the dictionary's own classes
/// (`<common-const-noun>`, `<common-vowel-noun>` for "an", `<generic-plural-id>` for plurals, the
/// expression of a defined word such as `contains.v`).
public enum CaptionVocabulary {
    /// Singular count nouns that take "a".
    public static let consonantNouns = [
        "laptop", "frisbee", "snowboard", "snowboarder", "surfer", "tv", "skatepark", "selfie", "bicyclist",
        "kiteboarder", "wakeboard", "wakeboarder", "paddleboard", "scooter", "minivan", "motorbike", "hoverboard",
        "remote", "hot_dog", "dining_table", "potted_plant", "parking_meter", "teddy_bear", "fire_hydrant", "cell_phone",
        "traffic_light", "stop_sign", "sports_ball", "baseball_bat", "baseball_glove", "tennis_racket", "wine_glass",
        "hair_drier", "hair_dryer",
    ]
    /// Singular count nouns that take "an".
    public static let vowelNouns = ["iphone", "ipad", "suv"]
    /// Plurals of the above.
    public static let pluralNouns = [
        "laptops", "frisbees", "snowboards", "snowboarders", "surfers", "tvs", "skateparks", "selfies", "bicyclists",
        "kiteboarders", "wakeboards", "wakeboarders", "paddleboards", "scooters", "minivans", "motorbikes", "hoverboards",
        "hot_dogs", "dining_tables", "potted_plants", "parking_meters", "teddy_bears", "fire_hydrants", "cell_phones",
        "iphones", "ipads", "suvs", "remotes", "traffic_lights", "stop_signs", "sports_balls", "baseball_bats", "baseball_gloves",
        "tennis_rackets", "wine_glasses", "hair_driers", "hair_dryers",
    ]
    /// Plural forms that captions use as one object with "is" ("the skis is"), as singular nouns
    /// under their own subscript.
    public static let singularPlurals = ["skis", "scissors", "pants", "jeans", "glasses", "shorts"]
    /// Multi-word verbs and a defined verb whose expression they take.
    public static let verbIdioms = [("has_as_a_part", "contains.v")]

    /// Two-word prepositions the dictionary lacks ("the cat is left of the dog"), with the
    /// dictionary's expression for "next to" and "in front of" at a cost of 1, so "to the left
    /// of" still reads "left" as a noun.
    public static let prepositions = ["left_of", "right_of"]

    /// The entries in link-grammar's dictionary syntax (`word.n …: expression;`).
    public static var dictionaryEntries: String {
        func words(_ list: [String]) -> String { list.map { $0 + ".n" }.joined(separator: " ") }
        return """
            % CLIPKit: caption nouns missing from the English dictionary.
            \(words(consonantNouns)):
              <marker-common-entity> or <common-const-noun>;
            \(words(vowelNouns)):
              <marker-common-entity> or <common-vowel-noun>;
            \(words(pluralNouns)):
              <marker-common-entity> or <generic-plural-id>;
            \(singularPlurals.map { $0 + ".ns" }.joined(separator: " ")):
              <marker-common-entity> or <common-const-noun>;
            \(verbIdioms.map { "\($0.0).v: \($0.1);" }.joined(separator: "\n"))
            \(prepositions.joined(separator: " ")):
              [<alter-preps> or <locative> or (J+ & (<prep-main-b> or FM- or <fronted>))];

            """
    }
}
