extension RGBImage {
    /// Mirrors the image left to right with probability `probability` (torchvision's
    /// `RandomHorizontalFlip`).
    public func randomlyFlippedHorizontally<Generator: RandomNumberGenerator>(
        probability: Double = 0.5, using generator: inout Generator
    ) -> RGBImage {
        precondition((0...1).contains(probability), "probability \(probability) must lie in [0, 1]")
        return Double.random(in: 0..<1, using: &generator) < probability ? flippedHorizontally() : self
    }
}
