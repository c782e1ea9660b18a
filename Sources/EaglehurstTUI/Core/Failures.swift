import EaglehurstAPI
import Foundation

package struct InlineMessage: Equatable, Sendable {
    package enum Kind: Sendable { case error, info, ok }
    package var kind: Kind
    package var text: String

    package static func error(_ text: String) -> InlineMessage { InlineMessage(kind: .error, text: text) }
    package static func info(_ text: String) -> InlineMessage { InlineMessage(kind: .info, text: text) }
    package static func ok(_ text: String) -> InlineMessage { InlineMessage(kind: .ok, text: text) }
}

/// A problem+json answer, with what the user needs from it.
package struct ProblemReport: Equatable, Sendable {
    package var status: Int
    package var title: String
    package var detail: String?
    /// A 422's `errors`: field name → messages.
    package var fieldErrors: [String: [String]]
    /// `Retry-After` in seconds, sent with a 429.
    package var retryAfter: Int?

    package init(status: Int, title: String, detail: String? = nil, fieldErrors: [String: [String]] = [:], retryAfter: Int? = nil) {
        self.status = status
        self.title = title
        self.detail = detail
        self.fieldErrors = fieldErrors
        self.retryAfter = retryAfter
    }
}

/// Why a request gave no answer to show.
package enum RequestFailure: Error, Equatable, Sendable {
    /// No HTTP answer at all: refused, timed out, DNS, TLS.
    case unreachable(String)
    /// The server answered with a problem.
    case problem(ProblemReport)
    /// The server answered something the client cannot read.
    case unexpected(String)
    /// This server's API has no such operation yet.
    case notAvailable(String)
    /// The server refused to renew the session.
    case sessionExpired
    /// A file to upload could not be read; the text completes "… cannot be read: ".
    case file(String)

    package var summary: String {
        switch self {
        case .unreachable(let reason): "server unreachable: \(reason)"
        case .problem(let problem):
            "\(problem.title)\(problem.detail.map { ": \($0)" } ?? "") (HTTP \(problem.status))"
                + (problem.retryAfter.map { "; try again in \(RequestFailure.waitText(seconds: $0))" } ?? "")
        case .unexpected(let reason): "unexpected answer: \(reason)"
        case .notAvailable(let what): "\(what) is not available on this server yet"
        case .sessionExpired: "your session expired"
        case .file(let reason): "the file cannot be read: \(reason)"
        }
    }

    package var status: Int? {
        if case .problem(let problem) = self { return problem.status }
        return nil
    }

    static func waitText(seconds: Int) -> String {
        seconds < 120 ? "\(seconds) s" : "\((seconds + 59) / 60) min"
    }
}
