/// Which side is the query and which the database.
public enum RetrievalDirection: String, Codable, Sendable, CaseIterable {
    /// Text queries, image results ("T2I").
    case textToImage = "t2i"
    /// Image queries, caption results ("I2T").
    case imageToText = "i2t"
    /// Image queries, image results (similar images).
    case imageToImage = "i2i"

    /// Whose embeddings are searched.
    public var database: EmbeddingOwner { self == .imageToText ? .captions : .items }
}
