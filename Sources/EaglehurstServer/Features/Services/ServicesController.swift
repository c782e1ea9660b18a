import EaglehurstAPI
import OpenAPIRuntime
import Vapor

extension APIHandler {
    func servicesService() throws -> ServicesService { ServicesService(app: app, request: try RequestContext.request) }

    func servicesTemplates(_ input: Operations.ServicesTemplates.Input) async throws -> Operations.ServicesTemplates.Output {
        _ = try await auth.user(.verified)
        let page = try PageRequest(page: input.query.page, perPage: input.query.perPage)
        return .ok(.init(body: .json(try await servicesService().templates(type: input.query.serviceType?.model, page: page))))
    }

    func servicesProviders(_ input: Operations.ServicesProviders.Input) async throws -> Operations.ServicesProviders.Output {
        _ = try await auth.user(.verified)
        let page = try PageRequest(page: input.query.page, perPage: input.query.perPage)
        return .ok(.init(body: .json(try await servicesService().providers(
            type: input.query.serviceType?.model, region: input.query.region, page: page))))
    }

    func servicesCreate(_ input: Operations.ServicesCreate.Input) async throws -> Operations.ServicesCreate.Output {
        let user = try await auth.user(.verified, is: .buyer, .seller)
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        let draft = ServicesService.Draft(
            type: body.serviceType.model, title: body.title, description: body.description, urgency: body.urgency?.model ?? .normal,
            listingID: body.listingId, connectionID: body.connectionId, providerID: body.providerId)
        let service = try servicesService()
        let request = try await service.create(draft, by: user)
        return .created(.init(body: .json(try await service.detail(try request.requireID(), for: user))))
    }

    func servicesList(_ input: Operations.ServicesList.Input) async throws -> Operations.ServicesList.Output {
        let user = try await auth.user(.verified)
        let page = try PageRequest(page: input.query.page, perPage: input.query.perPage)
        let filter = ServicesService.Filter(userID: try user.requireID(), status: input.query.status?.model, type: input.query.serviceType?.model)
        let list = try await servicesService().list(filter, viewer: user, page: page)
        let tag = try ETag.of(list)
        if ETag.matches(input.headers.ifNoneMatch, tag) { return .notModified(.init(headers: .init(eTag: tag))) }
        return .ok(.init(headers: .init(eTag: tag), body: .json(list)))
    }

    func servicesGet(_ input: Operations.ServicesGet.Input) async throws -> Operations.ServicesGet.Output {
        let user = try await auth.user(.verified)
        let service = try servicesService()
        _ = try await service.visible(input.path.requestId, to: user)
        let request = try await service.detail(input.path.requestId, for: user)
        let tag = try ETag.of(request)
        if ETag.matches(input.headers.ifNoneMatch, tag) { return .notModified(.init(headers: .init(eTag: tag))) }
        return .ok(.init(headers: .init(eTag: tag), body: .json(request)))
    }

    func servicesUpdate(_ input: Operations.ServicesUpdate.Input) async throws -> Operations.ServicesUpdate.Output {
        let user = try await auth.user(.verified)
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        let changes = ServicesService.Changes(
            title: body.title, description: body.description, urgency: body.urgency?.model, status: body.status?.model, providerID: body.providerId)
        let service = try servicesService()
        _ = try await service.update(input.path.requestId, changes, by: user)
        return .ok(.init(body: .json(try await service.detail(input.path.requestId, for: user))))
    }

    func servicesCommunications(_ input: Operations.ServicesCommunications.Input) async throws -> Operations.ServicesCommunications.Output {
        let user = try await auth.user(.verified)
        let page = try PageRequest(page: input.query.page, perPage: input.query.perPage)
        let service = try servicesService()
        // As connection threads: an unchanged thread answers 304 from two small aggregates.
        let version = try await service.threadVersion(input.path.requestId, for: user)
        let tag = try ETag.of([version, "\(page.page)", "\(page.perPage)", input.query.after?.uuidString ?? ""])
        if ETag.matches(input.headers.ifNoneMatch, tag) { return .notModified(.init(headers: .init(eTag: tag))) }
        let thread = try await service.communications(input.path.requestId, for: user, after: input.query.after, page: page)
        return .ok(.init(headers: .init(eTag: tag), body: .json(thread)))
    }

    func servicesAddCommunication(_ input: Operations.ServicesAddCommunication.Input) async throws -> Operations.ServicesAddCommunication.Output {
        let user = try await auth.user(.verified)
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        let (message, name) = try await servicesService().write(input.path.requestId, message: body.message, as: body.senderType?.model, by: user)
        return .created(.init(body: .json(try message.toDTO(senderName: name, isRead: false))))
    }

