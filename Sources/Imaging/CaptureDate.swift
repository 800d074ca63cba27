/// When a photo was taken, from its Exif block: `DateTimeOriginal` (tag 0x9003, Exif IFD), else
/// IFD0's `DateTime` (0x0132, the file's last change by the camera or an editor), as seconds
/// since 1970-01-01 UTC (CIPA DC-008 §4.6.4/4.6.5). The Exif text `YYYY:MM:DD HH:MM:SS` carries no
/// zone: the matching `OffsetTimeOriginal` / `OffsetTime` (0x9011 / 0x9010, `±HH:MM`, Exif 2.31)
/// is applied when present, otherwise the clock time is read as UTC (the order among one camera's
/// photos is what sorting needs).
///
/// JPEG Exif comes from its APP1 segments (`JPEGMetadata`), PNG Exif from its `eXIf` chunk
/// (`PNGExifChunk`); WebP and other files give nil. Untrusted bytes are read within bounds
/// (`ExifTags`), and a date that is blank, all zeros or out of range (month 13, 30 February,
/// hour 24) is no date: nil, never a guess. Callers fall back to the file's modification time.
public enum CaptureDate {
    static let dateTimeTag: UInt16 = 0x0132
    static let dateTimeOriginalTag: UInt16 = 0x9003
    static let offsetTimeTag: UInt16 = 0x9010
    static let offsetTimeOriginalTag: UInt16 = 0x9011

    /// The capture time of the encoded image `bytes`, in seconds since 1970 UTC, or nil.
    public static func secondsSince1970<Bytes: RandomAccessCollection>(inImage bytes: Bytes) -> Double?
    where Bytes.Element == UInt8, Bytes.Index == Int {
        let payload: [UInt8]?
        if bytes.count >= 2, bytes[bytes.startIndex] == 0xFF, bytes[bytes.startIndex + 1] == 0xD8 {
            payload = JPEGMetadata(bytes).exif
        } else {
            payload = PNGExifChunk.payload(in: bytes)
        }
        guard let payload, let tags = ExifTags(payload: payload) else { return nil }
        return secondsSince1970(in: tags)
    }

    /// `DateTimeOriginal` with its offset, else `DateTime` with its offset.
    static func secondsSince1970(in tags: ExifTags) -> Double? {
        func text(_ tag: UInt16, in entries: [ExifTags.Entry]) -> String? {
            entries.first { $0.tag == tag }.flatMap { tags.ascii($0) }
        }
        let candidates = [(text(dateTimeOriginalTag, in: tags.exif), text(offsetTimeOriginalTag, in: tags.exif)),
                          (text(dateTimeTag, in: tags.primary), text(offsetTimeTag, in: tags.exif))]
        for (date, offset) in candidates {
            guard let date, let seconds = secondsSince1970(exifDate: date) else { continue }
            return Double(seconds - (offset.flatMap(offsetSeconds) ?? 0))
        }
        return nil
    }

    /// `YYYY:MM:DD HH:MM:SS` (trailing spaces allowed) as seconds since 1970, reading the clock
    /// time as UTC; nil unless every field is in range and the year is 1…9999.
    static func secondsSince1970(exifDate text: String) -> Int? {
        let characters = Array(text.utf8.prefix { $0 != 0 })
        guard characters.count >= 19, characters[19...].allSatisfy({ $0 == UInt8(ascii: " ") }) else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(characters[index]) - Int(UInt8(ascii: "0"))
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        let colon = UInt8(ascii: ":")
        guard characters[4] == colon, characters[7] == colon, characters[10] == UInt8(ascii: " ") || characters[10] == UInt8(ascii: "T"),
              characters[13] == colon, characters[16] == colon,
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...9999).contains(year), (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 61 else { return nil }
        return daysSince1970(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// `±HH:MM` as seconds east of UTC; nil when malformed or beyond ±24 hours.
    static func offsetSeconds(_ text: String) -> Int? {
        let characters = Array(text.utf8)
        guard characters.count == 6, characters[0] == UInt8(ascii: "+") || characters[0] == UInt8(ascii: "-"),
              characters[3] == UInt8(ascii: ":"),
              let hours = Int(String(decoding: characters[1..<3], as: UTF8.self)),
              let minutes = Int(String(decoding: characters[4..<6], as: UTF8.self)),
              characters[1...2].allSatisfy({ (48...57).contains($0) }), characters[4...5].allSatisfy({ (48...57).contains($0) }),
              hours < 24, minutes < 60 else { return nil }
        return (characters[0] == UInt8(ascii: "-") ? -1 : 1) * (hours * 3600 + minutes * 60)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// Days from 1970-01-01 to the proleptic Gregorian date (Hinnant's `days_from_civil`: years
    /// counted from March, in 400-year eras of 146,097 days).
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400                                     // [0, 399]
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1 // [0, 365]
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear  // [0, 146096]
        return era * 146_097 + dayOfEra - 719_468
    }
}
