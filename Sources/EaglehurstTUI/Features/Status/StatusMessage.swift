/// The server status screen's answers.
public enum StatusMessage: Equatable, Sendable {
    case healthChecked(Result<HealthReport, RequestFailure>)

    var failure: RequestFailure? {
        switch self {
        case .healthChecked(let result): result.failure
        }
    }
}

public enum StatusEffect: Equatable, Sendable {
    case checkHealth
}
