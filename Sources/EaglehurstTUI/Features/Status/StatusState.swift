import EaglehurstAPI
import Foundation

/// What the server said about itself in `GET /api/v1/health`, and how long it took.
public struct HealthReport: Equatable, Sendable {
    public var status: String
    public var version: String
    public var database: String
    public var serverTime: Date
    public var roundTrip: Duration

    public init(status: String, version: String, database: String, serverTime: Date, roundTrip: Duration) {
        self.status = status
        self.version = version
        self.database = database
        self.serverTime = serverTime
        self.roundTrip = roundTrip
    }
}

public struct StatusScreenState: Equatable, Sendable {
    public var report: HealthReport?
    public var isChecking = false
    public var failure: RequestFailure?

    /// The data on screen is from an earlier check that has since failed.
    public var isStale: Bool { report != nil && failure != nil }
}
