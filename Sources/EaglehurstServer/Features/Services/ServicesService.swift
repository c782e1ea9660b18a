import EaglehurstAPI
import Fluent
import Foundation
import SQLKit
import Vapor

/// Service requests: the catalogue (templates, providers), the workflow, the thread and the
/// documents. Nobody but the requester and admins sees a request: anyone else gets 404.
struct ServicesService {
    let app: Application
    let request: Request

    var db: any Database { request.db }
    var sql: any SQLDatabase { request.db.sql }
    var now: Date { app.serverEnvironment.now() }
    var notifications: NotificationService { app.notifications(on: db) }

    static let maxMessageLength = 5000
    static let documentLimit = 10 << 20
    static let documentTypes: [DetectedFileType] = [.pdf, .png, .jpeg, .docx, .xlsx]

    // MARK: catalogue

    func templates(type: ServiceRequest.Kind?, page: PageRequest) async throws -> Components.Schemas.ServiceTemplatePage {
        let query = ServiceTemplate.query(on: db)
        if let type { query.filter(\.$serviceType == type) }
        let total = try await query.copy().count()
        let rows = try await query.sort(\.$templateName).range(page.offset..<(page.offset + page.perPage)).all()
        return .init(items: try rows.map { try $0.toDTO() }, page: page.page, perPage: page.perPage, total: total)
    }

    /// The catalogue is a few dozen firms at most, so it is filtered in memory (services and
    /// regions are lists inside a row).
    func providers(type: ServiceRequest.Kind?, region: String?, page: PageRequest) async throws -> Components.Schemas.ServiceProviderPage {
        if let region, region.trimmingCharacters(in: .whitespaces).isEmpty || region.count > 100 {
            throw Problem.validation(["region": ["must be 1 to 100 characters, e.g. London"]])
        }
        let matching = try await ServiceProvider.query(on: db).filter(\.$isActive == true)
            .sort(\.$rating, .descending).sort(\.$companyName).all()
            .filter { provider in (type.map(provider.offers) ?? true) && (region.map(provider.works(in:)) ?? true) }
        let slice = matching.dropFirst(page.offset).prefix(page.perPage)
        return .init(items: try slice.map { try $0.toDTO() }, page: page.page, perPage: page.perPage, total: matching.count)
    }

    // MARK: requests

    struct Draft {
        var type: ServiceRequest.Kind
        var title: String
        var description: String
        var urgency: ServiceRequest.Urgency
        var listingID: UUID?
        var connectionID: UUID?
        var providerID: UUID?
    }

    func create(_ draft: Draft, by user: User) async throws -> ServiceRequest {
        var errors: [String: [String]] = [:]
        let title = Self.text(draft.title, field: "title", min: 5, max: 200, into: &errors)
        let description = Self.text(draft.description, field: "description", min: 10, max: 10_000, into: &errors)
        let userID = try user.requireID()
        var listingID = draft.listingID
        if let connectionID = draft.connectionID {
            if let connection = try await Connection.find(connectionID, on: db), connection.isParty(userID) {
                if let listingID, listingID != connection.$listing.id {
                    errors["listing_id", default: []].append("must be the listing of the connection given (or be left out)")
                }
                listingID = connection.$listing.id
            } else {
                errors["connection_id", default: []].append("must be a connection you are a party to")
            }
        } else if let id = listingID, !(try await mayReferTo(listing: id, userID: userID)) {
            errors["listing_id", default: []].append("must be a listing you own or have asked its seller about")
        }
        // A listing the requester cannot see (archived, back to a draft, its seller suspended) is
        // refused as its own page refuses it (404), even through a connection about it: a request
        // about it would show what the listing has become.
        if let listingID {
            _ = try await ListingsService(app: app, request: request).visibleListing(listingID, viewer: user)
        }
        if let providerID = draft.providerID {
            try await checkProvider(providerID, offers: draft.type, field: "provider_id", into: &errors)
        }
        guard errors.isEmpty else { throw Problem.validation(errors) }

        let row = ServiceRequest()
        row.$user.id = userID
        row.$listing.id = listingID
        row.$connection.id = draft.connectionID
        row.$preferredProvider.id = draft.providerID
        row.serviceType = draft.type
        row.title = title
        row.description = description
        row.urgency = draft.urgency
        row.urgencyRank = draft.urgency.rank
        row.status = .submitted
        row.requesterReadSeq = 0
        row.deskReadSeq = 0
        row.createdAt = now
        row.updatedAt = now
        try await row.create(on: db)
        let id = try row.requireID()
        await notifications.notifyAdmins(.init(
            kind: .serviceRequest, title: "New \(draft.type.rawValue) request: \(title)",
            message: "\(user.firstName) \(user.lastName) asks (\(draft.urgency.rawValue)): \(ConnectionsService.preview(description))",
            actionURL: Self.actionURL(id)))
        return try await loaded(id)
    }

