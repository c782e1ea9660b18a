import EaglehurstAPI
import Foundation

/// What the server said about itself in `GET /api/v1/health`, and how long it took.
package struct HealthReport: Equatable, Sendable {
    package var status: String
    package var version: String
    package var database: String
    package var serverTime: Date
    package var roundTrip: Duration

    package init(status: String, version: String, database: String, serverTime: Date, roundTrip: Duration) {
        self.status = status
        self.version = version
        self.database = database
        self.serverTime = serverTime
        self.roundTrip = roundTrip
    }
}

package struct StatusScreenState: Equatable, Sendable {
    package var report: HealthReport?
    package var isChecking = false
    package var failure: RequestFailure?

    /// The data on screen is from an earlier check that has since failed.
    package var isStale: Bool { report != nil && failure != nil }
}
