import EaglehurstAPI
import Fluent
import Foundation
import SQLKit
import Vapor

/// The thread and the documents of a service request: the requester writes as `user`; an admin
/// writes as the desk (`admin`) or on the assigned provider's behalf (`provider`).
extension ServicesService {
    /// Who an author speaks as: the requester always as `user`; an admin as asked, `admin` by default.
    func voice(_ asked: ServiceSender?, of user: User, on row: ServiceRequest) throws -> ServiceSender {
        if row.$user.id == user.id {
            guard asked == nil || asked == .user else {
                throw Problem.forbidden("You write as yourself (sender_type user); only the service desk writes for the provider or the desk.")
            }
            return .user
        }
        let voice = asked ?? .admin
        if voice == .user { throw Problem.forbidden("Only the requester writes as user; write as admin or provider.") }
        if voice == .provider, row.$provider.id == nil {
            throw Problem(.conflict, slug: "no-provider", title: "No provider yet",
                          detail: "Assign a provider to the request before writing or uploading on its behalf.")
        }
        return voice
    }

    private func requireOpenThread(_ row: ServiceRequest) throws {
        guard row.status != .cancelled else {
            throw Problem(.conflict, slug: "service-request-cancelled", title: "This request is cancelled",
                          detail: "Nothing more can be added to a cancelled request; start a new one if you still need help.")
        }
    }

    // MARK: thread

    /// Changes whenever a message is added or read: the number and the newest of the thread's
    /// messages, and how far each side has read.
    func threadVersion(_ id: UUID, for user: User) async throws -> String {
        let row = try await visible(id, to: user)
        let result = try await sql.raw("""
            SELECT COUNT(*) AS n, COALESCE(MAX(seq), 0) AS last FROM service_communications
            WHERE service_request_id = \(bind: try row.requireID())
            """).first()
        let count = try result?.decode(column: "n", as: Int.self) ?? 0
        let last = try result?.decode(column: "last", as: Int64.self) ?? 0
        return "\(id):\(count):\(last):\(row.requesterReadSeq):\(row.deskReadSeq)"
    }

    func communications(_ id: UUID, for user: User, after: UUID?, page: PageRequest) async throws -> Components.Schemas.ServiceCommunicationPage {
        let row = try await loaded(try visible(id, to: user).requireID())
        let query = ServiceCommunication.query(on: db).filter(\.$request.$id == id)
        if let after {
            guard let anchor = try await ServiceCommunication.query(on: db).filter(\.$id == after).filter(\.$request.$id == id).first() else {
                throw Problem.validation(["after": ["is not a message of this request's thread"]])
            }
            let anchorID = try anchor.requireID()
            query.group(.or) { group in
                group.filter(\.$seq > anchor.seq)
                group.group(.and) { $0.filter(\.$seq == anchor.seq).filter(\.$id > anchorID) }
            }
        }
        let total = try await query.copy().count()
        let rows = try await query.sort(\.$seq, .ascending).sort(\.$id, .ascending)
            .range(page.offset..<(page.offset + page.perPage)).all()
        let requester = "\(row.user.firstName) \(row.user.lastName)"
        return .init(
            items: try rows.map { message in
                let name: String = switch message.senderType {
                case .user: requester
                case .provider: row.provider?.companyName ?? "The provider"
                case .admin: "Eaglehurst service desk"
                }
                return try message.toDTO(senderName: name, isRead: message.isRead(in: row))
            },
            page: page.page, perPage: page.perPage, total: total)
    }

    func write(_ id: UUID, message: String, as asked: ServiceSender?, by user: User) async throws -> (ServiceCommunication, String) {
        var errors: [String: [String]] = [:]
        let text = Self.text(message, field: "message", min: 1, max: Self.maxMessageLength, into: &errors)
        guard errors.isEmpty else { throw Problem.validation(errors) }
        let row = try await loaded(try visible(id, to: user).requireID())
        let voice = try voice(asked, of: user, on: row)
        try requireOpenThread(row)
        let communication = ServiceCommunication(requestID: id, senderID: try user.requireID(), as: voice, message: text, at: now)
        try await communication.create(on: db)
        let name: String
        switch voice {
        case .user:
            name = "\(user.firstName) \(user.lastName)"
            await notifications.notifyAdmins(.init(
                kind: .serviceRequest, title: "New message on \"\(row.title)\"", message: "\(name): \(ConnectionsService.preview(text))",
                actionURL: Self.actionURL(id)))
        case .provider, .admin:
            name = voice == .provider ? row.provider?.companyName ?? "The provider" : "Eaglehurst service desk"
            await notifications.notify([row.$user.id], .init(
                kind: .serviceRequest, title: "New message on your request \"\(row.title)\"",
                message: "\(name): \(ConnectionsService.preview(text))", actionURL: Self.actionURL(id)))
        }
        return (communication, name)
    }

