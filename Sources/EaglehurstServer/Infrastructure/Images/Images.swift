import CVips
import Foundation

/// Image work done with libvips (`CVips`): reading an image's size and making thumbnails. Every
/// call decodes untrusted bytes, so every failure is a thrown `ImageError`, never a crash.
public enum Images {
    public struct ImageError: Error, CustomStringConvertible, Sendable {
        /// What libvips said, e.g. "VipsJpeg: Premature end of JPEG file".
        public var description: String
    }

    public struct Thumbnail: Sendable {
        public var jpeg: Data
        public var width: Int
        public var height: Int
    }

    /// Width and height with EXIF orientation applied, read from the header only.
    public static func size(of data: Data) throws -> (width: Int, height: Int) {
        try start()
        var width: Int32 = 0, height: Int32 = 0
        let status = data.withUnsafeBytes { eh_vips_probe($0.baseAddress, $0.count, &width, &height) }
        guard status == 0, width > 0, height > 0 else { throw lastError(or: "not an image libvips can read") }
        return (Int(width), Int(height))
    }

    /// `size(of:)` for an image in a file (an upload's spool): libvips reads it from disk.
    public static func size(ofFileAt url: URL) throws -> (width: Int, height: Int) {
        try start()
        var width: Int32 = 0, height: Int32 = 0
        guard eh_vips_probe_file(url.path, &width, &height) == 0, width > 0, height > 0 else {
            throw lastError(or: "not an image libvips can read")
        }
        return (Int(width), Int(height))
    }

    /// Decodes every pixel of an image in a file (shrunk on load where the format allows, read in
    /// strips, so a large photo is never whole in memory): a file cut short or corrupt past its
    /// header is refused here rather than found out by the thumbnail job.
    public static func verify(fileAt url: URL) throws {
        try start()
        guard eh_vips_verify_file(url.path) == 0 else { throw lastError(or: "the image could not be decoded") }
    }

    /// Packed 8-bit RGB encoded as `.jpeg` (with an EXIF orientation tag when `orientation` is 2–8)
    /// or `.png`: pictures for tests and benchmarks.
    public static func encode(rgb: [UInt8], width: Int, height: Int, orientation: Int = 1, as type: DetectedFileType, quality: Int = 85) throws -> Data {
        precondition(rgb.count == width * height * 3, "rgb must hold width * height * 3 bytes")
        let suffix: String
        switch type {
        case .jpeg: suffix = ".jpg[Q=\(quality)]"
        case .png: suffix = ".png"
        default: throw ImageError(description: "encoding \(type.displayName) is not supported")
        }
        try start()
        var out: UnsafeMutableRawPointer?
        var length = 0
        let status = rgb.withUnsafeBufferPointer {
            eh_vips_encode_rgb($0.baseAddress, Int32(width), Int32(height), Int32(orientation), suffix, &out, &length)
        }
        guard status == 0, let out else { throw lastError(or: "the image could not be encoded") }
        defer { eh_vips_free(out) }
        return Data(bytes: out, count: length)
    }

    /// A JPEG fitted within `maxWidth` × `maxHeight` (never enlarged), orientation applied,
    /// metadata (EXIF, GPS, ICC) stripped, transparency flattened onto white.
    public static func thumbnail(of data: Data, maxWidth: Int, maxHeight: Int, quality: Int = 82) throws -> Thumbnail {
        try start()
        var out: UnsafeMutableRawPointer?
        var length = 0
        var width: Int32 = 0, height: Int32 = 0
        let status = data.withUnsafeBytes {
            eh_vips_thumbnail_jpeg($0.baseAddress, $0.count, Int32(maxWidth), Int32(maxHeight), Int32(quality),
                                   &out, &length, &width, &height)
        }
        guard status == 0, let out else { throw lastError(or: "the image could not be decoded") }
        defer { eh_vips_free(out) }
        return Thumbnail(jpeg: Data(bytes: out, count: length), width: Int(width), height: Int(height))
    }

    private static func start() throws {
        guard eh_vips_start() == 0 else { throw lastError(or: "libvips did not start") }
    }

    private static func lastError(or fallback: String) -> ImageError {
        var buffer = [CChar](repeating: 0, count: 512)
        eh_vips_take_error(&buffer, buffer.count)
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return ImageError(description: text.isEmpty ? fallback : text)
    }
}
