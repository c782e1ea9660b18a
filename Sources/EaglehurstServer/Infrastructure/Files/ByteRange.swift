/// The one byte range of a `Range: bytes=…` header (RFC 9110 §14.1.2), read against a file's size.
enum ByteRange: Equatable, Sendable {
    /// No usable range: serve the whole file (no header, another unit, several ranges, a malformed one).
    case whole
    case part(ClosedRange<Int>)
    /// A well-formed range that lies wholly past the end: 416.
    case unsatisfiable

    static func parse(_ header: String?, size: Int) -> ByteRange {
        guard let header = header?.trimmingCharacters(in: .whitespaces), header.lowercased().hasPrefix("bytes=") else { return .whole }
        let spec = header.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        // Several ranges would need a multipart/byteranges answer; the whole file is a valid answer too.
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return .whole }
        let first = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        let isDigits = { (text: String) in !text.isEmpty && text.count <= 18 && text.allSatisfy(\.isASCII) && text.allSatisfy(\.isNumber) }
        if first.isEmpty {
            // A suffix: the last N bytes.
            guard isDigits(last), let count = Int(last) else { return .whole }
            guard count > 0, size > 0 else { return .unsatisfiable }
            return .part(max(0, size - count)...(size - 1))
        }
        guard isDigits(first), let start = Int(first) else { return .whole }
        var end = size - 1
        if !last.isEmpty {
            guard isDigits(last), let value = Int(last), value >= start else { return .whole }
            end = min(value, size - 1)
        }
        guard start < size else { return .unsatisfiable }
        return .part(start...end)
    }
}
