import Autograd
import NN
import Tensor

extension VisionTransformer: ImageEncoder {
    public var embeddingWidth: Int { configuration.outputDimension }
    public var inputSize: Int? { configuration.imageSize }
    public var projectionPaths: [String] { ["proj"] }

    /// The class token's projection as the pooled embedding; with token states, the last block
    /// runs on every token and the patch tokens after `ln_post` (unprojected, as open_clip's
    /// `output_tokens`) are returned on their grid.
    public func encode(_ images: Variable, includingTokenStates: Bool) -> ImageEncoding {
        guard includingTokenStates else { return ImageEncoding(pooled: self(images)) }
        let sequence = postNorm(transformer(embeddings(images)))  // [batch, 1 + grid², width]
        let (batch, tokens, width) = (sequence.shape[0], sequence.shape[1], sequence.shape[2])
        let classTokens = sequence.narrowed(alongAxis: 1, start: 0, length: 1).reshaped([batch, width])  // [batch, width]
        let pooled = Variable.matmul(classTokens, projection.variable)  // [batch, outputDimension]
        let patches = sequence.narrowed(alongAxis: 1, start: 1, length: tokens - 1)  // [batch, grid², width]
        let grid = configuration.gridSize
        return ImageEncoding(pooled: pooled, tokenStates: patches, grid: TokenGrid(rows: grid, columns: grid))
    }
}