    func servicesMarkCommunicationRead(_ input: Operations.ServicesMarkCommunicationRead.Input) async throws -> Operations.ServicesMarkCommunicationRead.Output {
        let user = try await auth.user(.verified)
        try await servicesService().markRead(input.path.requestId, communication: input.path.communicationId, by: user)
        return .noContent(.init())
    }

    func servicesDocuments(_ input: Operations.ServicesDocuments.Input) async throws -> Operations.ServicesDocuments.Output {
        let user = try await auth.user(.verified)
        let page = try PageRequest(page: input.query.page, perPage: input.query.perPage)
        return .ok(.init(body: .json(try await servicesService().documents(input.path.requestId, for: user, page: page))))
    }

    func servicesUploadDocument(_ input: Operations.ServicesUploadDocument.Input) async throws -> Operations.ServicesUploadDocument.Output {
        let user = try await auth.user(.verified)
        guard case .multipartForm(let parts) = input.body else { throw Problem.unsupportedBody }
        let upload = try await MultipartForm.readUpload(parts, fileLimit: ServicesService.documentLimit, what: "A service document", spool: app.uploadSpool) { part in
            switch part {
            case .file(let part): .file(part.payload.body, fileName: part.filename)
            case .documentType(let part): .text(field: "document_type", part.payload.body)
            case .senderType(let part): .text(field: "sender_type", part.payload.body)
            case .undocumented(let part): .undocumented(part.body)
            }
        }
        let type = try upload.texts["document_type"].map { try ServiceDocument.Kind.parse($0, field: "document_type") } ?? .other
        let sender = try upload.texts["sender_type"].map { try ServiceSender.parse($0, field: "sender_type") }
        let document = try await servicesService().attach(input.path.requestId, upload: upload.file, type: type, as: sender, by: user)
        return .created(.init(body: .json(try document.toDTO(links: app.fileLinks))))
    }

    func servicesDownloadDocument(_ input: Operations.ServicesDownloadDocument.Input) async throws -> Operations.ServicesDownloadDocument.Output {
        let user = try await auth.user(.verified)
        let (document, data) = try await servicesService().download(input.path.requestId, document: input.path.documentId, for: user)
        return .ok(.init(headers: .init(contentDisposition: AttachmentHeader.value(document.fileName)), body: .binary(HTTPBody(data))))
    }
}

// MARK: the admin desk

extension APIHandler {
    func adminListServiceRequests(_ input: Operations.AdminListServiceRequests.Input) async throws -> Operations.AdminListServiceRequests.Output {
        let admin = try await auth.user(.verified, is: .admin)
        let page = try PageRequest(page: input.query.page, perPage: input.query.perPage)
        let filter = ServicesService.Filter(
            status: input.query.status?.model, openOnly: input.query.open ?? false, type: input.query.serviceType?.model,
            urgency: input.query.urgency?.model, providerID: input.query.providerId)
        return .ok(.init(body: .json(try await servicesService().list(filter, viewer: admin, page: page))))
    }

    func adminUpdateServiceRequest(_ input: Operations.AdminUpdateServiceRequest.Input) async throws -> Operations.AdminUpdateServiceRequest.Output {
        let admin = try await auth.user(.verified, is: .admin)
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        let changes = ServicesService.Changes(status: body.status?.model, providerID: body.providerId, note: body.note)
        let service = try servicesService()
        _ = try await service.update(input.path.requestId, changes, by: admin)
        return .ok(.init(body: .json(try await service.detail(input.path.requestId, for: admin))))
    }
}

/// `attachment; filename="…"` (or `inline`) with the name reduced to what the header can carry,
/// and the full name in `filename*` (RFC 6266) for clients that read it.
enum AttachmentHeader {
    static func value(_ fileName: String, disposition: String = "attachment") -> String {
        let plain = String(fileName.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 ? Character($0) : "_" })
        let encoded = fileName.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? plain
        return "\(disposition); filename=\"\(plain)\"; filename*=UTF-8''\(encoded)"
    }
}

// The wire enums and the model's share their raw values.
extension Components.Schemas.ServiceType { var model: ServiceRequest.Kind { .init(rawValue: rawValue)! } }
extension Components.Schemas.ServiceUrgency { var model: ServiceRequest.Urgency { .init(rawValue: rawValue)! } }
extension Components.Schemas.ServiceRequestStatus { var model: ServiceRequest.Status { .init(rawValue: rawValue)! } }
extension Components.Schemas.ServiceSenderType { var model: ServiceSender { .init(rawValue: rawValue)! } }

extension RawRepresentable where RawValue == String, Self: CaseIterable {
    /// A text part's value, or a 422 naming the values allowed.
    static func parse(_ text: String, field: String) throws -> Self {
        guard let value = Self(rawValue: text) else {
            throw Problem.validation([field: ["must be one of \(allCases.map(\.rawValue).joined(separator: ", "))"]])
        }
        return value
    }
}
