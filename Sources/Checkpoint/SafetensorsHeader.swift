/// The validated JSON header of a safetensors file.
///
/// Layout (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of JSON
/// `{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}`
/// (space-padded), then the data buffer that the offsets index. Validation: N is at most 100 MB and
/// inside the file, every dtype is known, `end - begin` equals shape × element size, offsets lie
/// inside the data buffer, and no two tensors' byte ranges overlap.
struct SafetensorsHeader {
    /// One tensor record: its description and its bytes relative to `dataStart`.
    struct Entry {
        let info: TensorInfo
        let byteRange: Range<Int>
    }

    /// The largest header the format allows.
    static let maximumHeaderLength = 100_000_000
    static let metadataKey = "__metadata__"

    /// Records sorted by data offset (file order).
    let entries: [Entry]
    /// Free-form string pairs of `__metadata__`.
    let metadata: [String: String]
    /// File offset of the data buffer (8 + N).
    let dataStart: Int

    init(file bytes: UnsafeRawBufferPointer, path: String) throws {
        var reader = ByteReader(bytes, path: path, part: "safetensors header length")
        let declared = try reader.readUInt64()
        guard declared <= UInt64(Self.maximumHeaderLength) else {
            throw CheckpointError.corrupt(path: path, part: "safetensors header",
                                          reason: "declared header length \(declared) exceeds the format's limit of \(Self.maximumHeaderLength) bytes")
        }
        let headerLength = Int(declared)
        guard headerLength <= reader.remaining else {
            throw CheckpointError.truncated(path: path, part: "safetensors header of \(headerLength) bytes (file has \(bytes.count))")
        }
        let json = try reader.readBytes(headerLength)
        guard json.first == UInt8(ascii: "{") else {
            throw CheckpointError.corrupt(path: path, part: "safetensors header", reason: "header does not start with '{'")
        }
        dataStart = 8 + headerLength
        let dataSize = bytes.count - dataStart

        let parsed: HeaderJSON
        do {
            parsed = try HeaderJSON.parse(json)
        } catch let error as HeaderJSON.SyntaxError {
            throw CheckpointError.corrupt(path: path, part: "safetensors header", reason: "invalid JSON: \(error)")
        }
        guard case let .object(members) = parsed else {
            throw CheckpointError.corrupt(path: path, part: "safetensors header", reason: "header is not a JSON object")
        }

        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for (name, value) in members {
            if name == Self.metadataKey {
                guard case let .object(pairs) = value else {
                    throw CheckpointError.corrupt(path: path, part: "safetensors __metadata__", reason: "not an object of strings")
                }
                for (key, item) in pairs {
                    guard case let .string(text) = item else {
                        throw CheckpointError.corrupt(path: path, part: "safetensors __metadata__", reason: "value of '\(key)' is not a string")
                    }
                    metadata[key] = text
                }
                continue
            }
            entries.append(try Self.entry(named: name, from: value, dataSize: dataSize, path: path))
        }

        // Byte ranges must not overlap (empty tensors occupy no bytes).
        entries.sort {
            ($0.byteRange.lowerBound, $0.byteRange.upperBound, $0.info.name)
                < ($1.byteRange.lowerBound, $1.byteRange.upperBound, $1.info.name)
        }
        var previous: Entry?
        for entry in entries where !entry.byteRange.isEmpty {
            if let previous, entry.byteRange.lowerBound < previous.byteRange.upperBound {
                throw CheckpointError.invalidTensor(
                    path: path, tensor: entry.info.name,
                    reason: "data_offsets [\(entry.byteRange.lowerBound), \(entry.byteRange.upperBound)] overlap those of '\(previous.info.name)' [\(previous.byteRange.lowerBound), \(previous.byteRange.upperBound)]")
            }
            previous = entry
        }
        self.entries = entries
        self.metadata = metadata
    }

    private static func entry(named name: String, from value: HeaderJSON, dataSize: Int, path: String) throws -> Entry {
        func invalid(_ reason: String) -> CheckpointError {
            .invalidTensor(path: path, tensor: name, reason: reason)
        }
        guard case let .object(fields) = value else { throw invalid("record is not a JSON object") }
        func field(_ key: String) -> HeaderJSON? { fields.first(where: { $0.key == key })?.value }

        guard case let .string(dtypeName)? = field("dtype") else { throw invalid("missing string field 'dtype'") }
        guard let dataType = CheckpointDataType(safetensorsName: dtypeName) else {
            throw CheckpointError.unsupportedDataType(path: path, tensor: name, dataType: dtypeName)
        }
        guard case let .array(shapeValues)? = field("shape") else { throw invalid("missing array field 'shape'") }
        let shape = try shapeValues.map { item -> Int in
            guard case let .integer(dimension) = item, dimension >= 0 else {
                throw invalid("shape is not a list of non-negative integers")
            }
            return dimension
        }
        guard case let .array(offsets)? = field("data_offsets"), offsets.count == 2,
              case let .integer(begin) = offsets[0], case let .integer(end) = offsets[1] else {
            throw invalid("missing field 'data_offsets' of two integers")
        }
        guard begin >= 0, begin <= end, end <= dataSize else {
            throw invalid("data_offsets [\(begin), \(end)] lie outside the data buffer of \(dataSize) bytes")
        }
        guard let count = StridedTensorCopy.elementCount(of: shape) else {
            throw invalid("shape \(shape) overflows")
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dataType.byteSize)
        guard !overflow, byteCount == end - begin else {
            throw invalid("shape \(shape) of \(dtypeName) does not fill data_offsets [\(begin), \(end)] (\(end - begin) bytes)")
        }
        return Entry(info: TensorInfo(name: name, dataType: dataType, shape: shape), byteRange: begin..<end)
    }
}
