import EaglehurstAPI
import Foundation

/// The server status screen: how the server is, checked at start and again on request. Like every
/// feature, it sees its own state and the shell, and nothing of the other features.
enum StatusScreen: Drawing {
    static let healthFailurePrefix = "Health check failed: "

    /// Asks the server how it is, unless a check is already on its way.
    static func checkHealth(_ state: inout StatusScreenState, _ shell: inout Shell) -> [Effect] {
        guard !state.isChecking else { return [] }
        state.isChecking = true
        if shell.connection != .connected { shell.connection = .connecting }
        return [.status(.checkHealth)]
    }

    static func update(_ state: inout StatusScreenState, _ message: StatusMessage, _ shell: inout Shell) -> [Effect] {
        switch message {
        case .healthChecked(.success(let report)):
            state.report = report
            state.failure = nil
            state.isChecking = false
            shell.connection = .connected
            if shell.message?.kind == .error, shell.message?.text.hasPrefix(healthFailurePrefix) == true { shell.message = nil }
        case .healthChecked(.failure(let failure)):
            state.failure = failure
            state.isChecking = false
            if case .unreachable = failure {} else { shell.connection = .connected }
            shell.message = .error(healthFailurePrefix + failure.summary)
        }
        return []
    }
}
