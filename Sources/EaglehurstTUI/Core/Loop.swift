import Foundation
import Synchronization

/// Messages from effect tasks, waiting for the UI thread to pick them up.
final class Inbox: Sendable {
    private let messages = Mutex<[Message]>([])

    func post(_ message: Message) {
        messages.withLock { $0.append(message) }
    }

    func drain() -> [Message] {
        messages.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
    }
}

/// The UI loop: poll the terminal briefly, take effect results from the inbox, update, and draw only
/// when the state changed. Runs on the one thread that owns the terminal.
enum UILoop {
    static let pollMilliseconds = 40
    static let spinnerInterval = Duration.milliseconds(100)

    /// `shouldStop` is asked on every turn (a quit signal arrived, say): the loop ends as if the user had quit.
    static func run(terminal: some Terminal, state: inout AppState, theme: Theme, inbox: Inbox, shouldStop: () -> Bool = { false }, start: (Effect) -> Void) {
        state.size = terminal.size
        App.start(&state).forEach(start)
        let clock = ContinuousClock()
        var lastTick = clock.now
        var needsDraw = true
        while !state.isQuitting {
            if shouldStop() {
                state.isQuitting = true
                break
            }
            if needsDraw {
                terminal.draw(App.view(state, theme: theme, size: state.size))
                needsDraw = false
            }
            var messages = inbox.drain()
            messages += events(from: terminal).map(message(for:))
            if state.isWaiting, clock.now - lastTick >= spinnerInterval {
                messages.append(.tick)
                lastTick = clock.now
            }
            for message in messages where !state.isQuitting {
                let before = state
                for effect in App.update(&state, message) {
                    if case .editExternally(let field, let text) = effect, let editor = state.externalEditor {
                        // The editor needs the terminal, which only this thread may hand over.
                        inbox.post(.textEdited(field: field, ExternalEditor.edit(text, command: editor, terminal: terminal)))
                        if terminal.size != state.size { inbox.post(.resized(terminal.size)) }
                        needsDraw = true
                    } else {
                        start(effect)
                    }
                }
                if state != before { needsDraw = true }
            }
        }
    }

    /// One wait for the first event, then whatever else is already there (a paste, fast typing).
    private static func events(from terminal: some Terminal) -> [TerminalEvent] {
        guard let first = terminal.nextEvent(timeoutMilliseconds: pollMilliseconds) else { return [] }
        var events = [first]
        while events.count < 256, events.last != .inputClosed, let next = terminal.nextEvent(timeoutMilliseconds: 0) {
            events.append(next)
        }
        return events
    }

    private static func message(for event: TerminalEvent) -> Message {
        switch event {
        case .key(let key): .key(key)
        case .resized(let size): .resized(size)
        case .inputClosed: .inputClosed
        }
    }
}
