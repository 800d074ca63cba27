import ArgumentParser
import CLIPKit
import Foundation

/// `clipkit eval captions`: BLEU of a trained text-to-face captioner on held-out people, and its
/// face attribute classifier's accuracy.
struct EvalCaptionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "captions",
        abstract: "BLEU-1…4 of a captioner's greedy and beam captions of held-out faces, and attribute accuracy.",
        discussion: """
            Captions every photo of the chosen people (person folders with an attribute table) with \
            the captioner a `captioner` training run saved, greedily and by beam search, and scores \
            them with corpus BLEU (NLTK's corpus_bleu, no smoothing) against the photo's synthesised \
            captions. When the run saved the face attribute classifier, its accuracy per attribute \
            (glasses, beard, male, smiling) on the same photos is reported beside the majority-class rate.

            Examples:
              clipkit eval captions --model runs/text2face-captioner --data data/orl-faces --people 28-40
            """)

    @Option(help: "A captioner training run folder (or its model/ folder).", completion: .directory)
    var model: String

    @Option(help: "Person folders (one folder per person).", completion: .directory)
    var data: String

    @Option(help: "The attribute table (default: attributes.csv in --data).", completion: .file())
    var attributes: String?

    @Option(help: ArgumentHelp("The people evaluated, FIRST-LAST by 1-based position in numeric order.", valueName: "first-last"))
    var people = "28-40"

    @Option(help: "Beam width of the beam-search captions.")
    var beamWidth = 3

    @OptionGroup var output: MetricReportOptions

    func peopleRange() throws -> Range<Int> { try parsePeopleRange(people, option: "--people") }

    func validate() throws {
        _ = try peopleRange()
        guard beamWidth >= 1 else { throw ValidationError("--beam-width must be at least 1") }
    }

    func run() throws {
        let folders = CollectionSourceOptions.url(data)
        let table = attributes.map(CollectionSourceOptions.url) ?? folders.appendingPathComponent("attributes.csv")
        let report = try CaptionerEvaluation.evaluate(model: CollectionSourceOptions.url(model), personFolders: folders, attributeTable: table,
                                                      people: try peopleRange(), beamWidth: beamWidth, progress: output.progress("captions"))
        if try output.write(report) { return }
        printCaptionerReport(report)
    }
}
