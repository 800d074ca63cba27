import Foundation

/// The visible attributes of one face photo, as annotated in a table such as the AT&T/ORL faces'
/// `attributes.csv` (columns `person`, `photo`, `gender`, `glasses`, `beard`, `moustache`,
/// `hair_length`, `hair_colour`, `smiling`, `eyes_closed`, `head`; flags `1`/`0`). The head pose is
/// where the face points in the image (the viewer's left or right).
public struct FaceAttributes: Sendable, Equatable, Hashable, Codable {
    public enum Gender: String, Sendable, Codable, CaseIterable { case male, female }
    public enum HairLength: String, Sendable, Codable, CaseIterable { case short, long, bald }
    public enum HairColour: String, Sendable, Codable, CaseIterable { case dark, light, grey }
    public enum HeadPose: String, Sendable, Codable, CaseIterable { case frontal, left, right }

    /// The person's folder name (`s1`).
    public var person: String
    /// The photo's number within the folder (`3` for `3.png`).
    public var photo: Int
    public var gender: Gender
    public var glasses: Bool
    public var beard: Bool
    public var moustache: Bool
    public var hairLength: HairLength
    public var hairColour: HairColour
    public var smiling: Bool
    public var eyesClosed: Bool
    public var head: HeadPose

    public init(person: String, photo: Int, gender: Gender, glasses: Bool = false, beard: Bool = false, moustache: Bool = false,
                hairLength: HairLength = .short, hairColour: HairColour = .dark, smiling: Bool = false, eyesClosed: Bool = false,
                head: HeadPose = .frontal) {
        self.person = person
        self.photo = photo
        self.gender = gender
        self.glasses = glasses
        self.beard = beard
        self.moustache = moustache
        self.hairLength = hairLength
        self.hairColour = hairColour
        self.smiling = smiling
        self.eyesClosed = eyesClosed
        self.head = head
    }
}

/// A face attribute table (CSV or TSV with a header; see `FaceAttributes`), read strictly: every
/// column present, every value one of its allowed spellings, no photo listed twice; errors name
/// the file, line and value.
public struct FaceAttributeTable: Sendable {
    public static let columns = ["person", "photo", "gender", "glasses", "beard", "moustache", "hair_length", "hair_colour",
                                 "smiling", "eyes_closed", "head"]

    public let rows: [FaceAttributes]
    private let index: [String: Int]

    public init(contentsOf url: URL) throws {
        let table = try DelimitedTable(contentsOf: url, expectedColumns: Self.columns)
        let positions = try Self.columns.map { try table.column($0) }
        var rows: [FaceAttributes] = [], index: [String: Int] = [:]
        for record in table.rows {
            func field(_ column: Int) -> String { record.fields[positions[column]].trimmingCharacters(in: .whitespaces) }
            func bad(_ column: Int, _ expected: String) -> DatasetError {
                DatasetError.malformed(path: table.path, line: record.line,
                                       reason: "\(Self.columns[column]) is \"\(field(column))\", expected \(expected)")
            }
            func flag(_ column: Int) throws -> Bool {
                switch field(column) {
                case "1": return true
                case "0": return false
                default: throw bad(column, "1 or 0")
                }
            }
            func choice<T: RawRepresentable & CaseIterable>(_ column: Int, _ type: T.Type) throws -> T where T.RawValue == String {
                guard let value = T(rawValue: field(column)) else {
                    throw bad(column, "one of " + T.allCases.map(\.rawValue).joined(separator: ", "))
                }
                return value
            }
            guard !field(0).isEmpty else { throw bad(0, "a person's folder name") }
            guard let photo = Int(field(1)) else { throw bad(1, "a photo number") }
            let attributes = FaceAttributes(
                person: field(0), photo: photo, gender: try choice(2, FaceAttributes.Gender.self), glasses: try flag(3),
                beard: try flag(4), moustache: try flag(5), hairLength: try choice(6, FaceAttributes.HairLength.self),
                hairColour: try choice(7, FaceAttributes.HairColour.self), smiling: try flag(8), eyesClosed: try flag(9),
                head: try choice(10, FaceAttributes.HeadPose.self))
            let key = Self.key(person: attributes.person, photo: photo)
            guard index[key] == nil else {
                throw DatasetError.malformed(path: table.path, line: record.line, reason: "photo \(photo) of \(attributes.person) is listed twice")
            }
            index[key] = rows.count
            rows.append(attributes)
        }
        guard !rows.isEmpty else { throw DatasetError.emptyDataset(path: table.path, reason: "the table lists no photo") }
        self.rows = rows
        self.index = index
    }

    /// The attributes of photo `photo` of `person`, if listed.
    public func attributes(person: String, photo: Int) -> FaceAttributes? {
        index[Self.key(person: person, photo: photo)].map { rows[$0] }
    }

    /// The attributes of a photo by its path relative to the person folders' root (`s1/3.png`).
    public func attributes(photoPath: String) -> FaceAttributes? {
        let parts = photoPath.split(separator: "/")
        guard parts.count >= 2, let number = Int(parts[parts.count - 1].split(separator: ".")[0]) else { return nil }
        return attributes(person: String(parts[parts.count - 2]), photo: number)
    }

    private static func key(person: String, photo: Int) -> String { "\(person)/\(photo)" }
}
