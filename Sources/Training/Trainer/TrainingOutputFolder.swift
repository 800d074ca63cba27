import Foundation

/// The output folder of a run, checked before anything is written. A new run into a folder that
/// already holds files would overwrite some checkpoints and leave the old run's later ones, which
/// a later `--resume` would then pick up; so a new run needs an empty (or missing) folder, unless
/// it resumes or is told to overwrite, which deletes the earlier run's outputs first.
public enum TrainingOutputFolder {
    /// What a run writes into its output folder.
    public static let outputNames = ["checkpoints", "metrics.csv", "metrics.svg", "model.safetensors", "configuration.json",
                                     "evaluation.json"]

    /// Throws `TrainingError.outputFolderNotEmpty` for a new run into a folder with files in it;
    /// with `overwrite`, deletes the earlier run's outputs (`outputNames`) and leaves other files.
    public static func prepare(_ folder: URL, resuming: Bool, overwrite: Bool) throws {
        guard !resuming else { return }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        guard !entries.isEmpty else { return }
        guard overwrite else { throw TrainingError.outputFolderNotEmpty(path: folder.path) }
        for name in outputNames where entries.contains(name) {
            try FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }
}
