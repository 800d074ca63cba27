import ArgumentParser
import Foundation
import Training

extension TrainCommand {
    func runRelationAware(_ configuration: TrainingConfiguration, output: URL) throws {
        throw ValidationError("task sa_clip is not wired yet")
    }
}
