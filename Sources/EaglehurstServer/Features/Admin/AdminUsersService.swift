import EaglehurstAPI
import Fluent
import Foundation
import Vapor

/// Admins list users, verify their identity (KYC) and suspend or restore them.
struct AdminUsersService {
    let app: Application
    let db: any Database
    var now: Date { app.serverEnvironment.now() }

    struct Filter {
        var userType: User.Kind?
        var suspended: Bool?
        var verification: User.VerificationState?
        var text: String?
    }

    func list(_ filter: Filter, page: PageRequest) async throws -> (users: [User], total: Int) {
        let query = User.query(on: db)
        if let kind = filter.userType { query.filter(\.$userType == kind) }
        if let suspended = filter.suspended { query.filter(\.$isSuspended == suspended) }
        if let state = filter.verification { query.filter(\.$verificationStatus == state) }
        if let text = filter.text?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            let pattern = "%\(text.lowercased().replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: ""))%"
            query.group(.or) { group in
                group.filter(\.$email, .custom("LIKE"), pattern)
                group.filter(.sql(unsafeRaw: "LOWER(first_name)"), .custom("LIKE"), .bind(pattern))
                group.filter(.sql(unsafeRaw: "LOWER(last_name)"), .custom("LIKE"), .bind(pattern))
            }
        }
        let total = try await query.copy().count()
        let users = try await query.sort(\.$createdAt, .descending).sort(\.$id)
            .range(page.offset..<(page.offset + page.perPage)).all()
        return (users, total)
    }

    func verify(userID: UUID, verified: Bool, reason: String?, by admin: User) async throws -> User {
        guard let user = try await User.find(userID, on: db) else { throw Problem.notFound("User \(userID)") }
        if !verified, (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw Problem.validation(["reason": ["is required when refusing verification, so the user knows what to fix"]])
        }
        user.verificationStatus = verified ? .verified : .rejected
        user.verificationNotes = reason
        user.verifiedAt = verified ? now : nil
        try await db.transaction { db in
            try await user.save(on: db)
            try await UserDocument.query(on: db).filter(\.$user.$id == userID).filter(\.$status == .pending)
                .set(\.$status, to: verified ? .approved : .rejected).update()
            try await Seller.query(on: db).filter(\.$user.$id == userID)
                .set(\.$verificationStatus, to: user.verificationStatus).update()
            try await Buyer.query(on: db).filter(\.$user.$id == userID)
                .set(\.$verificationStatus, to: user.verificationStatus).update()
        }
        app.authSessionCache.forget(user: userID)  // after the commit, see AuthSessionCache
        app.logger.notice("user verification changed", metadata: [
            "user": "\(userID)", "verified": "\(verified)", "admin": "\(admin.id?.uuidString ?? "")",
        ])
        return user
    }

    func suspend(userID: UUID, suspended: Bool, reason: String?, by admin: User) async throws -> User {
        guard let user = try await User.find(userID, on: db) else { throw Problem.notFound("User \(userID)") }
        if user.id == admin.id, suspended {
            throw Problem(.conflict, slug: "self-suspension", title: "You cannot suspend yourself", detail: "Ask another administrator.")
        }
        if suspended, (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw Problem.validation(["reason": ["is required when suspending, so the user is told why"]])
        }
        user.isSuspended = suspended
        user.suspendedReason = suspended ? reason : nil
        try await user.save(on: db)
        app.logger.notice("user suspension changed", metadata: [
            "user": "\(userID)", "suspended": "\(suspended)", "admin": "\(admin.id?.uuidString ?? "")",
        ])
        return user
    }
}
