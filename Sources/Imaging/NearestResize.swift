extension RGBImage {
    /// Nearest-neighbour scaling as Pillow's `Image.resize(..., NEAREST)` does it (its affine
    /// scaling path, `ImagingScaleAffine`): with step = (box extent) / (output size), the source
    /// coordinate starts at box start + step / 2 and grows by `step` per output pixel (a running
    /// Float64 sum, as in Pillow); the source index is its integer part. Indices outside the input
    /// give black. Only the output pixels in `keptColumns` x `keptRows` are produced; the running
    /// sums still start at the first output pixel, so they are those of the whole output.
    func nearestResized(width outputWidth: Int, height outputHeight: Int,
                        keepingColumns keptColumns: Range<Int>, rows keptRows: Range<Int>,
                        box: (left: Float, top: Float, right: Float, bottom: Float)) -> RGBImage {
        let stepX = Double(box.right - box.left) / Double(outputWidth)
        let stepY = Double(box.bottom - box.top) / Double(outputHeight)
        func sourceIndices(start: Float, step: Double, kept: Range<Int>, limit: Int) -> [Int] {
            var position = Double(start) + step * 0.5
            var indices = [Int](repeating: -1, count: kept.count)
            for index in 0..<kept.upperBound {
                if index >= kept.lowerBound {
                    let source = position < 0 ? -1 : Int(position)
                    indices[index - kept.lowerBound] = source < limit ? source : -1
                }
                position += step
            }
            return indices
        }
        let columns = sourceIndices(start: box.left, step: stepX, kept: keptColumns, limit: width)
        let rows = sourceIndices(start: box.top, step: stepY, kept: keptRows, limit: height)
        let keptWidth = keptColumns.count
        return RGBImage(width: keptWidth, height: keptRows.count) { output in
            pixels.withUnsafeBufferPointer { input in
                for (outputY, sourceY) in rows.enumerated() {
                    for (outputX, sourceX) in columns.enumerated() {
                        let destination = (outputY * keptWidth + outputX) * 3
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
