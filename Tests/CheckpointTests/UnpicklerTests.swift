import Foundation
import Testing
@testable import Checkpoint

/// The same Python value pickled by CPython 3.11 with protocols 0 to 5 (`values_protocol*.pkl`).
struct UnpicklerTests {
    /// `plain_values()` of scripts/fixtures/checkpoints.py, as the unpickler must rebuild it.
    static let expected: PickleValue = .dictionary([
        entry("integers", .list([0, 1, -1, 255, 256, 65535, 65536, -2_147_483_648, 2_147_483_648, Int.max, Int.min].map(PickleValue.integer))),
        entry("big", .list([
            .bigInteger([0, 0, 0, 0, 0, 0, 0, 0, 1]),                        // 2**64
            .bigInteger([0, 0, 0, 0, 0, 0, 0, 0, 0xC0]),                     // -2**70
            .bigInteger([7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10]),         // 2**100 + 7
        ])),
        entry("floats", .list([.float(1.5), .float(-0.0), .float(.infinity), .float(Double("1e-310")!), .float(0.1)])),
        entry("text", .string("h\u{e9}llo \u{4e16}\u{754c}\n'\"\\ \u{1F600}")),
        entry("bytes", .bytes([0, 255, 97, 98, 10])),
        entry("empty_bytes", .bytes([])),
        entry("byte_array", .bytes([120, 121])),
        entry("set", .set([.integer(3)])),
        entry("frozen", .set([.integer(4)])),
        entry("tuple", .tuple([.integer(1), .tuple([.integer(2)]), .tuple([])])),
        entry("nested", .dictionary([
            entry("a", .dictionary([entry("b", .list([.none, .bool(true), .bool(false)]))])),
            PickleDictionaryEntry(key: .integer(7), value: .string("seven")),
        ])),
        entry("shared", .list([.list([.integer(1), .integer(2)]), .list([.integer(1), .integer(2)])])),
    ])

    /// 1e-310, spelled so the compiler does not warn about the subnormal literal.
    static let subnormal = Double("1e-310")!

    static func entry(_ key: String, _ value: PickleValue) -> PickleDictionaryEntry {
        PickleDictionaryEntry(key: .string(key), value: value)
    }

    @Test(arguments: 0...5)
    func decodesEveryProtocol(protocolVersion: Int) throws {
        let value = try Unpickler.value(contentsOf: CheckpointFixtures.url("values_protocol\(protocolVersion).pkl"))
        #expect(value == Self.expected)
        // -0.0 keeps its sign, 1e-310 stays subnormal.
        let floats = try #require(value["floats"]?.elements)
        #expect(floats[1].doubleValue?.sign == .minus)
        #expect(floats[3].doubleValue == Self.subnormal)
    }

    @Test func sharedListsAreFilledAfterMemoisation() throws {
        // EMPTY_LIST, BINPUT 0, MARK, 1, 2, APPENDS, then BINGET 0 twice into a tuple.
        let bytes: [UInt8] = [0x80, 2, 0x5D, 0x71, 0, 0x28, 0x4B, 1, 0x4B, 2, 0x65, 0x30, 0x68, 0, 0x68, 0, 0x86, 0x2E]
        #expect(try Unpickler.value(of: bytes) == .tuple([.list([.integer(1), .integer(2)]), .list([.integer(1), .integer(2)])]))
    }

    @Test func repeatedDictKeysKeepTheirFirstPosition() throws {
        // EMPTY_DICT, MARK, 'a' 1, 'b' 2, 'a' 3, SETITEMS
        let bytes: [UInt8] = [0x7D, 0x28, 0x8C, 1, 97, 0x4B, 1, 0x8C, 1, 98, 0x4B, 2, 0x8C, 1, 97, 0x4B, 3, 0x75, 0x2E]
        #expect(try Unpickler.value(of: bytes) == .dictionary([Self.entry("a", .integer(3)), Self.entry("b", .integer(2))]))
    }

