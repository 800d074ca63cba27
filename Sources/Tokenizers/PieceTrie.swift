/// A byte trie over vocabulary pieces for prefix search: from a position of a UTF-8 byte string,
/// every piece that starts there, shortest first. One flat table maps (node, byte) to the child
/// node; each node may end a piece.
struct PieceTrie: Sendable {
    private var children: [Int: Int32] = [:]
    private var values: [Int32] = [-1]

    /// A trie of `pieces` (UTF-8 bytes, id); a later duplicate keeps the earlier id.
    init<Pieces: Sequence>(_ pieces: Pieces) where Pieces.Element == (bytes: [UInt8], id: Int) {
        for (bytes, id) in pieces where !bytes.isEmpty {
            var node = 0
            for byte in bytes {
                let key = node << 8 | Int(byte)
                if let child = children[key] {
                    node = Int(child)
                } else {
                    values.append(-1)
                    children[key] = Int32(values.count - 1)
                    node = values.count - 1
                }
            }
            if values[node] < 0 { values[node] = Int32(id) }
        }
    }

    var isEmpty: Bool { children.isEmpty }

    /// Calls `body(end, id)` for each piece `bytes[start..<end]`, in increasing `end`, up to `limit`.
    @inline(__always)
    func forEachPrefix(of bytes: [UInt8], from start: Int, limit: Int? = nil, _ body: (Int, Int) -> Void) {
        var node = 0
        var index = start
        let end = limit ?? bytes.count
        while index < end, let child = children[node << 8 | Int(bytes[index])] {
            node = Int(child)
            index += 1
            let value = values[node]
            if value >= 0 { body(index, Int(value)) }
        }
    }

    /// The longest piece starting at `start`: its end and id.
    func longestPrefix(of bytes: [UInt8], from start: Int) -> (end: Int, id: Int)? {
        var longest: (end: Int, id: Int)?
        forEachPrefix(of: bytes, from: start) { end, id in longest = (end, id) }
        return longest
    }
}

/// UTF-8 helpers on byte arrays.
enum UTF8Bytes {
    /// SentencePiece's `OneCharLen`: the length a lead byte announces (1 for continuation bytes).
    @inline(__always)
    static func characterLength(leadByte byte: UInt8) -> Int {
        switch byte >> 4 {
        case 0xC, 0xD: 2
        case 0xE: 3
        case 0xF: 4
        default: 1
        }
    }
}
