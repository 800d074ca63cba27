import ArgumentParser
import CLIPKit
import Foundation
import Relations

/// `clipkit relations …`: relation-aware CLIP's text side.
struct RelationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relations",
        abstract: "Subject–relation–object triples of captions (SA-CLIP's mining).",
        subcommands: [RelationsMineCommand.self])
}

struct RelationsMineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mine",
        abstract: "Mine a subject–relation–object triple from each caption with link grammar.",
        discussion: """
            Reads one caption per line and writes one JSON line per input line, in order, to standard output:
              {"caption", "subject", "relation", "object", "subject_span", "relation_span", "object_span"}
            with the words as written in the caption (the relation without the copula: "The cat is on the left \
            of the dog." → cat, on the left of, dog), spans as [start, end) in Unicode scalars, and nulls where \
            no triple was found. With --model, each phrase's token positions in that model's text encoder row \
            are added ("subject_tokens", …). A summary goes to standard error.

            Examples:
              clipkit relations mine captions.txt > triples.jsonl
              clipkit relations mine - --model ViT-B-32/openai < captions.txt
            """)

    @Argument(help: ArgumentHelp("A UTF-8 file with one caption per line, or - for standard input.", valueName: "file"))
    var file: String

    /// With `--model`, each phrase's token positions in that model's text encoder are added.
    @OptionGroup var modelOptions: ModelOptionGroup

    func run() throws {
        let text: String
        if file == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw ValidationError("cannot read \(file) as UTF-8 text: \(error.localizedDescription)")
            }
        }
        var captions = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
        if captions.last == "" { captions.removeLast() }
        let start = Date()
        let clock = ProcessInfo.processInfo.systemUptime
        let miner = try RelationMiner.installed()
        let loadSeconds = ProcessInfo.processInfo.systemUptime - clock
        let encoder = modelOptions.model == nil ? nil : try modelOptions.load().textEncoder
        let parseStart = ProcessInfo.processInfo.systemUptime
        let lines = try CaptionRelationMining.mine(captions, miner: miner, textEncoder: encoder)
        let parseSeconds = ProcessInfo.processInfo.systemUptime - parseStart
        var output = ""
        for line in lines { output += try line.jsonLine() + "\n" }
        FileHandle.standardOutput.write(Data(output.utf8))
        let found = lines.filter { $0.triple != nil }.count
        FileHandle.standardError.write(Data(String(
            format: "mined a triple from %d of %d captions (%.1f%%) in %.2f s (%.0f captions/s; dictionary %.2f s; %.2f s in all)\n",
            found, captions.count, 100 * Double(found) / Double(max(captions.count, 1)), parseSeconds,
            Double(captions.count) / max(parseSeconds, 1e-9), loadSeconds, Date().timeIntervalSince(start)).utf8))
    }
}
