import EaglehurstAPI
import Foundation

extension App {
    static func startHealthCheck(_ state: inout AppState) -> [Effect] {
        guard !state.status.isChecking else { return [] }
        state.status.isChecking = true
        if state.connection != .connected { state.connection = .connecting }
        return [.status(.checkHealth)]
    }
}

extension App {
    static let healthFailurePrefix = "Health check failed: "

    static func statusAnswer(_ message: StatusMessage, state: inout AppState) {
        switch message {
        case .healthChecked(.success(let report)):
            state.status.report = report
            state.status.failure = nil
            state.status.isChecking = false
            state.connection = .connected
            if state.message?.kind == .error, state.message?.text.hasPrefix(healthFailurePrefix) == true { state.message = nil }
        case .healthChecked(.failure(let failure)):
            state.status.failure = failure
            state.status.isChecking = false
            if case .unreachable = failure {} else { state.connection = .connected }
            state.message = .error(healthFailurePrefix + failure.summary)
        }
    }
}

extension App {
    static func statusAction(_ action: Action, state: inout AppState) -> [Effect] {
        switch action {
        case .refresh: startHealthCheck(&state)
        case .signIn: show(state.account == nil ? .signin : .profile, state: &state)
        default: formKey(action, state: &state) ?? []
        }
    }
}
