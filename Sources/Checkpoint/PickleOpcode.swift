/// Pickle opcodes of protocols 0–5, by byte value (CPython's `pickletools` documents each).
enum PickleOpcode: UInt8 {
    // Protocol 0 (text) and 1 (binary).
    case mark = 0x28             // (
    case stop = 0x2E             // .
    case pop = 0x30              // 0
    case popMark = 0x31          // 1
    case duplicate = 0x32        // 2
    case float = 0x46            // F  decimal line
    case integer = 0x49          // I  decimal line; "01"/"00" are True/False
    case binaryInteger = 0x4A    // J  4-byte signed
    case binaryInteger1 = 0x4B   // K  1-byte unsigned
    case long = 0x4C             // L  decimal line ending in "L"
    case binaryInteger2 = 0x4D   // M  2-byte unsigned
    case none = 0x4E             // N
    case persistentID = 0x50     // P  line
    case binaryPersistentID = 0x51  // Q  from the stack
    case reduce = 0x52           // R
    case string = 0x53           // S  quoted repr line
    case binaryString = 0x54     // T  4-byte length
    case shortBinaryString = 0x55   // U  1-byte length
    case unicode = 0x56          // V  raw-unicode-escape line
    case binaryUnicode = 0x58    // X  4-byte length, UTF-8
    case append = 0x61           // a
    case build = 0x62            // b
    case global = 0x63           // c  module line, name line
    case dictionary = 0x64       // d
    case emptyDictionary = 0x7D  // }
    case appends = 0x65          // e
    case get = 0x67              // g  decimal line
    case binaryGet = 0x68        // h  1-byte index
    case instance = 0x69         // i  module line, name line
    case longBinaryGet = 0x6A    // j  4-byte index
    case list = 0x6C             // l
    case emptyList = 0x5D        // ]
    case object = 0x6F           // o
    case put = 0x70              // p  decimal line
    case binaryPut = 0x71        // q  1-byte index
    case longBinaryPut = 0x72    // r  4-byte index
    case setItem = 0x73          // s
    case tuple = 0x74            // t
    case emptyTuple = 0x29       // )
    case setItems = 0x75         // u
    case binaryFloat = 0x47      // G  8-byte big-endian double
    // Protocol 2.
    case protocolVersion = 0x80
    case newObject = 0x81
    case extension1 = 0x82
    case extension2 = 0x83
    case extension4 = 0x84
    case tuple1 = 0x85
    case tuple2 = 0x86
    case tuple3 = 0x87
    case newTrue = 0x88
    case newFalse = 0x89
    case long1 = 0x8A            // 1-byte length, little-endian two's complement
    case long4 = 0x8B            // 4-byte length
    // Protocol 3.
    case binaryBytes = 0x42      // B  4-byte length
    case shortBinaryBytes = 0x43 // C  1-byte length
    // Protocol 4.
    case shortBinaryUnicode = 0x8C
    case binaryUnicode8 = 0x8D
    case binaryBytes8 = 0x8E
    case emptySet = 0x8F
    case addItems = 0x90
    case frozenSet = 0x91
    case newObjectWithKeywords = 0x92
    case stackGlobal = 0x93
    case memoize = 0x94
    case frame = 0x95
    // Protocol 5.
    case byteArray8 = 0x96
    case nextBuffer = 0x97
    case readOnlyBuffer = 0x98
}
