import CLinkGrammar
import Foundation

/// Parses sentences with link grammar over a shared `LinkGrammarDictionary`: the complete
/// linkages (or, when asked, those that leave up to `maximumNullCount` words unlinked), best
/// first, as Swift values. Safe to call from several threads at once: each call has its own
/// sentence and options.
public struct LinkGrammarParser: Sendable {
    public let dictionary: LinkGrammarDictionary
    /// Linkages read per sentence (link-grammar samples that many when there are more).
    public var linkageLimit: Int
    /// Seconds one sentence may take before link-grammar stops with what it has.
    public var timeLimit: Int

    public init(dictionary: LinkGrammarDictionary, linkageLimit: Int = 16, timeLimit: Int = 2) {
        self.dictionary = dictionary
        self.linkageLimit = linkageLimit
        self.timeLimit = timeLimit
    }

    /// The linkages of `sentence` without rule violations, lowest cost first; empty when link
    /// grammar finds none with at most `maximumNullCount` unlinked words.
    public func parse(_ sentence: String, maximumNullCount: Int = 0) -> [LinkGrammarLinkage] {
        LinkGrammarMessages.silence()
        guard let options = parse_options_create() else { return [] }
        defer { parse_options_delete(options) }
        parse_options_set_verbosity(options, 0)
        parse_options_set_linkage_limit(options, Int32(linkageLimit))
        parse_options_set_max_parse_time(options, Int32(timeLimit))
        parse_options_set_min_null_count(options, 0)
        parse_options_set_max_null_count(options, Int32(maximumNullCount))
        parse_options_set_islands_ok(options, false)
        parse_options_set_repeatable_rand(options, true)
        guard let parsed = sentence_create(sentence, dictionary.handle) else { return [] }
        defer { sentence_delete(parsed) }
        let found = Int(sentence_parse(parsed, options))
        guard found > 0 else { return [] }
        var result: [LinkGrammarLinkage] = []
        for index in 0..<min(found, linkageLimit) where sentence_num_violations(parsed, index) == 0 {
            guard let linkage = linkage_create(index, parsed, options) else { continue }
            defer { linkage_delete(linkage) }
            let words = (0..<linkage_get_num_words(linkage)).map { word in
                LinkGrammarLinkage.Word(entry: String(cString: linkage_get_word(linkage, word)),
                                        characters: linkage_get_word_char_start(linkage, word)..<linkage_get_word_char_end(linkage, word))
            }
            let links = (0..<linkage_get_num_links(linkage)).map { link in
                LinkGrammarLinkage.Link(label: String(cString: linkage_get_link_label(linkage, link)),
                                        left: linkage_get_link_lword(linkage, link), right: linkage_get_link_rword(linkage, link))
            }
            result.append(LinkGrammarLinkage(words: words, links: links, cost: Double(linkage_disjunct_cost(linkage))))
        }
        return result
    }
}
