import Foundation

extension TrainingConfiguration {
    /// Starts a run in `output`: writes its `configuration.json` and, when `checkpoint` is given,
    /// restores it through `restore` (which returns the configuration the checkpoint was written
    /// with). Returns a warning when that configuration differs from this one in anything but
    /// the run's length, output folder, checkpoint interval and quietness: such a resumed run
    /// will not match an uninterrupted one.
    public func beginRun(output: URL, resumingFrom checkpoint: URL?, restore: (URL) throws -> String?) throws -> String? {
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        try encoded().write(to: output.appendingPathComponent("configuration.json"))
        guard let checkpoint, let stored = try restore(checkpoint),
              var original = try? TrainingConfiguration.decode(Data(stored.utf8)) else { return nil }
        // The cosine schedule spans the whole run, so only its length must stay.
        if original.schedule.kind != .cosine { original.training.steps = training.steps }
        original.output = self.output
        original.training.checkpointInterval = training.checkpointInterval
        original.training.quiet = training.quiet
        return original == self ? nil
            : "warning: the checkpoint was written with another configuration; the resumed run will not match an uninterrupted one"
    }
}
