import EaglehurstClient
import OpenAPIRuntime
import EaglehurstAPI
import Foundation

extension EffectRunner {
    /// Approvals and rejections answer as listing writes, which the queue shares with the seller's screen.
    func runAdmin(_ effect: AdminEffect) async -> Message {
        switch effect {
        case .loadUsersPage(let filter, let page, let perPage, let generation):
            .admin(.usersPageLoaded(filter, page: page, generation: generation, await usersPage(filter, page: page, perPage: perPage)))
        case .approveListing(let id):
            .listings(.listingWritten(.approved, await moderate(id, reason: nil)))
        case .rejectListing(let id, let reason):
            .listings(.listingWritten(.rejected, await moderate(id, reason: reason)))
        case .verifyUser(let id, let verified, let reason):
            .admin(.userModerated(await verify(id, verified: verified, reason: reason)))
        case .suspendUser(let id, let suspended, let reason):
            .admin(.userModerated(await suspend(id, suspended: suspended, reason: reason)))
        }
    }

    func usersPage(_ filter: UserFilter, page: Int, perPage: Int) async -> Result<PageAnswer<Account>, RequestFailure> {
        let client = client
        let query = Operations.AdminListUsers.Input.Query(
            userType: filter.userType, status: filter.status, verificationStatus: filter.verification,
            q: filter.text.isEmpty ? nil : filter.text, page: page, perPage: perPage
        )
        let key = CacheKey(.adminUsersPage, "\(filter.userType?.rawValue ?? "")|\(filter.status?.rawValue ?? "")|\(filter.verification?.rawValue ?? "")|\(filter.text)|\(page)|\(perPage)")
        let result: Result<(Components.Schemas.UserPage, Bool), RequestFailure> = await cached(key) { _ in
            switch try await client.adminListUsers(query: query) {
            case .ok(let ok): return .modified(try ok.body.json, etag: nil)
            case .default(let statusCode, let problem): throw Self.failure(statusCode: statusCode, problem: problem, what: "users")
            }
        }
        return result.map { PageAnswer(items: $0.items, total: $0.total, isStale: $1, receivedAt: Date()) }
    }

    /// Approves, or with a reason rejects, a listing or its pending edits.
    func moderate(_ id: UUID, reason: String?) async -> Result<ListingDetail, RequestFailure> {
        await cache.invalidate(CacheKey(.listing, id.uuidString))
        await cache.invalidate(kinds: [.adminListingsPage, .browsePage, .myListingsPage])
        return await attempt {
            if let reason {
                switch try await client.adminRejectListing(path: .init(id: id), body: .json(.init(reason: reason))) {
                case .ok(let ok): return .success(try ok.body.json)
                case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "rejecting"))
                }
            }
            switch try await client.adminApproveListing(path: .init(id: id)) {
            case .ok(let ok): return .success(try ok.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "approving"))
            }
        }
    }

    func verify(_ id: UUID, verified: Bool, reason: String?) async -> Result<Account, RequestFailure> {
        await cache.invalidate(kinds: [.adminUsersPage])
        return await attempt {
            switch try await client.adminVerifyUser(path: .init(userId: id), body: .json(.init(verified: verified, reason: reason))) {
            case .ok(let ok): return .success(try ok.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "verifying"))
            }
        }
    }

    func suspend(_ id: UUID, suspended: Bool, reason: String?) async -> Result<Account, RequestFailure> {
        // A suspended seller's listings leave browse.
        await cache.invalidate(kinds: [.adminUsersPage, .browsePage])
        return await attempt {
            switch try await client.adminSuspendUser(path: .init(userId: id), body: .json(.init(suspended: suspended, reason: reason))) {
            case .ok(let ok): return .success(try ok.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "suspending"))
            }
        }
    }
}
