/// One complete parse of a sentence by link grammar: its words (with their dictionary entries
/// and characters) and the labelled links between them (Sleator & Temperley 1993). Word 0 is the
/// LEFT-WALL and the last word the RIGHT-WALL; links connect a left word to a right word.
public struct LinkGrammarLinkage: Sendable, Equatable {
    /// A word of the parse.
    public struct Word: Sendable, Equatable {
        /// The dictionary entry that matched: "cat.n", "is.v", "laptop.n", "surfer[?].n" (a guess),
        /// "on", "LEFT-WALL".
        public let entry: String
        /// Start ..< end in Unicode scalars of the parsed sentence (empty for the walls).
        public let characters: Range<Int>

        public init(entry: String, characters: Range<Int>) {
            self.entry = entry
            self.characters = characters
        }

        /// The entry without its subscript or guess mark, lower-cased: "cat", "surfer", "hot_dog".
        public var base: String {
            var text = Substring(entry)
            if let bracket = text.firstIndex(of: "[") { text = text[..<bracket] }
            if let dot = text.lastIndex(of: "."), dot != text.startIndex { text = text[..<dot] }
            return text.lowercased()
        }

        /// The subscript tag after the last dot ("n", "v-d", "n-u"), or nil ("on", "the").
        public var subscriptTag: String? {
            guard let dot = entry.lastIndex(of: "."), dot != entry.startIndex, entry.index(after: dot) != entry.endIndex else { return nil }
            let tail = entry[entry.index(after: dot)...]
            return tail.contains("]") ? nil : String(tail)
        }

        /// Whether link-grammar guessed the word (not in the dictionary).
        public var isGuessed: Bool { entry.contains("[?]") || entry.contains("[~]") || entry.contains("[!]") }
    }

    /// A link: `label` ("Ss*s", "Pp", "Js", "MVp", "_IBJH" for the parts of an idiom) from word
    /// `left` to word `right` (`left < right`).
    public struct Link: Sendable, Equatable {
        public let label: String
        public let left: Int
        public let right: Int

        public init(label: String, left: Int, right: Int) {
            self.label = label
            self.left = left
            self.right = right
        }

        /// The link type: the label's leading capitals ("Ss*s" → "S", "SIs*x" → "SI", "MVp" → "MV",
        /// "Mp" → "M"); "ID" for the links that join the words of an idiom ("_IBJH").
        public var type: String {
            if label.hasPrefix("_") || label.hasPrefix("ID") { return "ID" }
            return String(label.prefix { $0.isUppercase })
        }

        /// The first lower-case letter after the type ("Pp" → "p", "Pg*b" → "g", "Mv" → "v"), or nil.
        public var subtype: Character? {
            label.dropFirst(type.count).first { $0.isLowercase }
        }
    }

    public let words: [Word]
    public let links: [Link]
    /// link-grammar's disjunct cost (lower is more plausible).
    public let cost: Double

    public init(words: [Word], links: [Link], cost: Double) {
        self.words = words
        self.links = links
        self.cost = cost
    }

    /// The links that touch `word`, with the word at their other end.
    public func links(of word: Int) -> [(link: Link, other: Int)] {
        links.compactMap { link in
            link.left == word ? (link, link.right) : link.right == word ? (link, link.left) : nil
        }
    }

    /// The words `word` reaches through links of `type` to its right.
    public func rightNeighbours(of word: Int, type: String) -> [Int] {
        links.filter { $0.left == word && $0.type == type }.map(\.right)
    }

    /// The words `word` reaches through links of `type` to its left.
    public func leftNeighbours(of word: Int, type: String) -> [Int] {
        links.filter { $0.right == word && $0.type == type }.map(\.left)
    }

    /// `word` and the words joined to it into one idiom ("in front of", "next to"), in order.
    public func idiom(containing word: Int) -> [Int] {
        var members: Set<Int> = [word], frontier = [word]
        while let current = frontier.popLast() {
            for (link, other) in links(of: current) where link.type == "ID" && members.insert(other).inserted {
                frontier.append(other)
            }
        }
        return members.sorted()
    }
}
