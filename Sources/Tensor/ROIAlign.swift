import Foundation

/// The settings of ROI-align (He, Gkioxari, Dollár & Girshick 2017, Mask R-CNN), with
/// torchvision's `roi_align` semantics.
public struct ROIAlignGeometry: Equatable, Sendable {
    /// Bins per region: the output is `[regions, channels, outputHeight, outputWidth]`.
    public var outputHeight: Int, outputWidth: Int
    /// Maps box coordinates (input pixels) to feature-grid coordinates, e.g. 1/16 for a stride-16 grid.
    public var spatialScale: Float
    /// Sampling points per bin along each axis; ≤ 0 picks ⌈region size / bins⌉ per region (adaptive).
    public var samplingRatio: Int
    /// Shift boxes by −½ so that a box [0, 1) covers exactly the centre of pixel 0 (torchvision's
    /// `aligned=True`); without it region sizes are clamped to at least 1.
    public var aligned: Bool

    public init(outputHeight: Int, outputWidth: Int, spatialScale: Float = 1, samplingRatio: Int = -1, aligned: Bool = true) {
        precondition(outputHeight > 0 && outputWidth > 0, "ROI-align output size must be positive, got \(outputHeight)×\(outputWidth)")
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
        self.spatialScale = spatialScale
        self.samplingRatio = samplingRatio
        self.aligned = aligned
    }
}

/// The sampling points of one region along one axis: for every (bin, sample), the two grid
/// indices it interpolates between, their weights, and whether it lies on the grid at all.
struct ROIAxisSamples {
    var samplesPerBin: Int
    var low: [Int], high: [Int]
    var lowWeight: [Float], highWeight: [Float]
    var inside: [Bool]

    /// torchvision's sampling: bin b, sample i at start + b·binSize + (i + ½)·binSize/samples;
    /// outside [−1, size] contributes nothing, otherwise clamped into [0, size − 1] and interpolated.
    init(start: Float, end: Float, bins: Int, size: Int, samplingRatio: Int, aligned: Bool) {
        let extent = aligned ? end - start : Swift.max(end - start, 1)
        let binSize = extent / Float(bins)
        // A degenerate (empty or inverted) aligned box gets no samples and pools to 0.
        samplesPerBin = Swift.max(samplingRatio > 0 ? samplingRatio : Int((extent / Float(bins)).rounded(.up)), 0)
        let count = bins * samplesPerBin
        low = [Int](repeating: 0, count: count)
        high = low
        lowWeight = [Float](repeating: 0, count: count)
        highWeight = lowWeight
        inside = [Bool](repeating: false, count: count)
        for bin in 0..<bins {
            for sample in 0..<samplesPerBin {
                let index = bin * samplesPerBin + sample
                var position = start + Float(bin) * binSize + (Float(sample) + 0.5) * binSize / Float(samplesPerBin)
                if position < -1 || position > Float(size) { continue }
                inside[index] = true
                if position <= 0 { position = 0 }
                var first = Int(position), second: Int
                if first >= size - 1 {
                    first = size - 1
                    second = size - 1
                    position = Float(first)
                } else {
                    second = first + 1
                }
                let fraction = position - Float(first)
                low[index] = first
                high[index] = second
                lowWeight[index] = 1 - fraction
                highWeight[index] = fraction
            }
        }
    }
}

extension Tensor {
    /// ROI-align of `features` `[batch, channels, height, width]` over `regions` `[K, 5]` rows
    /// (batch index, x₁, y₁, x₂, y₂) in input coordinates: `[K, channels, outputHeight, outputWidth]`,
    /// each bin the mean of bilinear samples (torchvision `ops.roi_align`).
    public static func roiAlign(_ features: Tensor, regions: Tensor, geometry: ROIAlignGeometry) -> Tensor {
        let plans = roiSamplingPlans(featureShape: features.shape, regions: regions, geometry: geometry)
        let (channels, height, width) = (features.shape[1], features.shape[2], features.shape[3])
        let (outputHeight, outputWidth) = (geometry.outputHeight, geometry.outputWidth)
        let source = features.pointer
        return Tensor(shape: [plans.count, channels, outputHeight, outputWidth]) { output in
            let destination = output.baseAddress!
            let work = plans.first.map { 4 * outputHeight * outputWidth * $0.rows.samplesPerBin * $0.columns.samplesPerBin } ?? 1
            ThreadPolicy.parallelFor(plans.count * channels, workPerItem: work) { range in
                for outputPlane in range {
                    let plan = plans[outputPlane / channels], channel = outputPlane % channels
                    let plane = source + (plan.image * channels + channel) * height * width
                    let result = destination + outputPlane * outputHeight * outputWidth
                    let (rows, columns) = (plan.rows, plan.columns)
                    for binRow in 0..<outputHeight {
                        for binColumn in 0..<outputWidth {
                            var total: Float = 0
                            for rowSample in 0..<rows.samplesPerBin {
                                let y = binRow * rows.samplesPerBin + rowSample
                                if !rows.inside[y] { continue }
                                let top = plane + rows.low[y] * width, bottom = plane + rows.high[y] * width
                                let topWeight = rows.lowWeight[y], bottomWeight = rows.highWeight[y]
                                for columnSample in 0..<columns.samplesPerBin {
                                    let x = binColumn * columns.samplesPerBin + columnSample
                                    if !columns.inside[x] { continue }
                                    let left = columns.low[x], right = columns.high[x]
                                    let leftWeight = columns.lowWeight[x], rightWeight = columns.highWeight[x]
                                    total += topWeight * leftWeight * top[left] + topWeight * rightWeight * top[right]
                                        + bottomWeight * leftWeight * bottom[left] + bottomWeight * rightWeight * bottom[right]
                                }
                            }
                            result[binRow * outputWidth + binColumn] = total / plan.divisor
                        }
                    }
                }
            }
        }
    }

