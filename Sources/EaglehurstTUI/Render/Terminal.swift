package enum TerminalEvent: Equatable, Sendable {
    case key(Key)
    case resized(Size)
    /// Input has ended (the terminal hung up, or a test script ran out): the app quits.
    case inputClosed
}

/// What the UI loop needs from a screen. A driver is owned by the one thread that runs the loop.
package protocol Terminal: AnyObject {
    var size: Size { get }
    var colorProfile: ColorProfile { get }
    /// Waits at most `timeoutMilliseconds` for a key or a resize.
    func nextEvent(timeoutMilliseconds: Int) -> TerminalEvent?
    func draw(_ frame: Frame)
    /// Gives the terminal back as it was. Safe to call more than once.
    func restore()
    /// Hands the terminal to another program (`$EDITOR`) until `resume`.
    func suspend()
    /// Takes the terminal back after `suspend` and redraws everything on the next frame.
    func resume()
}
