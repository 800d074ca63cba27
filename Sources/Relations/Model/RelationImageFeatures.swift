import Autograd
import Foundation
import Imaging
import Models
import Tensor

/// What SA-CLIP's image side reads per example: the image encoder's pooled features of the whole
/// image, of the subject's region and of the object's region (each region cropped with a margin
/// and encoded on its own, f_v(ROI) of Eq. 6), and the regions' normalised corners for the box
/// embedding. Computed once for a locked image tower and gathered by row for each batch. With the
/// tower's last blocks unlocked (`SplitImageEncoder`), the rows hold the locked prefix's feature
/// maps instead, flattened to `[N, C·h·w]` (`mapShape` [C, h, w]); the model runs the suffix.
public struct RelationImageFeatures: Sendable {
    /// `[N, F]` f_v(image), or `[N, C·h·w]` prefix maps.
    public var global: Tensor
    /// `[N, F]` f_v(ROI_subject), f_v(ROI_object), or their prefix maps.
    public var subject: Tensor
    public var object: Tensor
    /// `[N, 4]` (x₁/W, y₁/H, x₂/W, y₂/H) of each region.
    public var subjectCorners: Tensor
    public var objectCorners: Tensor
    /// [C, h, w] of each row's prefix feature map, nil for pooled features.
    public var mapShape: [Int]?
    /// `[N, F]` the region of each negative statement's own object (`RelationExample.negativeObjectBox`,
    /// the caption's object where it has none) and `[N, 4]` its corners, for negatives grounded to
    /// their own objects; nil when not computed (`withNegativeObjects`).
    public var negativeObject: Tensor?
    public var negativeObjectCorners: Tensor?

    public init(global: Tensor, subject: Tensor, object: Tensor, subjectCorners: Tensor, objectCorners: Tensor, mapShape: [Int]? = nil,
                negativeObject: Tensor? = nil, negativeObjectCorners: Tensor? = nil) {
        self.global = global
        self.subject = subject
        self.object = object
        self.subjectCorners = subjectCorners
        self.objectCorners = objectCorners
        self.mapShape = mapShape
        self.negativeObject = negativeObject
        self.negativeObjectCorners = negativeObjectCorners
    }

    public var count: Int { global.shape[0] }

    /// The rows `indices`, in that order.
    public func rows(_ indices: [Int]) -> RelationImageFeatures {
        RelationImageFeatures(global: Tensor.gather(rowsOf: global, indices: indices), subject: Tensor.gather(rowsOf: subject, indices: indices),
                              object: Tensor.gather(rowsOf: object, indices: indices),
                              subjectCorners: Tensor.gather(rowsOf: subjectCorners, indices: indices),
                              objectCorners: Tensor.gather(rowsOf: objectCorners, indices: indices), mapShape: mapShape,
                              negativeObject: negativeObject.map { Tensor.gather(rowsOf: $0, indices: indices) },
                              negativeObjectCorners: negativeObjectCorners.map { Tensor.gather(rowsOf: $0, indices: indices) })
    }

    /// The same images with other regions (a caption that names the objects the other way round).
    public func withRegions(subject: Tensor, object: Tensor, subjectCorners: Tensor, objectCorners: Tensor) -> RelationImageFeatures {
        RelationImageFeatures(global: global, subject: subject, object: object, subjectCorners: subjectCorners, objectCorners: objectCorners,
                              mapShape: mapShape)
    }

    /// The three images of one example: whole, subject crop, object crop (before preprocessing).
    static func inputs(of example: RelationExample, regionMargin: Double, decoder: ImageDecoder) throws
        -> (images: [RGBImage], corners: [[Float]]) {
        let image = try example.decodedImage(decoder: decoder)
        return ([image, try example.subjectBox.crop(from: image, margin: regionMargin), try example.objectBox.crop(from: image, margin: regionMargin)],
                [example.subjectBox.normalizedCorners(width: image.width, height: image.height),
                 example.objectBox.normalizedCorners(width: image.width, height: image.height)])
    }

