import Foundation
import Testing
@testable import Checkpoint

/// Gzip inflation (`Inflater.gunzip`), the one gzip reader of the project (vocabularies, idx files).
@Suite struct GzipTests {
    /// `printf 'hello gzip\n' | gzip -n | xxd -i`
    static let member: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xCB, 0x48, 0xCD, 0xC9, 0xC9,
                                  0x57, 0x48, 0xAF, 0xCA, 0x2C, 0xE0, 0x02, 0x00, 0x39, 0x7C, 0x63, 0x56, 0x0B, 0x00, 0x00, 0x00]

    @Test func inflatesMembersInTurn() throws {
        let member = Self.member
        #expect(Inflater.isGzip(member))
        #expect(!Inflater.isGzip(Array("hello".utf8)) && !Inflater.isGzip([UInt8]()))
        #expect(try Inflater.gunzip(member) == Array("hello gzip\n".utf8))
        #expect(try Inflater.gunzip(member + member) == Array("hello gzip\nhello gzip\n".utf8))
        // Zero padding after the last member is tolerated, as gunzip does.
        #expect(try Inflater.gunzip(member + [0, 0, 0, 0]) == Array("hello gzip\n".utf8))
    }

    @Test func damagedDataFailsWithAReason() {
        let member = Self.member
        #expect(throws: Inflater.Failure("gzip member 1 ends before its trailer (the data is truncated)")) {
            try Inflater.gunzip(Array(member.prefix(20)))
        }
        #expect(throws: Inflater.Failure("gzip member 2 ends before its trailer (the data is truncated)")) {
            try Inflater.gunzip(member + member.prefix(20))
        }
        var corrupted = member
        corrupted[25] ^= 0xFF  // CRC-32
        #expect(throws: Inflater.Failure("gzip member 1 is corrupt (incorrect data check)")) { try Inflater.gunzip(corrupted) }
        #expect(throws: Inflater.Failure("the data does not start with the gzip magic 1f 8b")) { try Inflater.gunzip(Array("plain".utf8)) }
        // Text after a member that is neither padding nor another member.
        #expect(throws: Inflater.Failure("gzip member 2 is corrupt (incorrect header check)")) {
            try Inflater.gunzip(member + Array("trailing".utf8))
        }
    }
}
