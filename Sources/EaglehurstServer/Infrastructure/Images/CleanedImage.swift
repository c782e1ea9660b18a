import Foundation
import NIOPosix

/// An uploaded picture (a listing photo, an avatar) made fit to store and to serve to anyone.
///
/// - **Size from the header first.** A 304 KB PNG can declare 50000 × 50000 pixels: 2.5 gigapixels
///   whose decoding kept a core busy for 10 s. The header is read without decoding a pixel, and an
///   image past `Settings.maxImagePixels` (all frames of a GIF or WebP counted) is refused with a
///   422 before anything else is done with it.
/// - **Written again without metadata.** A phone's JPEG carries the GPS position it was taken at
///   and the camera; a photo of a practice would give away the address its listing keeps
///   confidential. The image is decoded and encoded again in its own format with no EXIF, XMP,
///   IPTC or comments, its EXIF orientation applied to the pixels (nothing else would turn it),
///   and that copy is what is stored, so no original served carries them. Decoding every pixel
///   also refuses a file cut short or damaged past its header, with a 422.
struct CleanedImage {
    /// The copy to store: a spool file beside the upload's, removed with this value.
    let file: UploadedFile
    /// One frame's size, upright.
    let width: Int
    let height: Int

    /// `what` names the picture in messages ("a listing photo"). Libvips runs on `threadPool`
    /// (decoding and encoding a 12-megapixel photo takes a fraction of a second).
    static func clean(_ upload: UploadedFile, type: DetectedFileType, what: String, maxPixels: Int, on threadPool: NIOThreadPool) async throws -> CleanedImage {
        do {
            return try await threadPool.runIfActive {
                let header = try Images.header(ofFileAt: upload.url)
                guard header.pixelCount <= maxPixels else { throw tooManyPixels(header, limit: maxPixels, what: what) }
                var size = (width: 0, height: 0)
                let file = try upload.rewritten { destination in
                    size = try Images.clean(fileAt: upload.url, to: destination, as: type)
                }
                return CleanedImage(file: file, width: size.width, height: size.height)
            }
        } catch let error as Images.ImageError {
            throw Problem.validation(
                ["file": ["is not a readable \(type.displayName) image"]],
                detail: "The file starts like a \(type.displayName) image but could not be decoded (\(error.description)). It may be cut short or damaged; export it again and upload that.")
        }
    }

    static func tooManyPixels(_ header: Images.Header, limit: Int, what: String) -> Problem {
        let frames = header.pages > 1 ? " in \(header.pages) frames" : ""
        let size = "\(header.width) × \(header.height) pixels\(frames)"
        return Problem(
            .unprocessableEntity, slug: "image-too-many-pixels", title: "The image has too many pixels",
            detail: "The image is \(size) (\(megapixels(header.pixelCount))); \(what) may have at most \(megapixels(limit)). Scale it down and upload it again.",
            errors: ["file": ["is \(size); at most \(megapixels(limit)) are accepted"]])
    }

    /// "40 megapixels", "2,500 megapixels", "1 megapixel", "1.5 megapixels"; below one megapixel
    /// (a limit lowered for a test) in pixels: "250,000 pixels".
    static func megapixels(_ pixels: Int) -> String {
        guard pixels >= 1_000_000 else { return "\(grouped(pixels)) pixels" }
        let tenths = Int((Double(pixels) / 100_000).rounded())
        let number = grouped(tenths / 10) + (tenths % 10 == 0 ? "" : ".\(tenths % 10)")
        return tenths == 10 ? "1 megapixel" : "\(number) megapixels"
    }

    private static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return text
    }
}
