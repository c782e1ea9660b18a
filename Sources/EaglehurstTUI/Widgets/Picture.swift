import CVips
import Foundation

/// A decoded picture: packed 8-bit RGB, immutable. Shared by reference (a state holds many and is
/// compared often), so two pictures are equal when they are the same decode.
package final class Picture: Equatable, @unchecked Sendable {
    package let width: Int
    package let height: Int
    /// `width * height * 3` bytes, row by row.
    package let rgb: [UInt8]

    package init(width: Int, height: Int, rgb: [UInt8]) {
        precondition(rgb.count == width * height * 3, "a picture needs 3 bytes a pixel")
        self.width = width
        self.height = height
        self.rgb = rgb
    }

    package static func == (lhs: Picture, rhs: Picture) -> Bool { lhs === rhs }

    /// The pixel at (x, y), clamped to the edges.
    package func pixel(_ x: Int, _ y: Int) -> (UInt8, UInt8, UInt8) {
        let index = (min(max(0, y), height - 1) * width + min(max(0, x), width - 1)) * 3
        return (rgb[index], rgb[index + 1], rgb[index + 2])
    }

    package struct DecodeError: Error, Equatable, CustomStringConvertible {
        package var description: String
    }

    /// Decodes an image file (JPEG, PNG, WebP, GIF…) with libvips, fitted within `maxWidth` ×
    /// `maxHeight` (never enlarged), EXIF orientation applied, transparency over `background`.
    /// Untrusted bytes: any failure is a thrown `DecodeError`.
    package static func decode(_ data: Data, maxWidth: Int, maxHeight: Int, background: UInt32 = 0x000000) throws -> Picture {
        guard eh_vips_start() == 0 else { throw DecodeError(description: "libvips did not start") }
        var out: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0, height: Int32 = 0
        let status = data.withUnsafeBytes {
            eh_vips_decode_rgb($0.baseAddress, $0.count, Int32(maxWidth), Int32(maxHeight), background, &out, &width, &height)
        }
        guard status == 0, let out, width > 0, height > 0 else {
            var buffer = [CChar](repeating: 0, count: 256)
            eh_vips_take_error(&buffer, buffer.count)
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                .split(separator: "\n").first.map(String.init) ?? ""
            throw DecodeError(description: text.isEmpty ? "not an image this client can show" : text)
        }
        defer { eh_vips_free(out) }
        let count = Int(width) * Int(height) * 3
        return Picture(width: Int(width), height: Int(height), rgb: Array(UnsafeBufferPointer(start: out, count: count)))
    }

    /// This picture scaled to `width` × `height` by averaging each target pixel's source box.
    package func resized(width targetWidth: Int, height targetHeight: Int) -> Picture {
        guard targetWidth > 0, targetHeight > 0 else { return Picture(width: 0, height: 0, rgb: []) }
        if targetWidth == width && targetHeight == height { return self }
        var out = [UInt8](repeating: 0, count: targetWidth * targetHeight * 3)
        for ty in 0..<targetHeight {
            let y0 = ty * height / targetHeight
            let y1 = max(y0 + 1, (ty + 1) * height / targetHeight)
            for tx in 0..<targetWidth {
                let x0 = tx * width / targetWidth
                let x1 = max(x0 + 1, (tx + 1) * width / targetWidth)
                var r = 0, g = 0, b = 0
                for y in y0..<min(y1, height) {
                    var index = (y * width + x0) * 3
                    for _ in x0..<min(x1, width) {
                        r += Int(rgb[index]); g += Int(rgb[index + 1]); b += Int(rgb[index + 2])
                        index += 3
                    }
                }
                let n = max(1, (min(y1, height) - y0) * (min(x1, width) - x0))
                let o = (ty * targetWidth + tx) * 3
                out[o] = UInt8(r / n); out[o + 1] = UInt8(g / n); out[o + 2] = UInt8(b / n)
            }
        }
        return Picture(width: targetWidth, height: targetHeight, rgb: out)
    }

    /// The largest size with this picture's shape that fits `columns` × `rows` terminal cells drawn
    /// as half blocks (one cell is two square pixels, one above the other).
    package func halfBlockFit(columns: Int, rows: Int) -> (columns: Int, pixelRows: Int) {
        guard width > 0, height > 0, columns > 0, rows > 0 else { return (0, 0) }
        let scale = min(Double(columns) / Double(width), Double(rows * 2) / Double(height))
        let fittedColumns = max(1, min(columns, Int((Double(width) * scale).rounded())))
        let fittedPixelRows = max(2, min(rows * 2, Int((Double(height) * scale).rounded())))
        return (fittedColumns, fittedPixelRows + fittedPixelRows % 2)
    }
}

/// Where a picture was drawn on a frame, so a terminal that can show real pixels (kitty, sixel)
/// draws them over the half-block cells.
package struct PicturePlacement: Equatable, Sendable {
    package var x: Int
    package var y: Int
    package var columns: Int
    package var rows: Int
    package var picture: Picture
}

extension Frame {
    /// Draws `picture` centred in the box as Unicode upper half blocks (`▀`): each cell's foreground
    /// is its upper pixel and its background the lower one, so it shows in colour in any terminal
    /// (tmux included). Returns the box it used.
    @discardableResult
    package mutating func drawPicture(_ picture: Picture, x: Int, y: Int, columns: Int, rows: Int) -> (x: Int, y: Int, columns: Int, rows: Int) {
        let fit = picture.halfBlockFit(columns: columns, rows: rows)
        guard fit.columns > 0 else { return (x, y, 0, 0) }
        let scaled = picture.resized(width: fit.columns, height: fit.pixelRows)
        let cellRows = fit.pixelRows / 2
        let left = x + (columns - fit.columns) / 2
        let top = y + (rows - cellRows) / 2
        for row in 0..<cellRows {
            for column in 0..<fit.columns {
                let upper = scaled.pixel(column, row * 2)
                let lower = scaled.pixel(column, row * 2 + 1)
                write("▀", x: left + column, y: top + row,
                      style: Style(foreground: .rgb(upper.0, upper.1, upper.2), background: .rgb(lower.0, lower.1, lower.2)))
            }
        }
        placements.append(PicturePlacement(x: left, y: top, columns: fit.columns, rows: cellRows, picture: picture))
        return (left, top, fit.columns, cellRows)
    }
}
