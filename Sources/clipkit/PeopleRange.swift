import ArgumentParser

/// Reads a `FIRST-LAST` person range (1-based positions of person folders in numeric order, FIRST <
/// LAST) given to `option`, as the 0-based half-open range of folder positions.
func parsePeopleRange(_ text: String, option: String) throws -> Range<Int> {
    let parts = text.split(separator: "-").compactMap { Int($0) }
    guard parts.count == 2, parts[0] >= 1, parts[1] > parts[0] else {
        throw ValidationError("\(option) must be FIRST-LAST with 1 ≤ FIRST < LAST, got \(text)")
    }
    return (parts[0] - 1)..<parts[1]
}
