import Foundation

/// One logged point of a training run: the mean training loss since the previous point and, after
/// an epoch, the validation metrics.
public struct MetricsRecord: Codable, Sendable, Equatable {
    public var step: Int
    public var epoch: Int
    public var learningRate: Float
    /// Mean training loss over the steps since the previous record (nil on a validation-only record).
    public var trainingLoss: Double?
    /// Validation metrics by name (empty between epochs).
    public var validation: [String: Double]
    /// Seconds of training so far (across resumed runs).
    public var elapsedSeconds: Double
    /// With several training stages: each stage's mean loss (the training loss is their sum).
    public var stageLosses: [String: Double]?

    public init(step: Int, epoch: Int, learningRate: Float, trainingLoss: Double?, validation: [String: Double] = [:],
                elapsedSeconds: Double, stageLosses: [String: Double]? = nil) {
        self.step = step
        self.epoch = epoch
        self.learningRate = learningRate
        self.trainingLoss = trainingLoss
        self.validation = validation
        self.elapsedSeconds = elapsedSeconds
        self.stageLosses = stageLosses
    }
}

/// The records of a run, written as CSV (one row per record; validation columns empty between
/// epochs) and kept in checkpoints so a resumed run continues its curves.
public struct MetricsHistory: Codable, Sendable, Equatable {
    public var records: [MetricsRecord] = []
    /// Validation metric names, in column order.
    public var validationNames: [String]
    /// Training stage names of a run with several stages (nil with one), in column order.
    public var stageNames: [String]?

    public init(validationNames: [String] = [], stageNames: [String]? = nil) {
        self.validationNames = validationNames
        self.stageNames = stageNames
    }

    /// The CSV text: `step,epoch,learning_rate,training_loss,elapsed_seconds,<validation names…>`,
    /// then `loss_<stage>` columns when the run has several stages.
    public func csv() -> String {
        let stages = stageNames ?? []
        var lines = [(["step", "epoch", "learning_rate", "training_loss", "elapsed_seconds"] + validationNames
            + stages.map { "loss_" + $0 }).joined(separator: ",")]
        for record in records {
            var cells = [String(record.step), String(record.epoch), String(format: "%.6g", Double(record.learningRate)),
                         record.trainingLoss.map { String(format: "%.6f", $0) } ?? "",
                         String(format: "%.2f", record.elapsedSeconds)]
            cells += validationNames.map { name in record.validation[name].map { String(format: "%.6f", $0) } ?? "" }
            cells += stages.map { name in record.stageLosses?[name].map { String(format: "%.6f", $0) } ?? "" }
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// (step, loss) points of the training loss.
    public var trainingLossPoints: [(Double, Double)] {
        records.compactMap { record in record.trainingLoss.map { (Double(record.step), $0) } }
    }

    /// (step, loss) points of training stage `name`.
    public func stageLossPoints(_ name: String) -> [(Double, Double)] {
        records.compactMap { record in record.stageLosses?[name].map { (Double(record.step), $0) } }
    }

    /// (step, value) points of validation metric `name`.
    public func validationPoints(_ name: String) -> [(Double, Double)] {
        records.compactMap { record in record.validation[name].map { (Double(record.step), $0) } }
    }
}
