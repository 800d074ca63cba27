import Autograd
import Tensor

/// What an `ImageEncoder` returns for a batch of images: the pooled embedding and, when asked for,
/// the token states on their spatial grid.
public struct ImageEncoding {
    /// `[batch, embeddingWidth]`, not L2-normalised.
    public let pooled: Variable
    /// `[batch, rows·columns, tokenWidth]` in row-major grid order (a vision transformer's patch
    /// tokens after its last block, without the class token; a CNN's last feature map), or nil.
    public let tokenStates: Variable?
    /// The layout of `tokenStates`.
    public let grid: TokenGrid?

    public init(pooled: Variable, tokenStates: Variable? = nil, grid: TokenGrid? = nil) {
        precondition((tokenStates == nil) == (grid == nil), "token states come with their grid")
        if let tokenStates, let grid {
            precondition(tokenStates.shape.count == 3 && tokenStates.shape[1] == grid.rows * grid.columns,
                         "token states \(tokenStates.shape) do not fill a \(grid.rows)×\(grid.columns) grid")
        }
        self.pooled = pooled
        self.tokenStates = tokenStates
        self.grid = grid
    }

    /// The token states as a feature map `[batch, tokenWidth, rows, columns]`, the layout
    /// region pooling (ROI-align) reads.
    public var featureMap: Variable? {
        guard let tokenStates, let grid else { return nil }
        let (batch, width) = (tokenStates.shape[0], tokenStates.shape[2])
        return tokenStates.permuted([0, 2, 1]).reshaped([batch, width, grid.rows, grid.columns])  // [batch, width, rows, columns]
    }

    /// An encoding whose token states come from a feature map `[batch, channels, rows, columns]`.
    public init(pooled: Variable, featureMap: Variable) {
        let (batch, channels, rows, columns) = (featureMap.shape[0], featureMap.shape[1], featureMap.shape[2], featureMap.shape[3])
        let tokens = featureMap.reshaped([batch, channels, rows * columns]).permuted([0, 2, 1])  // [batch, rows·columns, channels]
        self.init(pooled: pooled, tokenStates: tokens, grid: TokenGrid(rows: rows, columns: columns))
    }
}

/// The spatial layout of an image encoder's token states: `rows × columns` positions in
/// row-major order, each covering `imageSize / rows` pixels vertically.
public struct TokenGrid: Sendable, Equatable {
    public let rows: Int
    public let columns: Int

    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
    }
}
