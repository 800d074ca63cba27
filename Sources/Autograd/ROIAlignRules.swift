import Tensor

extension Variable {
    /// ROI-align of `[batch, channels, height, width]` features over constant `regions` `[K, 5]`
    /// (batch index, x₁, y₁, x₂, y₂): `[K, channels, outputHeight, outputWidth]` (see
    /// `Tensor.roiAlign`). The gradient flows to the features only.
    public func roiAlign(regions: Tensor, geometry: ROIAlignGeometry) -> Variable {
        let featureShape = shape
        return Variable(Tensor.roiAlign(value, regions: regions, geometry: geometry), operation: "roiAlign", inputs: [self]) { gradient in
            [Tensor.roiAlignBackward(outputGradient: gradient, regions: regions, featureShape: featureShape, geometry: geometry)]
        }
    }
}
