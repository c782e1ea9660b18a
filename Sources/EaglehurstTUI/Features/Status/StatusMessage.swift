/// The server status screen's answers.
package enum StatusMessage: Equatable, Sendable {
    case healthChecked(Result<HealthReport, RequestFailure>)

    var failure: RequestFailure? {
        switch self {
        case .healthChecked(let result): result.failure
        }
    }
}

package enum StatusEffect: Equatable, Sendable {
    case checkHealth
}
