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
        let bytes = [UInt8](data.prefix(16))
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && Array(bytes[offset..<offset + prefix.count]) == prefix
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return .webp }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return officeDocument(data) }
        return nil
    }

    /// A ZIP archive is a Word or Excel document when its entries include the main part of one
    /// (names are stored in clear in each local file header); any other archive is not accepted.
    private static func officeDocument(_ data: Data) -> DetectedFileType? {
        guard data.range(of: Data("[Content_Types].xml".utf8)) != nil else { return nil }
        if data.range(of: Data("word/document.xml".utf8)) != nil { return .docx }
        if data.range(of: Data("xl/workbook.xml".utf8)) != nil { return .xlsx }
        return nil
    }

    /// "PNG, JPEG or WebP".
    public static func list(_ types: [DetectedFileType]) -> String {
        let names = types.map(\.displayName)
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " or " + names.last!
    }
}
