import Foundation

/// The server status screen's keys, beside what they do.
extension StatusScreen {
    static let bindings: [Binding] = [
        spec(.status, .refresh, "check the server again", hint: "refresh"),
        spec(.status, .signIn, "sign in (or your profile when signed in)", hint: "sign in"),
    ]

    static func perform(_ action: Action, _ state: inout StatusScreenState, _ shell: inout Shell) -> [Effect] {
        switch action {
        case .refresh:
            return checkHealth(&state, &shell)
        case .signIn:
            shell.go(.screen(shell.account == nil ? .signin : .profile))
            return []
        default:
            return []
        }
    }
}