    @Test func protocolZeroTextOpcodes() throws {
        // Python 2 style: STRING with escapes, INT booleans, LONG with suffix, PUT/GET, DICT, TUPLE.
        let text = "(dp0\nS'k\\x41\\n\\''\np1\nI01\nsS'big'\np2\nL-18446744073709551617L\nsS'again'\ng1\nsS'tup'\n(I00\nF2.5\ntp3\ns."
        let value = try Unpickler.value(of: Array(text.utf8))
        // 'k\x41\n\'' decodes to k, A, newline, quote
        #expect(value == .dictionary([
            Self.entry("kA\n'", .bool(true)),
            Self.entry("big", .bigInteger([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE])),
            Self.entry("again", .string("kA\n'")),
            Self.entry("tup", .tuple([.bool(false), .float(2.5)])),
        ]))
    }

    @Test(arguments: [
        ([0x80, 2, 0x86, 0x2E], "stack underflow"),
        ([0x80, 2, 0x30, 0x2E], "no MARK on the stack"),
        ([0x80, 2, 0xFF], "unknown opcode 0xff"),
        ([0x80, 2, 0x68, 5, 0x2E], "memo entry 5 was never stored"),
        ([0x80, 2, 0x4B, 1, 0x4B, 2, 0x61, 0x2E], "APPEND to a value that is not a list"),
        ([0x80, 2, 0x4B, 1, 0x29, 0x52, 0x2E], "REDUCE on a value that is not a whitelisted callable"),
        ([0x80, 9, 0x4E, 0x2E], "uses pickle protocol 9"),
        ([0x80, 2, 0x82, 1, 0x2E], "copyreg extension registry"),
        ([0x80, 5, 0x97, 0x2E], "out-of-band buffers"),
        ([0x80, 2, 0x4E, 0x51, 0x2E], "persistent ids outside a PyTorch checkpoint"),
        ([0x80, 2, 0x75, 0x2E], "no MARK on the stack"),
    ] as [([UInt8], String)])
    func malformedPicklesThrow(bytes: [UInt8], message: String) {
        let text = errorMessage { _ = try Unpickler.value(of: bytes) }
        #expect(text?.contains(message) == true, "\(text ?? "no error")")
    }

    @Test func lengthFieldsNeverAllocateBeyondTheData() {
        // BINBYTES8 claiming 2**62 bytes, LONG4 claiming 2**31 - 1 bytes, BINUNICODE claiming 4 GiB.
        let cases: [[UInt8]] = [
            [0x80, 4, 0x8E, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x2E],
            [0x80, 2, 0x8B, 0xFF, 0xFF, 0xFF, 0x7F, 0x2E],
            [0x80, 2, 0x58, 0xFF, 0xFF, 0xFF, 0xFF, 0x2E],
        ]
        for bytes in cases {
            #expect(errorMessage { _ = try Unpickler.value(of: bytes) }?.contains("is truncated") == true)
        }
    }

    @Test func selfReferenceAndDeepNestingAreBounded() {
        // A list appended to itself: EMPTY_LIST, BINPUT 0, BINGET 0, APPEND, STOP.
        let cyclic: [UInt8] = [0x80, 2, 0x5D, 0x71, 0, 0x68, 0, 0x61, 0x2E]
        #expect(errorMessage { _ = try Unpickler.value(of: cyclic) }?.contains("refer to themselves") == true)
        // 10 000 nested lists.
        let deep: [UInt8] = [0x80, 2] + [UInt8](repeating: 0x5D, count: 10_000) + [UInt8](repeating: 0x61, count: 9_999) + [0x2E]
        #expect(errorMessage { _ = try Unpickler.value(of: deep) }?.contains("nest deeper than 200") == true)
        // Shared references doubling at each level: 2**40 nodes once copied.
        var doubling: [UInt8] = [0x80, 2, 0x4E]
        for _ in 0..<40 { doubling += [0x32, 0x86] }  // DUP, TUPLE2
        doubling.append(0x2E)
        #expect(errorMessage { _ = try Unpickler.value(of: doubling) }?.contains("exceeds 5000000 nodes") == true)
        // A 512k-node key inserted again and again: one budget covers every freeze.
        var repeated: [UInt8] = [0x80, 2, 0x7D, 0x4E]
        for _ in 0..<18 { repeated += [0x32, 0x86] }
        repeated += [0x71, 0, 0x30]  // BINPUT 0, POP
        for index in 0..<12 { repeated += [0x68, 0, 0x4B, UInt8(index), 0x73] }  // BINGET 0, value, SETITEM
        repeated.append(0x2E)
        #expect(errorMessage { _ = try Unpickler.value(of: repeated) }?.contains("exceeds 5000000 nodes") == true)
    }
}
