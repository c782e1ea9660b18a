import CVips
import EaglehurstServer
import Foundation

/// Real pictures made at test time with libvips (no fixtures to keep in step).
public enum TestImages {
    /// A JPEG whose stored pixels are red in the top half and blue in the bottom half, with an
    /// EXIF orientation tag when `orientation` is 2–8: shown upright, orientation 6 (rotate 90°
    /// clockwise) puts the red half on the right.
    public static func jpeg(width: Int, height: Int, orientation: Int = 1) throws -> Data {
        try Images.encode(rgb: halves(width: width, height: height), width: width, height: height, orientation: orientation, as: .jpeg)
    }

    /// A JPEG of noise (a fixed pseudo-random sequence), which compresses poorly: a large file from
    /// a modest size, as a detailed photo is.
    public static func noisyJPEG(width: Int, height: Int) throws -> Data {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let rgb = (0..<(width * height * 3)).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        return try Images.encode(rgb: rgb, width: width, height: height, as: .jpeg, quality: 95)
    }

    public static func png(width: Int, height: Int) throws -> Data {
        try Images.encode(rgb: halves(width: width, height: height), width: width, height: height, as: .png)
    }

    private static func halves(width: Int, height: Int) -> [UInt8] {
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            let pixel: [UInt8] = y < height / 2 ? [220, 30, 30] : [30, 30, 220]
            for x in 0..<width {
                let i = (y * width + x) * 3
                rgb[i] = pixel[0]; rgb[i + 1] = pixel[1]; rgb[i + 2] = pixel[2]
            }
        }
        return rgb
    }

    /// The colour at the middle of the left and of the right half of an image, decoded upright.
    public static func leftAndRight(of image: Data) throws -> (left: [UInt8], right: [UInt8]) {
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0, height: Int32 = 0
        let status = image.withUnsafeBytes { eh_vips_decode_rgb($0.baseAddress, $0.count, 4096, 4096, 0xFFFFFF, &pixels, &width, &height) }
        guard status == 0, let pixels else { throw TestSupportError("libvips could not decode the image") }
        defer { eh_vips_free(pixels) }
        func pixel(_ x: Int, _ y: Int) -> [UInt8] {
            let i = (y * Int(width) + x) * 3
            return [pixels[i], pixels[i + 1], pixels[i + 2]]
        }
        return (pixel(Int(width) / 4, Int(height) / 2), pixel(Int(width) * 3 / 4, Int(height) / 2))
    }

    /// Whether a JPEG carries an EXIF block (an APP1 segment starting `Exif\0\0`).
    public static func hasExif(_ jpeg: Data) -> Bool {
        jpeg.range(of: Data([0xFF, 0xE1])).map { marker in
            jpeg.count > marker.upperBound + 8
                && jpeg[(marker.upperBound + 2)..<(marker.upperBound + 8)].elementsEqual(Array("Exif\0\0".utf8))
        } ?? false
    }
}
