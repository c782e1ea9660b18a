import CVips
import Foundation

/// Image work done with libvips (`CVips`): reading an image's header, writing an upload again
/// without its metadata, and making thumbnails. Every call decodes untrusted bytes, so every
/// failure is a thrown `ImageError`, never a crash.
public enum Images {
    public struct ImageError: Error, CustomStringConvertible, Sendable {
        /// What libvips said, e.g. "VipsJpeg: Premature end of JPEG file".
        public var description: String
        /// The work was stopped at its time limit; the image itself may be fine.
        public var timedOut = false
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

    /// What an image file's header declares, read without decoding a pixel.
    public struct Header: Sendable, Equatable {
        /// The size of one page, EXIF orientation applied.
        public var width: Int
        public var height: Int
        /// Frames of a GIF or WebP; 1 for other images.
        public var pages: Int

        /// Every pixel decoding the whole image produces: what decoding it costs.
        public var pixelCount: Int { width * height * pages }
    }

    /// The header of an image in a file (an upload's spool): libvips opens it and reads no pixel,
    /// so a small file declaring billions of pixels costs nothing here.
    public static func header(ofFileAt url: URL) throws -> Header {
        try start()
        var width: Int32 = 0, height: Int32 = 0, pages: Int32 = 0
        guard eh_vips_header_file(url.path, &width, &height, &pages) == 0, width > 0, height > 0, pages > 0 else {
            throw lastError(or: "not an image libvips can read")
        }
        return Header(width: Int(width), height: Int(height), pages: Int(pages))
    }

    /// Writes the image in `source` again to `destination`, in the same format, without metadata
    /// (EXIF with its GPS position and camera, XMP, IPTC, comments), its EXIF orientation applied to
    /// the pixels and its colour profile applied (sRGB). Every pixel is decoded, so a file cut
    /// short or damaged past its header fails here. Answers the size of one frame.
    public static func clean(fileAt source: URL, to destination: URL, as type: DetectedFileType, quality: Int = 90) throws -> (width: Int, height: Int) {
        let format: Int32
        switch type {
        case .png: format = Int32(EH_VIPS_PNG)
        case .jpeg: format = Int32(EH_VIPS_JPEG)
        case .webp: format = Int32(EH_VIPS_WEBP)
        case .gif: format = Int32(EH_VIPS_GIF)
        default: throw ImageError(description: "\(type.displayName) is not an image format")
        }
        try start()
        var width: Int32 = 0, height: Int32 = 0
        guard eh_vips_clean_file(source.path, destination.path, format, Int32(quality), &width, &height) == 0 else {
            throw lastError(or: "the image could not be decoded")
        }
        return (Int(width), Int(height))
    }

    /// Packed 8-bit RGB encoded as `.jpeg` (with an EXIF orientation tag when `orientation` is 2–8),
    /// `.png`, `.webp` or `.gif`: pictures for tests and benchmarks.
    public static func encode(rgb: [UInt8], width: Int, height: Int, orientation: Int = 1, as type: DetectedFileType, quality: Int = 85) throws -> Data {
        precondition(rgb.count == width * height * 3, "rgb must hold width * height * 3 bytes")
        let suffix: String
        switch type {
        case .jpeg: suffix = ".jpg[Q=\(quality)]"
        case .png: suffix = ".png"
        case .webp: suffix = ".webp[Q=\(quality)]"
        case .gif: suffix = ".gif"
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
    /// metadata (EXIF, GPS, ICC) stripped, transparency flattened onto white. With a `timeLimit`,
    /// decoding and shrinking stop once it has passed (`ImageError.timedOut`).
    public static func thumbnail(of data: Data, maxWidth: Int, maxHeight: Int, quality: Int = 82, timeLimit: Duration? = nil) throws -> Thumbnail {
        try start()
        var out: UnsafeMutableRawPointer?
        var length = 0
        var width: Int32 = 0, height: Int32 = 0
        let milliseconds = timeLimit.map { Int32(clamping: $0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000) } ?? -1
        let status = data.withUnsafeBytes {
            eh_vips_thumbnail_jpeg($0.baseAddress, $0.count, Int32(maxWidth), Int32(maxHeight), Int32(quality), milliseconds,
                                   &out, &length, &width, &height)
        }
        if status == EH_VIPS_TIMED_OUT {
            _ = lastError(or: "")
            throw ImageError(description: "gave up after the time limit of \(milliseconds) ms", timedOut: true)
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
