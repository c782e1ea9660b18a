/// A colour as a theme writes it: the terminal's default, one of the 16 ANSI names, or `#rrggbb`.
package enum Color: Hashable, Sendable {
    case terminalDefault
    case ansi(Int)
    case rgb(UInt8, UInt8, UInt8)

    static let names = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
        "bright-black", "bright-red", "bright-green", "bright-yellow",
        "bright-blue", "bright-magenta", "bright-cyan", "bright-white",
    ]

    /// Accepts `default`, the ANSI names above (`gray`/`grey` for bright-black), and `#rrggbb`.
    package init?(parsing text: String) {
        let lower = text.lowercased()
        if lower == "default" { self = .terminalDefault; return }
        if lower == "gray" || lower == "grey" { self = .ansi(8); return }
        if let index = Color.names.firstIndex(of: lower) { self = .ansi(index); return }
        let hex = Array(lower.utf8)
        guard hex.count == 7, hex[0] == UInt8(ascii: "#"), let value = UInt32(String(lower.dropFirst()), radix: 16) else {
            return nil
        }
        self = .rgb(UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF))
    }
}

/// What the terminal can show. Chosen once at start-up; every colour goes through `terminalColor(for:)`.
package enum ColorProfile: String, Hashable, Sendable, CaseIterable {
    case none, ansi8, ansi16, ansi256, trueColor

    /// `NO_COLOR` (any non-empty value) and `TERM=dumb` turn colour off; otherwise the terminfo entry
    /// decides (`has_colors`, `COLORS`). ncurses draws 24-bit colour only through a direct-colour terminfo
    /// entry (`COLORS` ≥ 2^24, e.g. `TERM=xterm-direct`), so `COLORTERM=truecolor` over a 256-colour entry
    /// deliberately still gets the 256-colour approximation: ncurses would not track escape codes we
    /// wrote around it.
    package static func detect(environment: [String: String], hasColors: Bool, colorCount: Int) -> ColorProfile {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .none }
        if environment["TERM"] == "dumb" || !hasColors { return .none }
        if colorCount >= 1 << 24 { return .trueColor }
        if colorCount >= 256 { return .ansi256 }
        if colorCount >= 16 { return .ansi16 }
        if colorCount >= 8 { return .ansi8 }
        return .none
    }

    /// The single place where colour degrades: truecolor → 256 → 16 → 8 → none.
    package func terminalColor(for color: Color) -> TerminalColor {
        switch (self, color) {
        case (.none, _), (_, .terminalDefault): return .terminalDefault
        case (.ansi8, .ansi(let index)): return .index(index % 8)
        case (_, .ansi(let index)): return .index(index)
        case (.trueColor, .rgb(let r, let g, let b)): return .rgb(UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b))
        case (.ansi256, .rgb(let r, let g, let b)): return .index(ColorProfile.nearest256(r, g, b))
        case (.ansi16, .rgb(let r, let g, let b)): return .index(ColorProfile.nearestANSI(r, g, b, among: 16))
        case (.ansi8, .rgb(let r, let g, let b)): return .index(ColorProfile.nearestANSI(r, g, b, among: 8))
        }
    }

    package func terminalStyle(for style: Style) -> TerminalStyle {
        TerminalStyle(
            foreground: terminalColor(for: style.foreground),
            background: terminalColor(for: style.background),
            bold: style.bold,
            underline: style.underline,
            // Without colour, a style that stands out by its background (a selection, a focused field)
            // would vanish; reverse video keeps it visible.
            reverse: style.reverse != (self == .none && style.standsOut)
        )
    }

    /// xterm's default values for the 16 ANSI colours.
    static let ansiPalette: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    private static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        let (dr, dg, db) = (a.0 - b.0, a.1 - b.1, a.2 - b.2)
        return dr * dr + dg * dg + db * db
    }

    static func nearestANSI(_ r: UInt8, _ g: UInt8, _ b: UInt8, among count: Int) -> Int {
        let target = (Int(r), Int(g), Int(b))
        return (0..<count).min { distance(ansiPalette[$0], target) < distance(ansiPalette[$1], target) } ?? 0
    }

    static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        let levels = [0, 95, 135, 175, 215, 255]
        func nearestLevel(_ v: UInt8) -> Int {
            (0..<6).min { abs(levels[$0] - Int(v)) < abs(levels[$1] - Int(v)) } ?? 0
        }
        let target = (Int(r), Int(g), Int(b))
        let (ri, gi, bi) = (nearestLevel(r), nearestLevel(g), nearestLevel(b))
        let cube = (levels[ri], levels[gi], levels[bi])
        let average = (Int(r) + Int(g) + Int(b)) / 3
        let grayStep = max(0, min(23, (average - 8 + 5) / 10))
        let grayValue = 8 + grayStep * 10
        let gray = (grayValue, grayValue, grayValue)
        if distance(gray, target) < distance(cube, target) { return 232 + grayStep }
        return 16 + 36 * ri + 6 * gi + bi
    }
}

package enum TerminalColor: Hashable, Sendable {
    case terminalDefault
    case index(Int)
    case rgb(UInt32)
}

/// A style after degradation: what a driver actually sends.
package struct TerminalStyle: Hashable, Sendable {
    package var foreground: TerminalColor
    package var background: TerminalColor
    package var bold: Bool
    package var underline: Bool
    package var reverse: Bool
}
