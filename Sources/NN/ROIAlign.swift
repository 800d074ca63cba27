import Autograd
import Tensor

/// ROI-align (He, Gkioxari, Dollár & Girshick 2017, "Mask R-CNN"): a fixed-size feature per box,
/// each output bin the mean of bilinear samples of the feature grid, with torchvision's
/// `ops.roi_align` / `ops.RoIAlign` semantics (see `ROIAlignGeometry`). Relation-aware CLIP pools
/// object regions of the ViT's patch grid with it. No parameters.
public struct ROIAlign: Module {
    public let geometry: ROIAlignGeometry

    /// `outputSize` is (height, width) in bins; `spatialScale` maps box coordinates to the grid;
    /// `samplingRatio` ≤ 0 samples adaptively; `aligned` shifts boxes by −½ pixel.
    public init(outputSize: (height: Int, width: Int), spatialScale: Float = 1, samplingRatio: Int = -1, aligned: Bool = true) {
        geometry = ROIAlignGeometry(outputHeight: outputSize.height, outputWidth: outputSize.width, spatialScale: spatialScale,
                                    samplingRatio: samplingRatio, aligned: aligned)
    }


    /// `features` `[batch, channels, height, width]`, `regions` `[K, 5]` rows (batch index, x₁, y₁,
    /// x₂, y₂) → `[K, channels, outputHeight, outputWidth]`.
    public func callAsFunction(_ features: Variable, regions: Tensor) -> Variable {
        features.roiAlign(regions: regions, geometry: geometry)
    }

    /// The same with one `[Kᵢ, 4]` box list (x₁, y₁, x₂, y₂) per image, regions in image order.
    public func callAsFunction(_ features: Variable, boxes: [Tensor]) -> Variable {
        precondition(boxes.count == features.shape[0], "\(boxes.count) box lists for a batch of \(features.shape[0]) images")
        return features.roiAlign(regions: Tensor.regionRows(perImageBoxes: boxes), geometry: geometry)
    }
}
