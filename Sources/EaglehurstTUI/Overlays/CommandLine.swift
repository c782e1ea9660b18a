import EaglehurstAPI
import Foundation

/// The `:` line: a screen name or a command, completed with Tab.
package struct CommandLine: Equatable, Sendable {
    package var field = TextField()
    /// Candidates for what is typed, shown above the line after a Tab.
    package var candidates: [String] = []
    /// While Tab cycles through candidates: the typed prefix and the position in `candidates`.
    var cycle: (prefix: String, index: Int)?

    package static let commands: [String] = ScreenID.allCases.map(\.rawValue) + ["signout", "help", "quit"]

    package static func == (lhs: CommandLine, rhs: CommandLine) -> Bool {
        lhs.field == rhs.field && lhs.candidates == rhs.candidates
            && lhs.cycle?.prefix == rhs.cycle?.prefix && lhs.cycle?.index == rhs.cycle?.index
    }

    /// Tab: one match completes; several complete to what they share, and a further Tab cycles them.
    mutating func complete() {
        if let cycle, candidates.count > 1 {
            let next = (cycle.index + 1) % candidates.count
            field.setText(candidates[next])
            self.cycle = (cycle.prefix, next)
            return
        }
        let typed = field.text.trimmingCharacters(in: .whitespaces).lowercased()
        let matches = CommandLine.commands.filter { $0.hasPrefix(typed) }
        candidates = matches
        guard let first = matches.first else { return }
        if matches.count == 1 {
            field.setText(first)
            return
        }
        let shared = matches.dropFirst().reduce(first) { String($0.commonPrefix(with: $1)) }
        if shared.count > typed.count {
            field.setText(shared)
        } else {
            field.setText(first)
            cycle = (typed, 0)
        }
    }

    mutating func edit(_ key: Key) -> Bool {
        guard field.handle(key) else { return false }
        candidates = []
        cycle = nil
        return true
    }
}

extension App {
    static func drawCommandLine(_ line: CommandLine, theme: Theme, into frame: inout Frame) {
        let y = Layout.messageRow(frame.size)
        frame.fill(y: y, style: theme[.commandLine])
        frame.write(":", x: 0, y: y, style: theme[.commandLine])
        let visible = line.field.visible(width: frame.size.width - 2)
        frame.write(visible.text, x: 1, y: y, style: theme[.commandLine])
        frame.cursor = (1 + visible.cursorColumn, y)
        guard line.candidates.count > 1 else { return }
        frame.fill(y: y - 1, style: theme[.commandLine])
        var x = 1
        for (index, candidate) in line.candidates.enumerated() {
            let current = line.cycle?.index == index
            let style = current ? theme[.listSelected] : theme[.commandCompletion]
            guard x + TextWidth.of(candidate) < frame.size.width else { break }
            x += frame.write(candidate, x: x, y: y - 1, style: style) + 2
        }
    }
}

extension App {
    static func commandLineAction(_ action: Action, state: inout AppState) -> [Effect] {
        guard case .commandLine(var line) = state.overlay else { return [] }
        switch action {
        case .complete:
            line.complete()
            state.overlay = .commandLine(line)
        case .run:
            state.overlay = nil
            return run(command: line.field.text, state: &state)
        case .cancel:
            state.overlay = nil
        default:
            break
        }
        return []
    }

    static func run(command text: String, state: inout AppState) -> [Effect] {
        let command = text.trimmingCharacters(in: .whitespaces).lowercased()
        switch command {
        case "": return []
        case "q", "quit":
            state.isQuitting = true
        case "help":
            return perform(.help, in: .global, state: &state)
        case "signout":
            return signOut(&state)
        default:
            guard let screen = ScreenID(rawValue: command) else {
                state.message = .error("Unknown command ':\(command)'. Tab completes the screen names.")
                return []
            }
            guard screen.isAvailable else {
                state.message = .info("\(screen.title) (:\(screen.rawValue)) is not available yet.")
                return []
            }
            return show(screen, state: &state)
        }
        return []
    }
}
