/// A yes/no written in JSON as `true`/`false` or as the integer 0 or 1 (COCO's `iscrowd`, VSR's
/// `label`); anything else is an error saying so.
struct JSONFlag: Decodable, Equatable {
    var value: Bool

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            value = flag
        } else if let number = try? container.decode(Int.self), number == 0 || number == 1 {
            value = number == 1
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be 0, 1, true or false")
        }
    }
}
