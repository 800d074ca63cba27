import ArgumentParser
import CLIPKit
import Datasets
import Foundation
import Imaging
import Models

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed images or texts with a joint image–text model and write the vectors.",
        discussion: """
            Rows are L2-normalised, so dot products are cosine similarities. Output by extension:
              .npy          Float32 matrix for numpy.load, with NAME.keys.txt (one path or text per line)
              .safetensors  tensor "embeddings", keys and model identity in the header metadata
              .jsonl        one {"image" or "text": ..., "embedding": [...]} object per line
            Unreadable images are reported on standard error and left out; the others are kept.

            Examples:
              clipkit embed --images ~/photos --out photos.npy
              clipkit embed --texts captions.txt --out captions.safetensors --model openai/clip-vit-base-patch32
              clipkit embed --images a.jpg b.png --out two.jsonl --model ViT-B-32.pt
            """)

    @OptionGroup var modelOptions: ModelOptionGroup

    @Option(name: .customLong("images"), parsing: .upToNextOption,
            help: ArgumentHelp("Image files or folders (searched recursively for JPEG, PNG and WebP).", valueName: "path"))
    var imagePaths: [String] = []

    @Option(help: ArgumentHelp("A UTF-8 text file with one text per line (empty lines skipped), or - for standard input.",
                               valueName: "file"))
    var texts: String?

    @Option(help: ArgumentHelp("Output file: .npy, .safetensors or .jsonl.", valueName: "file"))
    var out: String

    @Option(help: "Images per forward pass.")
    var batchSize = 32

    func validate() throws {
        guard imagePaths.isEmpty != (texts == nil) else { throw ValidationError("give exactly one of --images and --texts") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        _ = try EmbeddingExport.Format(url: URL(fileURLWithPath: out))
    }

    func run() throws {
        let loaded = try modelOptions.load()
        let output = URL(fileURLWithPath: out)
        if let texts {
            let lines = try Self.readLines(texts)
            guard !lines.isEmpty else { throw ValidationError("\(texts) has no non-empty lines to embed") }
            let embeddings = try loaded.embed(texts: lines)
            try EmbeddingExport.write(embeddings, keys: lines, keyKind: "text", identity: loaded.identity, to: output)
            print("wrote \(lines.count) text embeddings of dimension \(loaded.identity.dimension) to \(out)")
            return
        }
        let files = try ImageFiles.collect(imagePaths)
        guard !files.isEmpty else { throw ValidationError("no JPEG, PNG or WebP files under \(imagePaths.joined(separator: ", "))") }
        let result = try loaded.embed(imageFiles: files, batchSize: batchSize, progress: ProgressBar.callback(label: "embedding images"))
        for failure in result.unreadable {
            FileHandle.standardError.write(Data("skipped \(failure)\n".utf8))
        }
        guard !result.embeddedPaths.isEmpty else {
            throw ModelError.invalidOption("none of the \(files.count) image file(s) could be embedded (reasons above); nothing was written")
        }
        try EmbeddingExport.write(result.embeddings, keys: result.embeddedPaths.map(\.escapedText), keyKind: "image",
                                  identity: loaded.identity, to: output)
        print("wrote \(result.embedded.count) image embeddings of dimension \(loaded.identity.dimension) to \(out)"
              + (result.unreadable.isEmpty ? "" : "; \(result.unreadable.count) unreadable file(s) skipped"))
    }

    /// The lines of a UTF-8 text file (or standard input for "-") with something visible on them
    /// (`TextLines`: `\n`, `\r\n` and lone `\r` end lines); blank or invisible-only lines are
    /// reported on standard error with their numbers, and bytes that are not UTF-8 are an error
    /// naming the line.
    static func readLines(_ path: String) throws -> [String] {
        let lines: TextLines
        do {
            lines = path == "-" ? try TextLines(FileHandle.standardInput.readDataToEndOfFile(), source: "standard input")
                : try TextLines(contentsOf: URL(fileURLWithPath: path))
        } catch let DatasetError.malformed(source, line, reason) where reason.contains("not UTF-8") {
            throw ValidationError("\(source) line \(line) is not valid UTF-8 (\(reason))")
        }
        if !lines.blankLines.isEmpty {
            FileHandle.standardError.write(Data(("skipped \(lines.blankLines.count) blank line(s) of \(path == "-" ? "standard input" : path) "
                + "(nothing visible on \(TextLines.describe(lines.blankLines)))\n").utf8))
        }
        return lines.lines.map(\.text)
    }
}
