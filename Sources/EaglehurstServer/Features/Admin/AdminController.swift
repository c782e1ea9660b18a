import EaglehurstAPI
import Vapor

extension APIHandler {
    func adminListUsers(_ input: Operations.AdminListUsers.Input) async throws -> Operations.AdminListUsers.Output {
        _ = try await auth.user(.verified, is: .admin)
        let page = try PageRequest(page: input.query.page, perPage: input.query.perPage)
        let filter = AdminUsersService.Filter(
            userType: input.query.userType.flatMap { User.Kind(rawValue: $0.rawValue) },
            suspended: input.query.status.map { $0 == .suspended },
            verification: input.query.verificationStatus.flatMap { User.VerificationState(rawValue: $0.rawValue) },
            text: input.query.q)
        let request = try RequestContext.request
        let (users, total) = try await AdminUsersService(app: app, db: request.db).list(filter, page: page)
        return .ok(.init(body: .json(.init(
            items: try users.map { try $0.toDTO() }, page: page.page, perPage: page.perPage, total: total))))
    }

    func adminVerifyUser(_ input: Operations.AdminVerifyUser.Input) async throws -> Operations.AdminVerifyUser.Output {
        let admin = try await auth.user(.verified, is: .admin)
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        let request = try RequestContext.request
        let user = try await AdminUsersService(app: app, db: request.db)
            .verify(userID: input.path.userId, verified: body.verified, reason: body.reason, by: admin)
        return .ok(.init(body: .json(try user.toDTO())))
    }

    /// The user's identity documents, newest first, with URLs for the admin to open them.
    func adminUserDocuments(_ input: Operations.AdminUserDocuments.Input) async throws -> Operations.AdminUserDocuments.Output {
        _ = try await auth.user(.verified, is: .admin)
        let request = try RequestContext.request
        guard let user = try await User.find(input.path.userId, on: request.db) else { throw Problem.notFound("User \(input.path.userId)") }
        return .ok(.init(body: .json(try await usersService().verificationStatus(of: user))))
    }

    func adminSuspendUser(_ input: Operations.AdminSuspendUser.Input) async throws -> Operations.AdminSuspendUser.Output {
        let admin = try await auth.user(.verified, is: .admin)
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        let request = try RequestContext.request
        let user = try await AdminUsersService(app: app, db: request.db)
            .suspend(userID: input.path.userId, suspended: body.suspended, reason: body.reason, by: admin)
        return .ok(.init(body: .json(try user.toDTO())))
    }
}

extension APIHandler {
    func adminListListings(_ input: Operations.AdminListListings.Input) async throws -> Operations.AdminListListings.Output {
        _ = try await auth.user(.verified, is: .admin)
        let request = try RequestContext.request
        let page = try PageRequest(page: input.query.page, perPage: input.query.perPage)
        let filter = AdminListingsService.Filter(
            status: input.query.status.map { Listing.Status(rawValue: $0.rawValue)! },
            hasPendingEdits: input.query.hasPendingEdits, sellerID: input.query.sellerId, text: input.query.q)
        return .ok(.init(body: .json(try await AdminListingsService(app: app, request: request).list(filter, page: page))))
    }

    func adminApproveListing(_ input: Operations.AdminApproveListing.Input) async throws -> Operations.AdminApproveListing.Output {
        let admin = try await auth.user(.verified, is: .admin)
        let request = try RequestContext.request
        let listing = try await AdminListingsService(app: app, request: request).approve(input.path.id)
        return .ok(.init(body: .json(try await listingsService().detail(listing, viewer: admin))))
    }

    func adminRejectListing(_ input: Operations.AdminRejectListing.Input) async throws -> Operations.AdminRejectListing.Output {
        let admin = try await auth.user(.verified, is: .admin)
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        let request = try RequestContext.request
        let listing = try await AdminListingsService(app: app, request: request).reject(input.path.id, reason: body.reason)
        return .ok(.init(body: .json(try await listingsService().detail(listing, viewer: admin))))
    }
}