    /// Marks the message, and every earlier one, read by the signed-in side. Once the requester has
    /// read the thread to its end, the request's notifications are read too.
    func markRead(_ id: UUID, communication communicationID: UUID, by user: User) async throws {
        let row = try await visible(id, to: user)
        guard let message = try await ServiceCommunication.query(on: db).filter(\.$id == communicationID)
            .filter(\.$request.$id == id).first() else {
            throw Problem.notFound("Message \(communicationID) of service request \(id)")
        }
        let isRequester = row.$user.id == user.id
        let column = isRequester ? "requester_read_seq" : "desk_read_seq"
        // Only ever forward: an older message marked read after a newer one changes nothing.
        try await sql.update(ServiceRequest.schema).set(column, to: message.seq)
            .where("id", .equal, id).where(SQLIdentifier(column), .lessThan, SQLBind(message.seq)).run()
        guard isRequester, try await unreadCounts(in: [id], deskView: false)[id] ?? 0 == 0 else { return }
        try await Notification.query(on: db).filter(\.$user.$id == user.requireID()).filter(\.$isRead == false)
            .filter(\.$type == NotificationService.Kind.serviceRequest.rawValue).filter(\.$actionURL == Self.actionURL(id))
            .set(\.$isRead, to: true).set(\.$readAt, to: now).update()
    }

    // MARK: documents

    func documents(_ id: UUID, for user: User, page: PageRequest) async throws -> Components.Schemas.ServiceDocumentPage {
        _ = try await visible(id, to: user)
        let query = ServiceDocument.query(on: db).filter(\.$request.$id == id)
        let total = try await query.copy().count()
        let rows = try await query.sort(\.$createdAt, .descending).sort(\.$id)
            .range(page.offset..<(page.offset + page.perPage)).all()
        return .init(items: try rows.map { try $0.toDTO(links: app.fileLinks) }, page: page.page, perPage: page.perPage, total: total)
    }

    func attach(
        _ id: UUID, upload: UploadedFile, type: ServiceDocument.Kind, as asked: ServiceSender?, by user: User
    ) async throws -> ServiceDocument {
        let row = try await loaded(try visible(id, to: user).requireID())
        let voice = try voice(asked, of: user, on: row)
        try requireOpenThread(row)
        let fileType = try upload.requireType(among: Self.documentTypes, what: "A service document")
        let key = FileKey.make(in: "services")
        let document = ServiceDocument()
        document.$request.id = id
        document.$uploader.id = try user.requireID()
        document.senderType = voice
        document.documentType = type
        document.fileName = upload.displayName(defaultStem: type.rawValue, type: fileType)
        document.contentType = fileType.mimeType
        document.sizeBytes = Int64(upload.size)
        document.storageKey = key.rawValue
        document.createdAt = now
        try await app.fileStore.put(contentsOf: upload.url, at: key)
        do {
            try await document.create(on: db)
        } catch {
            try? await app.fileStore.delete(key)
            throw error
        }
        let what = "\(document.fileName) (\(type.rawValue.replacingOccurrences(of: "_", with: " ")))"
        if voice == .user {
            await notifications.notifyAdmins(.init(
                kind: .serviceRequest, title: "New document on \"\(row.title)\"",
                message: "\(user.firstName) \(user.lastName) uploaded \(what).", actionURL: Self.actionURL(id)))
        } else {
            let name = voice == .provider ? row.provider?.companyName ?? "The provider" : "The service desk"
            await notifications.notify([row.$user.id], .init(
                kind: .serviceRequest, title: "New document on your request \"\(row.title)\"",
                message: "\(name) uploaded \(what).", actionURL: Self.actionURL(id)))
        }
        return document
    }

    /// The document and its bytes; 404 when the request is not visible or the document is not its.
    func download(_ id: UUID, document documentID: UUID, for user: User) async throws -> (ServiceDocument, Data) {
        _ = try await visible(id, to: user)
        guard let document = try await ServiceDocument.query(on: db).filter(\.$id == documentID).filter(\.$request.$id == id).first() else {
            throw Problem.notFound("Document \(documentID) of service request \(id)")
        }
        guard let key = FileKey(rawValue: document.storageKey), let data = try await app.fileStore.get(key) else {
            app.logger.error("service document missing from the file store", metadata: ["document": "\(documentID)"])
            throw Problem.notFound("The file of document \(documentID)")
        }
        return (document, data)
    }
}
