extension RGBImage {
    /// Nearest-neighbour scaling as Pillow's `Image.resize(..., NEAREST)` does it (its affine
    /// scaling path, `ImagingScaleAffine`): with step = (box extent) / (output size), the source
    /// coordinate starts at box start + step / 2 and grows by `step` per output pixel (a running
    /// Float64 sum, as in Pillow); the source index is its integer part. Indices outside the input
    /// give black.
    func nearestResized(width outputWidth: Int, height outputHeight: Int,
                        box: (left: Float, top: Float, right: Float, bottom: Float)) -> RGBImage {
        let stepX = Double(box.right - box.left) / Double(outputWidth)
        let stepY = Double(box.bottom - box.top) / Double(outputHeight)
        func sourceIndices(start: Float, step: Double, count: Int, limit: Int) -> [Int] {
            var position = Double(start) + step * 0.5
            var indices = [Int](repeating: -1, count: count)
            for index in 0..<count {
                let source = position < 0 ? -1 : Int(position)
                indices[index] = source < limit ? source : -1
                position += step
            }
            return indices
        }
        let columns = sourceIndices(start: box.left, step: stepX, count: outputWidth, limit: width)
        let rows = sourceIndices(start: box.top, step: stepY, count: outputHeight, limit: height)
        return RGBImage(width: outputWidth, height: outputHeight) { output in
            pixels.withUnsafeBufferPointer { input in
                for (outputY, sourceY) in rows.enumerated() {
                    for (outputX, sourceX) in columns.enumerated() {
                        let destination = (outputY * outputWidth + outputX) * 3
                        guard sourceY >= 0, sourceX >= 0 else {
                            output[destination] = 0
                            output[destination + 1] = 0
                            output[destination + 2] = 0
                            continue
                        }
                        let source = (sourceY * width + sourceX) * 3
                        output[destination] = input[source]
                        output[destination + 1] = input[source + 1]
                        output[destination + 2] = input[source + 2]
                    }
                }
            }
        }
    }
}
