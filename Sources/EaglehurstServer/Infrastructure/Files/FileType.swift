import Foundation

/// A file type recognised from its first bytes (its magic number), never from its name or the
/// content type a client claims.
public enum DetectedFileType: String, Sendable, CaseIterable {
    case png, jpeg, gif, webp, pdf

    public var mimeType: String {
        switch self {
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .gif: "image/gif"
        case .webp: "image/webp"
        case .pdf: "application/pdf"
        }
    }

    /// The name people know the type by, for messages: "PNG", "JPEG", ….
    public var displayName: String { rawValue.uppercased().replacingOccurrences(of: "WEBP", with: "WebP") }

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
        return nil
    }

    /// "PNG, JPEG or WebP".
    public static func list(_ types: [DetectedFileType]) -> String {
        let names = types.map(\.displayName)
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " or " + names.last!
    }
}