    /// The gradient of `roiAlign` with respect to the features: every output gradient spread over
    /// the grid samples it averaged, with the same weights (boxes get no gradient, as in torchvision).
    public static func roiAlignBackward(outputGradient: Tensor, regions: Tensor, featureShape: [Int],
                                        geometry: ROIAlignGeometry) -> Tensor {
        let plans = roiSamplingPlans(featureShape: featureShape, regions: regions, geometry: geometry)
        let (batch, channels, height, width) = (featureShape[0], featureShape[1], featureShape[2], featureShape[3])
        let (outputHeight, outputWidth) = (geometry.outputHeight, geometry.outputWidth)
        precondition(outputGradient.shape == [plans.count, channels, outputHeight, outputWidth],
                     "ROI-align gradient \(outputGradient.shape) does not fit \(plans.count) regions of \(featureShape)")
        let gradient = outputGradient.pointer
        var result = Tensor(zeros: featureShape)
        result.withUnsafeMutableBufferPointer { buffer in
            let destination = buffer.baseAddress!
            // One channel per task: a channel's planes are written by no other task.
            let work = batch * height * width + plans.count * outputHeight * outputWidth * 16
            ThreadPolicy.parallelFor(channels, workPerItem: work) { range in
                for channel in range {
                    for (region, plan) in plans.enumerated() {
                        let plane = destination + (plan.image * channels + channel) * height * width
                        let incoming = gradient + (region * channels + channel) * outputHeight * outputWidth
                        let (rows, columns) = (plan.rows, plan.columns)
                        for binRow in 0..<outputHeight {
                            for binColumn in 0..<outputWidth {
                                let share = incoming[binRow * outputWidth + binColumn] / plan.divisor
                                for rowSample in 0..<rows.samplesPerBin {
                                    let y = binRow * rows.samplesPerBin + rowSample
                                    if !rows.inside[y] { continue }
                                    let top = plane + rows.low[y] * width, bottom = plane + rows.high[y] * width
                                    let topShare = rows.lowWeight[y] * share, bottomShare = rows.highWeight[y] * share
                                    for columnSample in 0..<columns.samplesPerBin {
                                        let x = binColumn * columns.samplesPerBin + columnSample
                                        if !columns.inside[x] { continue }
                                        let left = columns.low[x], right = columns.high[x]
                                        let leftWeight = columns.lowWeight[x], rightWeight = columns.highWeight[x]
                                        top[left] += topShare * leftWeight
                                        top[right] += topShare * rightWeight
                                        bottom[left] += bottomShare * leftWeight
                                        bottom[right] += bottomShare * rightWeight
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// `[K, 5]` region rows (batch index, x₁, y₁, x₂, y₂) from per-image `[Kᵢ, 4]` box lists
    /// (torchvision's list-of-boxes form).
    public static func regionRows(perImageBoxes boxes: [Tensor]) -> Tensor {
        var scalars: [Float] = []
        for (image, imageBoxes) in boxes.enumerated() {
            precondition(imageBoxes.rank == 2 && imageBoxes.shape[1] == 4, "boxes of image \(image) must be [K, 4], got \(imageBoxes.shape)")
            let values = imageBoxes.scalars
            for box in 0..<imageBoxes.shape[0] { scalars += [Float(image)] + values[(box * 4)..<(box * 4 + 4)] }
        }
        return Tensor(shape: [scalars.count / 5, 5], scalars: scalars)
    }

    /// Each region's image and sampling points.
    private static func roiSamplingPlans(featureShape: [Int], regions: Tensor, geometry g: ROIAlignGeometry)
        -> [(image: Int, rows: ROIAxisSamples, columns: ROIAxisSamples, divisor: Float)] {
        precondition(featureShape.count == 4, "ROI-align needs [batch, channels, height, width] features, got \(featureShape)")
        precondition(regions.rank == 2 && regions.shape[1] == 5, "ROI-align regions must be [K, 5] (batch index, x1, y1, x2, y2), got \(regions.shape)")
        let (batch, height, width) = (featureShape[0], featureShape[2], featureShape[3])
        let offset: Float = g.aligned ? 0.5 : 0
        let values = regions.scalars
        return (0..<regions.shape[0]).map { region in
            let row = Array(values[(region * 5)..<(region * 5 + 5)])
            precondition(row.allSatisfy(\.isFinite), "region \(region) has a non-finite coordinate: \(row)")
            let image = Int(row[0])
            precondition(row[0] == Float(image) && image >= 0 && image < batch,
                         "region \(region) names image \(row[0]), but the batch has \(batch) images")
            let columns = ROIAxisSamples(start: row[1] * g.spatialScale - offset, end: row[3] * g.spatialScale - offset,
                                         bins: g.outputWidth, size: width, samplingRatio: g.samplingRatio, aligned: g.aligned)
            let rows = ROIAxisSamples(start: row[2] * g.spatialScale - offset, end: row[4] * g.spatialScale - offset,
                                      bins: g.outputHeight, size: height, samplingRatio: g.samplingRatio, aligned: g.aligned)
            return (image, rows, columns, Float(Swift.max(rows.samplesPerBin * columns.samplesPerBin, 1)))
        }
    }
}
