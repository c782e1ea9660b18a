/// A terminal for tests: a fixed size and colour profile, keys from a script, and the last frame kept
/// as text and degraded styles, so a test reads what a person would see.
package final class InMemoryTerminal: Terminal {
    package private(set) var size: Size
    package let colorProfile: ColorProfile
    package private(set) var lastFrame: Frame?
    package private(set) var drawCount = 0
    private var script: [TerminalEvent]

    package init(size: Size = Size(width: 80, height: 24), colorProfile: ColorProfile = .ansi256, script: [TerminalEvent] = []) {
        self.size = size
        self.colorProfile = colorProfile
        self.script = script
    }

    /// Queues key presses written in keymap notation, e.g. `type("?", "<esc>", ":lis<tab>")`.
    package func type(_ notations: String...) throws(KeySequence.NotationError) {
        for notation in notations {
            script += try KeySequence(notation: notation).keys.map(TerminalEvent.key)
        }
    }

    package func enqueue(_ event: TerminalEvent) { script.append(event) }

    package func nextEvent(timeoutMilliseconds: Int) -> TerminalEvent? {
        guard !script.isEmpty else { return .inputClosed }
        let event = script.removeFirst()
        if case .resized(let newSize) = event { size = newSize }
        return event
    }

    package func draw(_ frame: Frame) {
        lastFrame = frame
        drawCount += 1
    }

    package func restore() {}

    /// How often the screen was handed to another program.
    package private(set) var suspendCount = 0

    package func suspend() { suspendCount += 1 }
    package func resume() {}

    /// The last frame's rows, trailing spaces kept so columns line up.
    package var lines: [String] { lastFrame?.lines ?? [] }

    /// The style a real driver would send for the cell at (x, y), after colour degradation.
    package func style(x: Int, y: Int) -> TerminalStyle? {
        lastFrame.map { colorProfile.terminalStyle(for: $0[x, y].style) }
    }

    /// The semantic style of the cell at (x, y), before degradation.
    package func semanticStyle(x: Int, y: Int) -> Style? {
        lastFrame?[x, y].style
    }
}
