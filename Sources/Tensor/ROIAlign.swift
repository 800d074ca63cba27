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

/// The bilinear taps of one region: for bin b, `offsets[i]` into the region's image plane and
/// `weights[i]` for i in `binStarts[b]..<binStarts[b + 1]`; a bin's value is Σ weight·value / divisor.
struct ROITaps {
    var image: Int
    var offsets: [Int32] = []
    var weights: [Float] = []
    var binStarts: [Int] = [0]
    var divisor: Float

    /// Expands a region's row and column samples into the four taps of every sample point that
    /// lies on the grid (torchvision's w₁…w₄ = hy·hx, hy·lx, ly·hx, ly·lx).
    init(image: Int, rows: ROIAxisSamples, columns: ROIAxisSamples, bins: (height: Int, width: Int), width: Int) {
        self.image = image
        divisor = Float(Swift.max(rows.samplesPerBin * columns.samplesPerBin, 1))
        for binRow in 0..<bins.height {
            for binColumn in 0..<bins.width {
                for rowSample in 0..<rows.samplesPerBin {
                    let y = binRow * rows.samplesPerBin + rowSample
                    guard rows.inside[y] else { continue }
                    for columnSample in 0..<columns.samplesPerBin {
                        let x = binColumn * columns.samplesPerBin + columnSample
                        guard columns.inside[x] else { continue }
                        for (row, rowWeight) in [(rows.low[y], rows.lowWeight[y]), (rows.high[y], rows.highWeight[y])] {
                            for (column, columnWeight) in [(columns.low[x], columns.lowWeight[x]), (columns.high[x], columns.highWeight[x])] {
                                offsets.append(Int32(row * width + column))
                                weights.append(rowWeight * columnWeight)
                            }
                        }
                    }
                }
                binStarts.append(offsets.count)
            }
        }
    }
}

extension Tensor {
    /// ROI-align of `features` `[batch, channels, height, width]` over `regions` `[K, 5]` rows
    /// (batch index, x₁, y₁, x₂, y₂) in input coordinates: `[K, channels, outputHeight, outputWidth]`,
    /// each bin the mean of bilinear samples (torchvision `ops.roi_align`).
    public static func roiAlign(_ features: Tensor, regions: Tensor, geometry: ROIAlignGeometry) -> Tensor {
        let taps = roiTaps(featureShape: features.shape, regions: regions, geometry: geometry)
        let (channels, planeSize) = (features.shape[1], features.shape[2] * features.shape[3])
        let bins = geometry.outputHeight * geometry.outputWidth
        let source = features.pointer
        return Tensor(shape: [taps.count, channels, geometry.outputHeight, geometry.outputWidth]) { output in
            let destination = output.baseAddress!
            let work = Swift.max(taps.map(\.offsets.count).max() ?? 0, bins) * 2
            ThreadPolicy.parallelFor(taps.count * channels, workPerItem: work) { range in
                for outputPlane in range {
                    let region = taps[outputPlane / channels], channel = outputPlane % channels
                    let plane = source + (region.image * channels + channel) * planeSize
                    let result = destination + outputPlane * bins
                    region.offsets.withUnsafeBufferPointer { offsets in
                        region.weights.withUnsafeBufferPointer { weights in
                            region.binStarts.withUnsafeBufferPointer { starts in
                                for bin in 0..<bins {
                                    var total: Float = 0
                                    for tap in starts[bin]..<starts[bin + 1] { total += weights[tap] * plane[Int(offsets[tap])] }
                                    result[bin] = total / region.divisor
                                }
                            }
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
        let taps = roiTaps(featureShape: featureShape, regions: regions, geometry: geometry)
        let (channels, planeSize) = (featureShape[1], featureShape[2] * featureShape[3])
        let bins = geometry.outputHeight * geometry.outputWidth
        precondition(outputGradient.shape == [taps.count, channels, geometry.outputHeight, geometry.outputWidth],
                     "ROI-align gradient \(outputGradient.shape) does not fit \(taps.count) regions of \(featureShape)")
        let gradient = outputGradient.pointer
        var result = Tensor(zeros: featureShape)
        result.withUnsafeMutableBufferPointer { buffer in
            let destination = buffer.baseAddress!
            // One channel per task: a channel's planes are written by no other task.
            let work = taps.reduce(0) { $0 + $1.offsets.count } * 2 + featureShape[0] * planeSize
            ThreadPolicy.parallelFor(channels, workPerItem: work) { range in
                for channel in range {
                    for (index, region) in taps.enumerated() {
                        let plane = destination + (region.image * channels + channel) * planeSize
                        let incoming = gradient + (index * channels + channel) * bins
                        region.offsets.withUnsafeBufferPointer { offsets in
                            region.weights.withUnsafeBufferPointer { weights in
                                region.binStarts.withUnsafeBufferPointer { starts in
                                    for bin in 0..<bins {
                                        let share = incoming[bin] / region.divisor
                                        for tap in starts[bin]..<starts[bin + 1] { plane[Int(offsets[tap])] += weights[tap] * share }
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

    /// Each region's image and bilinear taps.
    private static func roiTaps(featureShape: [Int], regions: Tensor, geometry g: ROIAlignGeometry) -> [ROITaps] {
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
            return ROITaps(image: image, rows: rows, columns: columns, bins: (g.outputHeight, g.outputWidth), width: width)
        }
    }
}
