import ArgumentParser

/// `clipkit eval …`: measure a model on a task. Each task is one subcommand in its own file.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure a model: retrieval recall, zero-shot accuracy, relation true/false accuracy (VSR), anomaly ROC-AUC; image generation: FID, IS, LPIPS, identity; text-to-face captions: BLEU.",
        subcommands: [EvalRetrievalCommand.self, EvalZeroShotCommand.self, EvalVSRCommand.self, EvalAnomalyCommand.self,
                      EvalRelationsCommand.self, EvalFIDCommand.self, EvalInceptionScoreCommand.self,
                      EvalLPIPSCommand.self, EvalIdentityCommand.self, EvalCaptionsCommand.self, EvalTextToFaceCommand.self])
}
