import Foundation
import Logging
import OpenAPIRuntime
import PostgresNIO
import Vapor

/// What a log line says about an error: the operation it ended, the error's type and a message that
/// cannot carry what the client sent.
///
/// `String(reflecting:)` — and `description` — of the OpenAPI layer's `ServerError` print the decoded
/// operation input and the request with its headers: card numbers, CVCs, passwords, refresh tokens and
/// `Authorization: Bearer …` reached the log that way (issue 28). Swift's default description of an
/// error that does not describe itself prints every stored property, which can hold the same. So the
/// wrapper is unwrapped and never printed, and an error gets a message only when its type writes one.
struct LoggedError: Sendable, CustomStringConvertible {
    /// The OpenAPI operation id, when the error came out of an operation.
    var operation: String?
    /// The error's type, fully qualified: `SQLiteNIO.SQLiteError`.
    var type: String
    var message: String

    init(_ error: any Error) {
        var error = error
        var operation: String?
        while let wrapper = error as? ServerError {
            operation = operation ?? wrapper.operationID
            error = wrapper.underlyingError
        }
        self.operation = operation
        type = String(reflecting: Swift.type(of: error))
        message = Self.message(of: error)
    }

    /// `Type: message`, for a log line's `error` field outside an operation (jobs, caches, health).
    var description: String { "\(type): \(message)" }

    var metadata: Logger.Metadata {
        ["operation": "\(operation ?? "-")", "error_type": "\(type)", "error": "\(message)"]
    }

    private static func message(of error: any Error) -> String {
        switch error {
        case let problem as Problem:
            return [problem.title, problem.detail].compactMap { $0 }.joined(separator: ": ")
        case let postgres as PSQLError:
            return message(of: postgres)
        case let decoding as DecodingError:
            return message(of: decoding)
        case let abort as any AbortError:
            return abort.reason
        case let localized as any LocalizedError:
            return localized.errorDescription ?? "(no description)"
        case let described as any CustomStringConvertible:
            return described.description
        default:
            return "(no description)"
        }
    }

    /// The code and the server's message. PSQLError's own description says nothing ("Generic
    /// description to prevent accidental leakage"), and its reflection prints the query with its binds.
    /// A data exception's message (SQLSTATE class 22) quotes the value it refused, so it is left out.
    private static func message(of error: PSQLError) -> String {
        guard let info = error.serverInfo else { return "\(error.code)" }
        let state = info[.sqlState] ?? "?"
        guard !state.hasPrefix("22") else { return "\(error.code) \(state) (message left out: it can quote a bound value)" }
        return "\(error.code) \(state): \(info[.message] ?? "")"
    }

    /// Where and what: the coding path and the decoder's text. That text can quote a value it could not
    /// read, but a request body that does not decode is the client's 4xx and never logged: a decoding
    /// error that ends in a 5xx read our own data (a row, a job, a gateway's answer).
    private static func message(of error: DecodingError) -> String {
        let context: DecodingError.Context
        switch error {
        case .keyNotFound(let key, let found):
            context = DecodingError.Context(codingPath: found.codingPath + [key], debugDescription: found.debugDescription)
        case .valueNotFound(_, let found), .typeMismatch(_, let found), .dataCorrupted(let found):
            context = found
        @unknown default:
            return "(no description)"
        }
        let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        return "at \(path.isEmpty ? "the top level" : path): \(context.debugDescription)"
    }
}