    /// Owners refer to their listings; a buyer to a listing they have an open request about.
    /// Either way the answer reveals nothing about listings the user cannot see.
    private func mayReferTo(listing id: UUID, userID: UUID) async throws -> Bool {
        if try await Listing.query(on: db).filter(\.$id == id).filter(\.$seller.$id == userID).count() > 0 { return true }
        return try await Connection.query(on: db).filter(\.$listing.$id == id).filter(\.$buyer.$id == userID)
            .filter(\.$status ~~ [.pending, .accepted]).count() > 0
    }

    private func checkProvider(_ id: UUID, offers type: ServiceRequest.Kind, field: String, into errors: inout [String: [String]]) async throws {
        guard let provider = try await ServiceProvider.find(id, on: db), provider.isActive else {
            errors[field, default: []].append("must be an active provider (GET /api/v1/services/providers)")
            return
        }
        if !provider.offers(type) {
            errors[field, default: []].append("\(provider.companyName) does not offer \(type.rawValue) services")
        }
    }

    /// The request if `user` asked for it or is an admin; 404 for anyone else, as if it did not exist.
    func visible(_ id: UUID, to user: User) async throws -> ServiceRequest {
        guard let row = try await ServiceRequest.find(id, on: db),
              row.$user.id == user.id || user.userType == .admin else {
            throw Problem.notFound("Service request \(id)")
        }
        return row
    }

    /// A request with what its answer shows: the requester, the listing's title (and its seller, who
    /// decides whether it shows), the provider.
    func loaded(_ id: UUID) async throws -> ServiceRequest {
        let query = ServiceRequest.query(on: db).filter(\.$id == id)
            .with(\.$user).with(\.$listing) { $0.with(\.$seller) }.with(\.$provider)
        guard let row = try await query.first() else { throw Problem.notFound("Service request \(id)") }
        return row
    }

    struct Filter {
        var userID: UUID?
        var status: ServiceRequest.Status?
        var openOnly = false
        var type: ServiceRequest.Kind?
        var urgency: ServiceRequest.Urgency?
        var providerID: UUID?
    }

    /// The requester's list is newest first; the desk's queue (no `userID`) most urgent, then oldest first.
    func list(_ filter: Filter, viewer: User, page: PageRequest) async throws -> Components.Schemas.ServiceRequestPage {
        let query = ServiceRequest.query(on: db)
        if let userID = filter.userID { query.filter(\.$user.$id == userID) }
        if let status = filter.status { query.filter(\.$status == status) }
        if filter.openOnly { query.filter(\.$status ~~ Array(ServiceWorkflow.open)) }
        if let type = filter.type { query.filter(\.$serviceType == type) }
        if let urgency = filter.urgency { query.filter(\.$urgency == urgency) }
        if let providerID = filter.providerID { query.filter(\.$provider.$id == providerID) }
        let total = try await query.copy().count()
        if filter.userID != nil {
            query.sort(\.$createdAt, .descending)
        } else {
            query.sort(\.$urgencyRank, .descending).sort(\.$createdAt, .ascending)
        }
        let rows = try await query.sort(\.$id).with(\.$user).with(\.$listing) { $0.with(\.$seller) }.with(\.$provider)
            .range(page.offset..<(page.offset + page.perPage)).all()
        let unread = try await unreadCounts(in: rows.map { try $0.requireID() }, deskView: filter.userID == nil)
        return .init(items: try rows.map { try $0.toDTO(unread: unread[try $0.requireID()] ?? 0, viewer: viewer) },
                     page: page.page, perPage: page.perPage, total: total)
    }

    /// A request as `user` sees it, with what they have not read of its thread.
    func detail(_ id: UUID, for user: User) async throws -> Components.Schemas.ServiceRequest {
        let row = try await loaded(id)
        return try row.toDTO(unread: try await unreadCounts(in: [id], deskView: row.$user.id != user.id)[id] ?? 0, viewer: user)
    }

