import Foundation

/// Real pixels over the half-block cells of a frame, for terminals that can show them: the kitty
/// graphics protocol and DEC sixel. Each function returns the escape sequence to write; the
/// terminal writes it after ncurses has drawn the frame, with the cursor saved and restored around
/// it, so ncurses' idea of the screen stays right.
package enum TerminalGraphics {
    /// Moves the cursor to a cell (0-based).
    static func moveTo(x: Int, y: Int) -> String { "\u{1B}[\(y + 1);\(x + 1)H" }

    // MARK: kitty

    /// Deletes every image this program placed (and frees their pixels).
    package static let kittyDeleteAll = "\u{1B}_Ga=d,d=A,q=2\u{1B}\\"

    /// Sends `picture` as 24-bit RGB and places it over `columns` × `rows` cells at the cursor,
    /// without moving the cursor; base64 in chunks of 4096 as the protocol asks.
    package static func kitty(_ picture: Picture, id: Int, columns: Int, rows: Int) -> String {
        let payload = Data(picture.rgb).base64EncodedString()
        var chunks: [Substring] = []
        var start = payload.startIndex
        while start < payload.endIndex {
            let end = payload.index(start, offsetBy: 4096, limitedBy: payload.endIndex) ?? payload.endIndex
            chunks.append(payload[start..<end])
            start = end
        }
        if chunks.isEmpty { chunks = [""] }
        var out = ""
        for (index, chunk) in chunks.enumerated() {
            let more = index < chunks.count - 1 ? 1 : 0
            let control = index == 0
                ? "a=T,f=24,s=\(picture.width),v=\(picture.height),i=\(id),c=\(columns),r=\(rows),C=1,q=2,m=\(more)"
                : "m=\(more)"
            out += "\u{1B}_G\(control);\(chunk)\u{1B}\\"
        }
        return out
    }

    // MARK: sixel

    /// `picture` as a sixel image, its colours reduced to the 6×6×6 cube (216 registers), each band
    /// of six pixel rows drawn colour by colour with run-length encoding.
    package static func sixel(_ picture: Picture) -> String {
        let width = picture.width, height = picture.height
        guard width > 0, height > 0 else { return "" }
        func level(_ value: UInt8) -> Int { (Int(value) * 5 + 127) / 255 }
        var indices = [UInt8](repeating: 0, count: width * height)
        var used = [Bool](repeating: false, count: 216)
        for i in 0..<(width * height) {
            let index = level(picture.rgb[3 * i]) * 36 + level(picture.rgb[3 * i + 1]) * 6 + level(picture.rgb[3 * i + 2])
            indices[i] = UInt8(index)
            used[index] = true
        }
        var out = "\u{1B}P0;1;0q\"1;1;\(width);\(height)"
        for index in 0..<216 where used[index] {
            let (r, g, b) = (index / 36, index / 6 % 6, index % 6)
            out += "#\(index);2;\(r * 20);\(g * 20);\(b * 20)"
        }
        var bandTop = 0
        while bandTop < height {
            var bandColours: [Int] = []
            var seen = [Bool](repeating: false, count: 216)
            for y in bandTop..<min(bandTop + 6, height) {
                for x in 0..<width {
                    let index = Int(indices[y * width + x])
                    if !seen[index] { seen[index] = true; bandColours.append(index) }
                }
            }
            for (n, colour) in bandColours.enumerated() {
                out += "#\(colour)"
                var run: Character = "?"
                var runLength = 0
                func flush() {
                    guard runLength > 0 else { return }
                    out += runLength > 3 ? "!\(runLength)\(run)" : String(repeating: run, count: runLength)
                }
                for x in 0..<width {
                    var bits = 0
                    for bit in 0..<6 where bandTop + bit < height && Int(indices[(bandTop + bit) * width + x]) == colour {
                        bits |= 1 << bit
                    }
                    let character = Character(Unicode.Scalar(UInt8(63 + bits)))
                    if character == run { runLength += 1 } else { flush(); run = character; runLength = 1 }
                }
                flush()
                out += n < bandColours.count - 1 ? "$" : ""
            }
            out += "-"
            bandTop += 6
        }
        return out + "\u{1B}\\"
    }

    /// What to write after a frame so its pictures show as pixels; nil when nothing changed since
    /// `previous` (pictures stay on screen until the cells under them are drawn again).
    package static func output(for placements: [PicturePlacement], previous: [PicturePlacement], mode: PictureProtocol,
                               cellPixels: (width: Int, height: Int)) -> String? {
        guard placements != previous else { return nil }
        switch mode {
        case .kitty:
            var out = "\u{1B}7" + kittyDeleteAll
            for (n, placement) in placements.enumerated() {
                let fit = fitted(placement, cellPixels: cellPixels)
                out += moveTo(x: placement.x, y: placement.y) + kitty(fit, id: n + 1, columns: placement.columns, rows: placement.rows)
            }
            return out + "\u{1B}8"
        case .sixel:
            guard !placements.isEmpty else { return nil }
            var out = "\u{1B}7"
            for placement in placements {
                out += moveTo(x: placement.x, y: placement.y) + sixel(fitted(placement, cellPixels: cellPixels))
            }
            return out + "\u{1B}8"
        case .auto, .halfblock, .off:
            return nil
        }
    }

    /// The placement's picture at the pixel size of its cells (never larger than the decode).
    static func fitted(_ placement: PicturePlacement, cellPixels: (width: Int, height: Int)) -> Picture {
        let picture = placement.picture
        let boxWidth = placement.columns * cellPixels.width, boxHeight = placement.rows * cellPixels.height
        let scale = min(1, min(Double(boxWidth) / Double(max(1, picture.width)), Double(boxHeight) / Double(max(1, picture.height))))
        let width = max(1, Int(Double(picture.width) * scale)), height = max(1, Int(Double(picture.height) * scale))
        return picture.resized(width: width, height: height)
    }
}
