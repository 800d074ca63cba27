/// A fixture that does not hold what a test needs (a missing case, an unknown step); the message
/// says which, and usually which script writes it.
public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
