import CNcurses
import CTerminalGuard
import Foundation

package enum TerminalError: Error, CustomStringConvertible {
    case notATerminal
    case cannotStart(String)

    package var description: String {
        switch self {
        case .notATerminal: "eaglehurst needs a terminal: standard input and output must be a tty"
        case .cannotStart(let reason): "cannot start the terminal: \(reason)"
        }
    }
}

/// The real screen, through ncurses' wide-character API. ncurses is not thread-safe: create, use and
/// restore this on the one thread that runs the UI loop.
package final class NcursesTerminal: Terminal {
    package private(set) var size: Size
    package let colorProfile: ColorProfile
    private var pairs: [ColorPair: Int32] = [:]
    private var isActive = true
    /// kitty or sixel: pictures are also drawn as pixels over their half-block cells.
    private let pictures: PictureProtocol
    private var shownPlacements: [PicturePlacement] = []

    private struct ColorPair: Hashable {
        var foreground: TerminalColor
        var background: TerminalColor
    }

    package init(environment: [String: String] = ProcessInfo.processInfo.environment, pictures: PictureProtocol = .halfblock) throws {
        self.pictures = pictures.resolved(environment)
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw TerminalError.notATerminal }
        guard eh_ensure_utf8_locale() == 1 else {
            throw TerminalError.cannotStart("no UTF-8 locale is available (set LANG=C.UTF-8)")
        }
        // The guard goes in before initscr so no signal can leave a raw terminal behind.
        eh_guard_begin()
        guard initscr() != nil else {
            eh_guard_end()
            throw TerminalError.cannotStart("initscr failed for TERM=\(environment["TERM"] ?? "(unset)")")
        }
        var exitSequence = [CChar](repeating: 0, count: 255)
        eh_guard_set_exit_sequence(exitSequence, eh_exit_sequence(&exitSequence, exitSequence.count))
        raw()
        noecho()
        nonl()
        keypad(eh_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        let hasColors = has_colors()
        if hasColors {
            start_color()
            use_default_colors()
        }
        colorProfile = ColorProfile.detect(environment: environment, hasColors: hasColors, colorCount: Int(eh_colors()))
        size = Size(width: Int(eh_cols()), height: Int(eh_lines()))
    }

    deinit { restore() }

    package func nextEvent(timeoutMilliseconds: Int) -> TerminalEvent? {
        timeout(Int32(timeoutMilliseconds))
        var key: wint_t = 0
        var isFunction: Int32 = 0
        guard eh_read_key(&key, &isFunction) == 0 else { return nil }
        if isFunction != 0 {
            if Int32(key) == eh_key_resize() {
                size = Size(width: Int(eh_cols()), height: Int(eh_lines()))
                return .resized(size)
            }
            return functionKey(Int32(key)).map(TerminalEvent.key)
        }
        return characterKey(UInt32(key)).map(TerminalEvent.key)
    }

    private func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_NPAGE: return .pageDown
        case KEY_PPAGE: return .pageUp
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_BTAB: return .backTab
        case KEY_ENTER: return .enter
        default:
            let function = Int(code - eh_key_f(0))
            return (1...24).contains(function) ? .function(function) : nil
        }
    }

    private func characterKey(_ value: UInt32) -> Key? {
        switch value {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .control(Character(Unicode.Scalar(value + 96)!))
        case 0..<32: return nil
        default: return Unicode.Scalar(value).map { .character(Character($0)) }
        }
    }

    package func draw(_ frame: Frame) {
        // A frame made for an older size would wrap; the next resize event brings the right one.
        guard frame.size == size else { return }
        erase()
        for y in 0..<frame.size.height {
            for x in 0..<frame.size.width {
                let cell = frame[x, y]
                guard !cell.isContinuation else { continue }
                let style = colorProfile.terminalStyle(for: cell.style)
                var wide = cell.text.unicodeScalars.map { wchar_t(bitPattern: $0.value) } + [0]
                _ = eh_draw(Int32(y), Int32(x), &wide, attributes(for: style), pair(for: style))
            }
        }
        if let cursor = frame.cursor {
            curs_set(1)
            move(Int32(cursor.y), Int32(cursor.x))
        } else {
            curs_set(0)
        }
        refresh()
        if let graphics = TerminalGraphics.output(for: frame.placements, previous: shownPlacements, mode: pictures, cellPixels: cellPixels()) {
            FileHandle.standardOutput.write(Data(graphics.utf8))
        }
        shownPlacements = frame.placements
    }

    /// One cell's size in pixels, as the terminal reports it (10 × 20 when it does not).
    private func cellPixels() -> (width: Int, height: Int) {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_xpixel > 0, size.ws_ypixel > 0, size.ws_col > 0, size.ws_row > 0 else {
            return (10, 20)
        }
        return (Int(size.ws_xpixel) / Int(size.ws_col), Int(size.ws_ypixel) / Int(size.ws_row))
    }

    private func attributes(for style: TerminalStyle) -> attr_t {
        var attributes = eh_a_normal()
        if style.bold { attributes |= eh_a_bold() }
        if style.underline { attributes |= eh_a_underline() }
        if style.reverse { attributes |= eh_a_reverse() }
        return attributes
    }

    /// Colour pairs are made on first use; pair 0 is the terminal's own colours.
    private func pair(for style: TerminalStyle) -> Int32 {
        let key = ColorPair(foreground: style.foreground, background: style.background)
        if key == ColorPair(foreground: .terminalDefault, background: .terminalDefault) || colorProfile == .none { return 0 }
        if let existing = pairs[key] { return existing }
        let number = Int32(pairs.count + 1)
        guard number < eh_color_pairs() else { return 0 }
        init_extended_pair(number, colorNumber(style.foreground), colorNumber(style.background))
        pairs[key] = number
        return number
    }

    private func colorNumber(_ color: TerminalColor) -> Int32 {
        switch color {
        case .terminalDefault: -1
        case .index(let index): Int32(index)
        case .rgb(let value): Int32(bitPattern: value)
        }
    }

    package func suspend() {
        guard isActive else { return }
        if pictures == .kitty, !shownPlacements.isEmpty {
            FileHandle.standardOutput.write(Data(TerminalGraphics.kittyDeleteAll.utf8))
        }
        def_prog_mode()
        endwin()
    }

    package func resume() {
        guard isActive else { return }
        reset_prog_mode()
        clearok(eh_stdscr(), true)
        shownPlacements = []
        size = Size(width: Int(eh_cols()), height: Int(eh_lines()))
        refresh()
    }

    /// Gives the terminal back: the user's modes and screen, the cursor. Runs before the process may
    /// exit (`runTUI` returns only after it), so no exit path can leave the shell raw.
    package func restore() {
        guard isActive else { return }
        isActive = false
        if pictures == .kitty, !shownPlacements.isEmpty {
            FileHandle.standardOutput.write(Data(TerminalGraphics.kittyDeleteAll.utf8))
        }
        curs_set(1)
        endwin()
        eh_guard_end()
    }

    /// The quit signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT) that asked the UI loop to stop, if one did.
    package var pendingQuitSignal: Int32? {
        let signal = eh_guard_pending_signal()
        return signal == 0 ? nil : signal
    }
}
