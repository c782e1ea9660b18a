import EaglehurstAPI
import EaglehurstClient
import Foundation
import OpenAPIRuntime

/// Performs effects against the server, off the UI loop, and turns each outcome into a message.
public struct EffectRunner: Sendable {
    let client: Client

    public init(client: Client) {
        self.client = client
    }

    public func perform(_ effect: Effect) async -> Message {
        switch effect {
        case .checkHealth: .healthChecked(await checkHealth())
        case .signIn(let email, let password): .signInFinished(await signIn(email: email, password: password))
        }
    }

    func checkHealth() async -> Result<HealthReport, RequestFailure> {
        let clock = ContinuousClock()
        let started = clock.now
        do {
            switch try await client.healthGet() {
            case .ok(let ok):
                let health = try ok.body.json
                return .success(HealthReport(
                    status: health.status.rawValue, version: health.version, database: health.database,
                    serverTime: health.time, roundTrip: clock.now - started
                ))
            case .default(let statusCode, let problem):
                return .failure(Self.failure(statusCode: statusCode, problem: try? problem.body.applicationProblemJson))
            }
        } catch {
            return .failure(Self.failure(from: error))
        }
    }

    func signIn(email: String, password: String) async -> Result<Session, RequestFailure> {
        do {
            switch try await client.authLogin(body: .json(.init(email: email, password: password))) {
            case .ok(let ok):
                let tokens = try ok.body.json
                let name = "\(tokens.user.firstName) \(tokens.user.lastName)".trimmingCharacters(in: .whitespaces)
                return .success(Session(
                    email: tokens.user.email, displayName: name.isEmpty ? tokens.user.email : name,
                    accessToken: tokens.accessToken, refreshToken: tokens.refreshToken
                ))
            case .default(let statusCode, let problem):
                // A server that has the contract but not yet the operation answers 501 (issue 2's rule).
                if statusCode == 501 || statusCode == 404 { return .failure(.notAvailable("sign-in")) }
                return .failure(Self.failure(statusCode: statusCode, problem: try? problem.body.applicationProblemJson))
            }
        } catch {
            return .failure(Self.failure(from: error))
        }
    }

    static func failure(statusCode: Int, problem: Components.Schemas.Problem?) -> RequestFailure {
        .problem(status: statusCode, title: problem?.title ?? "HTTP \(statusCode)", detail: problem?.detail)
    }

    /// A thrown error with no HTTP response means the server was never reached; with one, its answer
    /// could not be read.
    static func failure(from error: any Error) -> RequestFailure {
        guard let clientError = error as? ClientError else { return .unexpected(String(describing: error)) }
        let cause = String(describing: clientError.underlyingError)
        if clientError.response == nil { return .unreachable(cause) }
        return .unexpected(cause)
    }
}
