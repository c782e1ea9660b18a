import EaglehurstAPI
import Vapor

extension APIHandler {
    func connectionsService() throws -> ConnectionsService { ConnectionsService(app: app, request: try RequestContext.request) }

    func connectionsCreate(_ input: Operations.ConnectionsCreate.Input) async throws -> Operations.ConnectionsCreate.Output {
        let buyer = try await auth.user(.verified, is: .buyer)
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        let service = try connectionsService()
        let connection = try await service.create(listingID: body.listingId, message: body.message, buyer: buyer)
        return .created(.init(body: .json(try await service.detail(connection, for: buyer))))
    }

    func connectionsList(_ input: Operations.ConnectionsList.Input) async throws -> Operations.ConnectionsList.Output {
        let user = try await auth.user(.verified)
        let page = try PageRequest(page: input.query.page, perPage: input.query.perPage)
        let status = input.query.status.map { Connection.Status(rawValue: $0.rawValue)! }
        let list = try await connectionsService().list(for: user, side: .either, status: status, page: page)
        let tag = try ETag.of(list)
        if ETag.matches(input.headers.ifNoneMatch, tag) { return .notModified(.init(headers: .init(eTag: tag))) }
        return .ok(.init(headers: .init(eTag: tag), body: .json(list)))
    }

    func connectionsBuyerRequests(_ input: Operations.ConnectionsBuyerRequests.Input) async throws -> Operations.ConnectionsBuyerRequests.Output {
        let buyer = try await auth.user(.verified, is: .buyer)
        let page = try PageRequest(page: input.query.page, perPage: input.query.perPage)
        let status = input.query.status.map { Connection.Status(rawValue: $0.rawValue)! }
        return .ok(.init(body: .json(try await connectionsService().list(for: buyer, side: .buyer, status: status, page: page))))
    }

    func connectionsSellerRequests(_ input: Operations.ConnectionsSellerRequests.Input) async throws -> Operations.ConnectionsSellerRequests.Output {
        let seller = try await auth.user(.verified, is: .seller)
        let page = try PageRequest(page: input.query.page, perPage: input.query.perPage)
        let status = input.query.status.map { Connection.Status(rawValue: $0.rawValue)! }
        return .ok(.init(body: .json(try await connectionsService().list(
            for: seller, side: .seller, status: status, listingID: input.query.listingId, page: page))))
    }

    func connectionsGet(_ input: Operations.ConnectionsGet.Input) async throws -> Operations.ConnectionsGet.Output {
        let user = try await auth.user(.verified)
        let service = try connectionsService()
        let connection = try await service.party(input.path.connectionId, user)
        return .ok(.init(body: .json(try await service.detail(connection, for: user))))
    }

    func connectionsRespond(_ input: Operations.ConnectionsRespond.Input) async throws -> Operations.ConnectionsRespond.Output {
        let seller = try await auth.user(.verified, is: .seller)
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        let service = try connectionsService()
        let connection = try await service.respond(input.path.connectionId, accept: body.status == .accepted, message: body.message, seller: seller)
        return .ok(.init(body: .json(try await service.detail(connection, for: seller))))
    }

    func connectionsBlock(_ input: Operations.ConnectionsBlock.Input) async throws -> Operations.ConnectionsBlock.Output {
        let user = try await auth.user(.verified)
        var reason: String?
        if case .json(let body) = input.body { reason = body.reason }
        let service = try connectionsService()
        let connection = try await service.block(input.path.connectionId, by: user, reason: reason)
        return .ok(.init(body: .json(try await service.detail(connection, for: user))))
    }

    func connectionsGetMessages(_ input: Operations.ConnectionsGetMessages.Input) async throws -> Operations.ConnectionsGetMessages.Output {
        let user = try await auth.user(.verified)
        let page = try PageRequest(page: input.query.page, perPage: input.query.perPage)
        let service = try connectionsService()
        // Polling clients ask often and mostly nothing changed: the thread's version is two small
        // aggregates, so an unchanged thread answers 304 without loading or encoding a page.
        // The tag is kept for this query so the next poll of an unchanged thread is answered from
        // memory (`ThreadPollMiddleware`).
        let cache = app.threadPollCache
        let ticket = cache.ticket(for: input.path.connectionId)
        let (version, connection) = try await service.threadVersion(input.path.connectionId, for: user)
        let tag = try ETag.of([version, "\(page.page)", "\(page.perPage)", input.query.after?.uuidString ?? ""])
        cache.store(
            tag: tag, connection: input.path.connectionId, query: try RequestContext.request.url.query ?? "",
            buyer: connection.$buyer.id, seller: connection.$seller.id, now: app.serverEnvironment.now(), readSince: ticket)
        if ETag.matches(input.headers.ifNoneMatch, tag) { return .notModified(.init(headers: .init(eTag: tag))) }
        let messages = try await service.messages(input.path.connectionId, for: user, after: input.query.after, page: page)
        return .ok(.init(headers: .init(eTag: tag), body: .json(messages)))
    }

    func connectionsSendMessage(_ input: Operations.ConnectionsSendMessage.Input) async throws -> Operations.ConnectionsSendMessage.Output {
        let user = try await auth.user(.verified)
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        let message = try await connectionsService().send(input.path.connectionId, content: body.content, from: user)
        return .created(.init(body: .json(try message.toDTO(readAt: nil))))
    }

    func connectionsMarkMessageRead(_ input: Operations.ConnectionsMarkMessageRead.Input) async throws -> Operations.ConnectionsMarkMessageRead.Output {
        let user = try await auth.user(.verified)
        try await connectionsService().markRead(input.path.connectionId, messageID: input.path.messageId, by: user)
        return .noContent(.init())
    }
}

extension APIHandler {
    func connectionsGetNotes(_ input: Operations.ConnectionsGetNotes.Input) async throws -> Operations.ConnectionsGetNotes.Output {
        let user = try await auth.user(.verified)
        let note = try await connectionsService().notes(input.path.connectionId, of: user)
        return .ok(.init(body: .json(.init(connectionId: input.path.connectionId, notes: note?.notes ?? "", updatedAt: note?.updatedAt))))
    }

    func connectionsUpdateNotes(_ input: Operations.ConnectionsUpdateNotes.Input) async throws -> Operations.ConnectionsUpdateNotes.Output {
        let user = try await auth.user(.verified)
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        let note = try await connectionsService().saveNotes(input.path.connectionId, of: user, text: body.notes)
        return .ok(.init(body: .json(.init(connectionId: input.path.connectionId, notes: note.notes, updatedAt: note.updatedAt))))
    }
}