    /// Encodes every example's image and regions with `encoder` (no tape), `batchSize` images per
    /// forward pass, preprocessing on all cores; `progress(done, total)` after each batch of examples.
    /// With `suffixBlocks` > 0 (an encoder that is a `SplitImageEncoder`), the rows are the prefix's
    /// feature maps before the last `suffixBlocks` blocks, flattened.
    public static func compute(_ examples: [RelationExample], encoder: any ImageEncoder, preprocessing: Preprocessing,
                               regionMargin: Double, suffixBlocks: Int = 0, batchSize: Int = 48, decoder: ImageDecoder = ImageDecoder(),
                               progress: ((Int, Int) -> Void)? = nil) throws -> RelationImageFeatures {
        let encode = try Self.encoding(encoder: encoder, suffixBlocks: suffixBlocks)
        var width = encoder.embeddingWidth, mapShape: [Int]?
        var global: [Tensor] = [], subject: [Tensor] = [], object: [Tensor] = []
        var subjectCorners: [Float] = [], objectCorners: [Float] = []
        let perBatch = max(1, batchSize / 3)
        for start in stride(from: 0, to: examples.count, by: perBatch) {
            let slice = Array(examples[start..<min(start + perBatch, examples.count)])
            let inputs = try slice.map { try Self.inputs(of: $0, regionMargin: regionMargin, decoder: decoder) }
            let tensors = try preprocessing.prepare(count: slice.count * 3) { inputs[$0 / 3].images[$0 % 3] }.map { try $0.get() }
            let (features, shape) = encode(Tensor.stackingImages(tensors))  // [3·n, F] or [3·n, C·h·w]
            mapShape = shape
            width = features.shape[1]
            let rows = (0..<slice.count)
            global.append(Tensor.gather(rowsOf: features, indices: rows.map { 3 * $0 }))
            subject.append(Tensor.gather(rowsOf: features, indices: rows.map { 3 * $0 + 1 }))
            object.append(Tensor.gather(rowsOf: features, indices: rows.map { 3 * $0 + 2 }))
            for input in inputs {
                subjectCorners += input.corners[0]
                objectCorners += input.corners[1]
            }
            progress?(start + slice.count, examples.count)
        }
        return RelationImageFeatures(global: RowBatches.stacked(global, dimension: width), subject: RowBatches.stacked(subject, dimension: width),
                                     object: RowBatches.stacked(object, dimension: width),
                                     subjectCorners: Tensor(shape: [examples.count, 4], scalars: subjectCorners),
                                     objectCorners: Tensor(shape: [examples.count, 4], scalars: objectCorners), mapShape: mapShape)
    }

    /// Images `[n, 3, H, W]` → `[n, F]` pooled features, or with `suffixBlocks` > 0 the prefix's
    /// maps flattened to `[n, C·h·w]` with their `[C, h, w]`.
    static func encoding(encoder: any ImageEncoder, suffixBlocks: Int) throws -> (Tensor) -> (Tensor, [Int]?) {
        guard suffixBlocks > 0 else { return { (encoder.embed($0), nil) } }
        guard let split = encoder as? any SplitImageEncoder, suffixBlocks <= split.splittableBlockCount else {
            throw RelationError.invalidConfiguration("the image encoder cannot run its last \(suffixBlocks) blocks on their own")
        }
        return { images in
            let map = GradientMode.withoutGradients { split.prefixFeatureMap(Variable(images), suffixBlocks: suffixBlocks).value }  // [n, C, h, w]
            return (map.reshaped([map.shape[0], map.count / map.shape[0]]), Array(map.shape.dropFirst()))  // [n, C·h·w]
        }
    }

    /// These features with the negative statements' own object regions (`negativeObject`): the
    /// object rows where an example has no `negativeObjectBox`, else its crop encoded as `compute`
    /// encodes regions (the same encoder, preprocessing, margin and split).
    public func withNegativeObjects(of examples: [RelationExample], encoder: any ImageEncoder, preprocessing: Preprocessing,
                                    regionMargin: Double, suffixBlocks: Int = 0, batchSize: Int = 48,
                                    decoder: ImageDecoder = ImageDecoder()) throws -> RelationImageFeatures {
        precondition(examples.count == count, "one example per row")
        let encode = try Self.encoding(encoder: encoder, suffixBlocks: suffixBlocks)
        let own = examples.indices.filter { examples[$0].negativeObjectBox != nil }
        var rows = object, corners = objectCorners.scalars
        let width = object.shape[1]
        for start in stride(from: 0, to: own.count, by: batchSize) {
            let slice = Array(own[start..<min(start + batchSize, own.count)])
            let crops = try slice.map { index -> RGBImage in
                let image = try examples[index].decodedImage(decoder: decoder), box = examples[index].negativeObjectBox!
                corners.replaceSubrange((4 * index)..<(4 * index + 4), with: box.normalizedCorners(width: image.width, height: image.height))
                return try box.crop(from: image, margin: regionMargin)
            }
            let tensors = try preprocessing.prepare(count: crops.count) { crops[$0] }.map { try $0.get() }
            let (features, _) = encode(Tensor.stackingImages(tensors))  // [n, width]
            precondition(features.shape[1] == width, "negative objects encoded like the other regions")
            var scalars = rows.scalars
            for (position, index) in slice.enumerated() {
                scalars.replaceSubrange((width * index)..<(width * (index + 1)), with: features.scalars[(width * position)..<(width * (position + 1))])
            }
            rows = Tensor(shape: rows.shape, scalars: scalars)
        }
        var result = self
        result.negativeObject = rows
        result.negativeObjectCorners = Tensor(shape: [count, 4], scalars: corners)
        return result
    }
}
