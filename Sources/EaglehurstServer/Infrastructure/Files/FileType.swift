import Foundation

/// A file type recognised from its content (its magic number; for Office documents, the names of
/// the parts inside the archive), never from its name or the
/// content type a client claims.
public enum DetectedFileType: String, Sendable, CaseIterable {
    case png, jpeg, gif, webp, pdf
    /// Office Open XML: a ZIP archive holding `word/` (Word) or `xl/` (Excel) parts.
    case docx, xlsx

    public var mimeType: String {
        switch self {
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .gif: "image/gif"
        case .webp: "image/webp"
        case .pdf: "application/pdf"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
    }

    /// The name people know the type by, for messages: "PNG", "JPEG", ….
    public var displayName: String {
        switch self {
        case .webp: "WebP"
        case .docx: "Word (.docx)"
        case .xlsx: "Excel (.xlsx)"
        default: rawValue.uppercased()
        }
    }

    public var fileExtension: String { rawValue == "jpeg" ? "jpg" : rawValue }

    public static func detect(_ data: Data) -> DetectedFileType? {
        var detector = Detector()
        detector.feed(data)
        return detector.result
    }

    /// Detects the type of bytes that arrive in pieces (an upload as it streams in): the first 16
    /// bytes are kept for the magic number, and a ZIP archive is searched, across the pieces'
    /// boundaries, for the names of the parts that make it a Word or Excel document (the names
    /// are stored in clear in each local file header); any other archive is not accepted.
    public struct Detector: Sendable {
        private static let markers = ["[Content_Types].xml", "word/document.xml", "xl/workbook.xml"].map { Array($0.utf8) }
        private static let carryCount = markers.map(\.count).max()! - 1

        private var head: [UInt8] = []
        /// The last bytes seen, so a name split between two pieces is still found.
        private var carry: [UInt8] = []
        private var found = [false, false, false]

        public init() {}

        public mutating func feed(_ bytes: some Collection<UInt8>) {
            if head.count < 16 { head.append(contentsOf: bytes.prefix(16 - head.count)) }
            guard head.count >= 4, starts([0x50, 0x4B, 0x03, 0x04]), found.contains(false) else { return }
            let window = carry + bytes
            for (index, marker) in Self.markers.enumerated() where !found[index] {
                found[index] = window.firstRange(of: marker) != nil
            }
            carry = Array(window.suffix(Self.carryCount))
        }

        public var result: DetectedFileType? {
            if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
            if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
            if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
            if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return .webp }
            if starts(Array("%PDF-".utf8)) { return .pdf }
            if starts([0x50, 0x4B, 0x03, 0x04]), found[0] {
                if found[1] { return .docx }
                if found[2] { return .xlsx }
            }
            return nil
        }

        private func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + prefix.count && Array(head[offset..<offset + prefix.count]) == prefix
        }
    }

    /// "PNG, JPEG or WebP".
    public static func list(_ types: [DetectedFileType]) -> String {
        let names = types.map(\.displayName)
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " or " + names.last!
    }
}
