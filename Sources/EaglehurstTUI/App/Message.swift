/// Everything that can happen to the app. `update` is the only place that reacts.
public enum Message: Equatable, Sendable {
    case key(Key)
    case resized(Size)
    /// Turns the spinner while something is in flight.
    case tick
    case healthChecked(Result<HealthReport, RequestFailure>)
    case signInFinished(Result<Session, RequestFailure>)
    /// Input ended (the terminal hung up).
    case inputClosed
}

/// Work that leaves the UI loop. The runner performs it in a task and answers with a message.
public enum Effect: Equatable, Sendable {
    case checkHealth
    case signIn(email: String, password: String)
}