    /// Unread messages per request: for the desk, the requester's; for the requester, everyone else's.
    func unreadCounts(in ids: [UUID], deskView: Bool) async throws -> [UUID: Int] {
        guard !ids.isEmpty else { return [:] }
        let unreadByThisSide: SQLQueryString = deskView
            ? "c.sender_type = 'user' AND c.seq > r.desk_read_seq"
            : "c.sender_type <> 'user' AND c.seq > r.requester_read_seq"
        let rows = try await sql.raw("""
            SELECT c.service_request_id AS id, COUNT(*) AS n FROM service_communications c
            JOIN service_requests r ON r.id = c.service_request_id
            WHERE c.service_request_id IN (\(binds: ids)) AND \(unreadByThisSide)
            GROUP BY c.service_request_id
            """).all()
        var counts: [UUID: Int] = [:]
        for row in rows { counts[try row.decode(column: "id", as: UUID.self)] = try row.decode(column: "n", as: Int.self) }
        return counts
    }

    // MARK: the workflow

    struct Changes {
        var title: String?
        var description: String?
        var urgency: ServiceRequest.Urgency?
        var status: ServiceRequest.Status?
        var providerID: UUID?
        /// Admins: written in the thread as the desk with the change.
        var note: String?
    }

    func update(_ id: UUID, _ changes: Changes, by user: User) async throws -> ServiceRequest {
        let row = try await visible(id, to: user)
        guard changes.title != nil || changes.description != nil || changes.urgency != nil || changes.status != nil
                || changes.providerID != nil || changes.note != nil else {
            throw Problem.validation(["body": ["names nothing to change"]],
                                     detail: "Send at least one of title, description, urgency, status, provider_id (and for the desk, note).")
        }
        let actor: ServiceWorkflow.Actor = row.$user.id == user.id ? .requester : .admin
        let current = row.status
        var errors: [String: [String]] = [:]
        let title = changes.title.map { Self.text($0, field: "title", min: 5, max: 200, into: &errors) }
        let description = changes.description.map { Self.text($0, field: "description", min: 10, max: 10_000, into: &errors) }
        let note = changes.note.map { Self.text($0, field: "note", min: 1, max: Self.maxMessageLength, into: &errors) }
        if let providerID = changes.providerID {
            try await checkProvider(providerID, offers: row.serviceType, field: "provider_id", into: &errors)
        }
        guard errors.isEmpty else { throw Problem.validation(errors) }

        var target = changes.status
        switch actor {
        case .requester:
            if title != nil || description != nil || changes.urgency != nil || changes.providerID != nil,
               !ServiceWorkflow.editable.contains(current) {
                throw Self.refused(.wrongState("A request that is \(current.rawValue) can no longer be edited; write to the desk in its thread instead."))
            }
            if note != nil { throw Problem.forbidden("A note is for the service desk; write in the request's thread instead.") }
        case .admin:
            if title != nil || description != nil {
                throw Problem.forbidden("The title and description are the requester's words; only they may edit them.")
            }
            // Giving a provider to a request under review assigns it.
            if changes.providerID != nil, target == nil, current == .inReview { target = .assigned }
            if changes.providerID != nil, target != .assigned, !ServiceWorkflow.reassignable.contains(current) {
                throw Self.refused(.wrongState("A provider is assigned to a request under review (status in_review → assigned) and may change while the work is open; this one is \(current.rawValue)."))
            }
        }
        if let target {
            let willHaveProvider = actor == .admin && (changes.providerID ?? row.$provider.id ?? row.$preferredProvider.id) != nil
            do {
                try ServiceWorkflow.check(current, to: target, by: actor, hasProvider: willHaveProvider)
            } catch {
                throw Self.refused(error)
            }
        }

        var assignedProvider: UUID?
        if actor == .admin {
            assignedProvider = changes.providerID ?? (target == .assigned ? row.$provider.id ?? row.$preferredProvider.id : nil)
        }
        let applied = try await Self.apply(id, ifStill: current, on: sql, at: now) { update in
            if let title { update.set("title", to: title) }
            if let description { update.set("description", to: description) }
            if let urgency = changes.urgency {
                update.set("urgency", to: urgency.rawValue).set("urgency_rank", to: urgency.rank)
            }
            if actor == .requester, let providerID = changes.providerID { update.set("preferred_provider_id", to: providerID) }
            if let assignedProvider { update.set("provider_id", to: assignedProvider) }
            if let target {
                update.set("status", to: target.rawValue)
                if let column = Self.timestampColumn[target] { update.set(column, to: now) }
            }
        }
        guard applied else {
            throw Problem(.conflict, slug: "service-request-changed", title: "The request changed meanwhile",
                          detail: "Someone else changed service request \(id) since it was read; load it again and retry.")
        }
        let result = try await loaded(id)
        if let note {
            try await ServiceCommunication(requestID: id, senderID: try user.requireID(), as: .admin, message: note, at: now).create(on: db)
        }
        await announce(result, target: target, provider: assignedProvider == nil ? nil : result.provider, by: actor, user: user, note: note)
        return result
    }

