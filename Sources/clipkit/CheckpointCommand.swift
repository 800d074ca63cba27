import ArgumentParser
import Checkpoint
import Foundation
import Tensor

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Inspect and convert checkpoint files (safetensors, PyTorch zip and legacy .pt/.pth/.bin).",
        discussion: """
            PyTorch pickles are read by a whitelist interpreter: a file that refers to anything \
            but tensor-rebuild functions (os.system, eval, …) is refused and nothing in it runs.
            """,
        subcommands: [Inspect.self, Convert.self])

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a checkpoint's tensors: name, stored type, shape.",
            discussion: "Example: clipkit checkpoint inspect efficientnet-lite0.pth --filter '_blocks.0.'")

        @Argument(help: "The checkpoint file.", completion: .file())
        var file: String

        @Option(help: "Only tensors whose name contains this text.")
        var filter: String?

        @Flag(help: "Print JSON lines ({\"name\":…,\"dtype\":…,\"shape\":[…]}) instead of a table.")
        var json = false

        func run() throws {
            let url = URL(fileURLWithPath: file)
            let format = try CheckpointFormat(contentsOf: url)
            let infos: [TensorInfo]
            switch format {
            case .safetensors: infos = try SafetensorsFile(contentsOf: url).tensors
            case .torchZip, .torchLegacy: infos = try TorchCheckpoint(contentsOf: url).tensors
            }
            let shown = infos.filter { filter == nil || $0.name.contains(filter!) }
            if json {
                for info in shown {
                    let object: [String: Any] = ["name": info.name, "dtype": info.dataType.rawValue, "shape": info.shape]
                    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                    print(String(decoding: data, as: UTF8.self))
                }
                return
            }
            let width = min(max(shown.map(\.name.count).max() ?? 4, 4), 80)
            for info in shown {
                let name = info.name.count > width ? String(info.name.prefix(width - 1)) + "…" : info.name
                print(name.padding(toLength: width, withPad: " ", startingAt: 0), info.dataType.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0),
                      info.shape)
            }
            let parameters = shown.reduce(0) { $0 + $1.count }
            print("\(shown.count) tensors, \(parameters.formatted()) values, format \(format.rawValue)")
        }
    }

    struct Convert: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert any supported checkpoint to a Float32 safetensors file.",
            discussion: "Example: clipkit checkpoint convert open_clip_pytorch_model.bin model.safetensors")

        @Argument(help: "The checkpoint to read.", completion: .file())
        var input: String

        @Argument(help: "The .safetensors file to write.", completion: .file())
        var output: String

        func run() throws {
            let tensors = try CheckpointFormat.loadTensors(contentsOf: URL(fileURLWithPath: input))
            try SafetensorsFile.write(tensors, metadata: ["format": "pt", "converted_by": "clipkit \(CLIPKitVersion.string)"],
                                      to: URL(fileURLWithPath: output))
            print("wrote \(tensors.count) tensors to \(output)")
        }
    }
}
