import EaglehurstAPI
import Foundation

/// The admin desk's answers beyond the shared listing answers: users and their moderation.
package enum AdminMessage: Equatable, Sendable {
    case usersPageLoaded(UserFilter, page: Int, generation: Int, Result<PageAnswer<Account>, RequestFailure>)
    case userModerated(Result<Account, RequestFailure>)

    var failure: RequestFailure? {
        switch self {
        case .usersPageLoaded(_, _, _, let result): result.failure
        case .userModerated(let result): result.failure
        }
    }
}

package enum AdminEffect: Equatable, Sendable {
    case loadUsersPage(UserFilter, page: Int, perPage: Int, generation: Int)
    case approveListing(id: UUID)
    case rejectListing(id: UUID, reason: String)
    /// Verifies a user's identity, or (`verified` false) refuses it with a reason for the user.
    case verifyUser(id: UUID, verified: Bool, reason: String? = nil)
    case suspendUser(id: UUID, suspended: Bool, reason: String?)
}