    /// One conditional statement: the change applies only while the request is still in the status
    /// it was read in, so of two people moving it at once exactly one wins. False when it no longer is.
    static func apply(
        _ id: UUID, ifStill status: ServiceRequest.Status, on sql: any SQLDatabase, at now: Date,
        _ assign: (SQLUpdateBuilder) -> Void
    ) async throws -> Bool {
        let update = sql.update(ServiceRequest.schema).set("updated_at", to: now)
        assign(update)
        return try await !update.where("id", .equal, id).where("status", .equal, status.rawValue).returning("id").all().isEmpty
    }

    static let timestampColumn: [ServiceRequest.Status: String] = [
        .inReview: "reviewed_at", .assigned: "assigned_at", .inProgress: "started_at",
        .completed: "completed_at", .cancelled: "cancelled_at",
    ]

    /// The requester hears of every change the desk makes; the desk hears of the requester's.
    private func announce(
        _ row: ServiceRequest, target: ServiceRequest.Status?, provider: ServiceProvider?,
        by actor: ServiceWorkflow.Actor, user: User, note: String?
    ) async {
        guard let id = row.id else { return }
        switch actor {
        case .requester:
            let what = target == .cancelled ? "cancelled" : "changed"
            await notifications.notifyAdmins(.init(
                kind: .serviceRequest, title: "Service request \(what): \(row.title)",
                message: "\(user.firstName) \(user.lastName) \(what) the request.", actionURL: Self.actionURL(id)))
        case .admin:
            var sentences: [String] = []
            if let target { sentences.append(Self.statusSentence[target] ?? "Its status is now \(target.rawValue).") }
            if let provider, target != .assigned { sentences.append("\(provider.companyName) now handles it.") }
            if target == .assigned, let provider { sentences.append("\(provider.companyName) will handle it.") }
            if sentences.isEmpty { sentences.append("The service desk updated it.") }
            if let note { sentences.append("Note from the desk: \(ConnectionsService.preview(note))") }
            await notifications.notify([row.$user.id], .init(
                kind: .serviceRequest, title: "Your request \"\(row.title)\": \(target.map { Self.statusTitle[$0] ?? $0.rawValue } ?? "updated")",
                message: sentences.joined(separator: " "), actionURL: Self.actionURL(id)))
        }
    }

    static let statusTitle: [ServiceRequest.Status: String] = [
        .inReview: "in review", .assigned: "provider assigned", .inProgress: "work started", .completed: "completed",
    ]

    static let statusSentence: [ServiceRequest.Status: String] = [
        .inReview: "The service desk is reviewing your request.",
        .assigned: "A provider has been assigned to your request.",
        .inProgress: "Work on your request has started.",
        .completed: "Your request is completed; any report is among its documents.",
    ]

    static func refused(_ refusal: ServiceWorkflow.Refusal) -> Problem {
        switch refusal {
        case .notYours(let detail): Problem.forbidden(detail)
        case .wrongState(let detail): Problem(.conflict, slug: "service-request-state", title: "Not possible in this status", detail: detail)
        }
    }

    static func actionURL(_ id: UUID) -> String { "/api/v1/services/\(id)" }

    /// Trimmed text within its length, or a message for the field. Lengths are in code points, as the
    /// contract's `minLength`/`maxLength` count them.
    static func text(_ value: String, field: String, min: Int, max: Int, into errors: inout [String: [String]]) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.unicodeScalars.count < min { errors[field, default: []].append(min == 1 ? "must not be empty" : "must be at least \(min) characters") }
        if trimmed.unicodeScalars.count > max { errors[field, default: []].append("must be at most \(max) characters") }
        return trimmed
    }
}
