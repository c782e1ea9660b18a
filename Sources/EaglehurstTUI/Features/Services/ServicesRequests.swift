import EaglehurstAPI
import EaglehurstClient
import Foundation
import OpenAPIRuntime

extension EffectRunner {
    /// A thread page: the most a request's conversation shows at once.
    static let serviceThreadPage = 100

    func runServices(_ effect: ServicesEffect) async -> ServicesMessage {
        switch effect {
        case .loadList(let filter, let desk, let generation):
            return .listLoaded(generation: generation, await serviceRequests(filter, desk: desk))
        case .loadRequest(let id, let etag):
            return .requestLoaded(id: id, await serviceRequest(id, etag: etag))
        case .loadThread(let id, let after, let etag):
            return .threadLoaded(id: id, after: after, await serviceThread(id, after: after, etag: etag))
        case .loadDocuments(let id):
            return .documentsLoaded(id: id, await serviceDocuments(id))
        case .poll(let id, let token, let pause, let requestETag, let after, let threadETag):
            try? await Task.sleep(for: pause)
            async let request = serviceRequest(id, etag: requestETag)
            async let thread = serviceThread(id, after: after, etag: threadETag)
            async let documents = serviceDocuments(id)
            return .polled(id: id, token: token, request: await request, after: after, thread: await thread, documents: await documents)
        case .loadTemplates:
            return .templatesLoaded(await serviceTemplates())
        case .loadProviders(let type):
            return .providersLoaded(type, await serviceProviders(type))
        case .create(let body):
            return .created(await createServiceRequest(body))
        case .update(let id, let body):
            return .updated(await updateServiceRequest(id, body))
        case .adminUpdate(let id, let body):
            return .updated(await adminUpdateServiceRequest(id, body))
        case .send(let id, let text, let sender):
            return .sent(id: id, await sendServiceMessage(id, text: text, as: sender))
        case .upload(let id, let path, let type, let sender):
            return .uploaded(id: id, await uploadServiceDocument(id, path: path, type: type, as: sender))
        case .download(let requestID, let documentID, let path):
            return .downloaded(await downloadServiceDocument(requestID, documentID, to: path))
        case .markRead(let requestID, let communicationID):
            return .markedRead(await markServiceMessageRead(requestID, communicationID))
        }
    }

    func serviceRequests(_ filter: ServicesFilter, desk: Bool) async -> Result<Components.Schemas.ServiceRequestPage, RequestFailure> {
        var status: ServiceStatus?
        if case .status(let chosen) = filter { status = chosen }
        return await attempt {
            if desk {
                let query = Operations.AdminListServiceRequests.Input.Query(status: status, open: filter == .open ? true : nil, page: 1, perPage: 100)
                switch try await client.adminListServiceRequests(query: query) {
                case .ok(let ok): return .success(try ok.body.json)
                case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the service desk"))
                }
            }
            switch try await client.servicesList(query: .init(status: status, page: 1, perPage: 100)) {
            case .ok(let ok): return .success(try ok.body.json)
            case .notModified: return .failure(.unexpected("the server answered 304 to a request without a tag"))
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "your service requests"))
            }
        }
    }

    func serviceRequest(_ id: UUID, etag: String?) async -> Result<Conditional<ServiceRequest>, RequestFailure> {
        await attempt {
            switch try await client.servicesGet(path: .init(requestId: id), headers: .init(ifNoneMatch: etag)) {
            case .ok(let ok): return .success(.changed(try ok.body.json, etag: ok.headers.eTag))
            case .notModified(let notModified): return .success(.notModified(etag: notModified.headers.eTag ?? etag))
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the request"))
            }
        }
    }

    func serviceThread(_ id: UUID, after: UUID?, etag: String?) async -> Result<Conditional<[ServiceCommunication]>, RequestFailure> {
        await attempt {
            let response = try await client.servicesCommunications(
                path: .init(requestId: id), query: .init(after: after, page: 1, perPage: Self.serviceThreadPage), headers: .init(ifNoneMatch: etag))
            switch response {
            case .ok(let ok): return .success(.changed(try ok.body.json.items, etag: ok.headers.eTag))
            case .notModified(let notModified): return .success(.notModified(etag: notModified.headers.eTag ?? etag))
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the conversation"))
            }
        }
    }

    func serviceDocuments(_ id: UUID) async -> Result<[ServiceDocument], RequestFailure> {
        await attempt {
            switch try await client.servicesDocuments(path: .init(requestId: id), query: .init(page: 1, perPage: 100)) {
            case .ok(let ok): return .success(try ok.body.json.items)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the documents"))
            }
        }
    }

    func serviceTemplates() async -> Result<[ServiceTemplate], RequestFailure> {
        await attempt {
            switch try await client.servicesTemplates(query: .init(page: 1, perPage: 100)) {
            case .ok(let ok): return .success(try ok.body.json.items)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the kinds of request"))
            }
        }
    }

    func serviceProviders(_ type: ServiceType) async -> Result<[ServiceProvider], RequestFailure> {
        await attempt {
            switch try await client.servicesProviders(query: .init(serviceType: type, page: 1, perPage: 100)) {
            case .ok(let ok): return .success(try ok.body.json.items)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the providers"))
            }
        }
    }

    func createServiceRequest(_ body: Components.Schemas.ServiceRequestCreate) async -> Result<ServiceRequest, RequestFailure> {
        await attempt {
            switch try await client.servicesCreate(body: .json(body)) {
            case .created(let created): return .success(try created.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "sending the request"))
            }
        }
    }

    func updateServiceRequest(_ id: UUID, _ body: Components.Schemas.ServiceRequestUpdate) async -> Result<ServiceRequest, RequestFailure> {
        await attempt {
            switch try await client.servicesUpdate(path: .init(requestId: id), body: .json(body)) {
            case .ok(let ok): return .success(try ok.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "changing the request"))
            }
        }
    }

    func adminUpdateServiceRequest(_ id: UUID, _ body: Components.Schemas.ServiceRequestAdminUpdate) async -> Result<ServiceRequest, RequestFailure> {
        await attempt {
            switch try await client.adminUpdateServiceRequest(path: .init(requestId: id), body: .json(body)) {
            case .ok(let ok): return .success(try ok.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "changing the request"))
            }
        }
    }

    func sendServiceMessage(_ id: UUID, text: String, as sender: ServiceSender?) async -> Result<ServiceCommunication, RequestFailure> {
        await attempt {
            switch try await client.servicesAddCommunication(path: .init(requestId: id), body: .json(.init(message: text, senderType: sender))) {
            case .created(let created): return .success(try created.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "sending"))
            }
        }
    }

    func uploadServiceDocument(_ id: UUID, path: String, type: Components.Schemas.ServiceDocumentType, as sender: ServiceSender?) async -> Result<ServiceDocument, RequestFailure> {
        await attempt {
            let file = try Self.readFile(path).get()
            var parts: [Operations.ServicesUploadDocument.Input.Body.MultipartFormPayload] = [
                .file(.init(payload: .init(body: HTTPBody(file.data)), filename: file.name)),
                .documentType(.init(payload: .init(body: HTTPBody(type.rawValue)))),
            ]
            if let sender { parts.append(.senderType(.init(payload: .init(body: HTTPBody(sender.rawValue))))) }
            switch try await client.servicesUploadDocument(path: .init(requestId: id), body: .multipartForm(MultipartBody(parts))) {
            case .created(let created): return .success(try created.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "uploading"))
            }
        }
    }

    /// Saves a document's bytes at `path` (`~` is the home directory). An existing file is never
    /// overwritten: the user chooses another name.
    func downloadServiceDocument(_ requestID: UUID, _ documentID: UUID, to path: String) async -> Result<String, RequestFailure> {
        let expanded = NSString(string: path).expandingTildeInPath
        guard !FileManager.default.fileExists(atPath: expanded) else {
            return .failure(.file("\(path) exists already: choose another name"))
        }
        let directory = (expanded as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard directory.isEmpty || (FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue) else {
            return .failure(.file("\((path as NSString).deletingLastPathComponent) is not a directory"))
        }
        return await attempt {
            switch try await client.servicesDownloadDocument(path: .init(requestId: requestID, documentId: documentID)) {
            case .ok(let ok):
                let data = try await Data(collecting: try ok.body.binary, upTo: Self.largestUpload)
                // Written whole to a temporary name and moved, so a failed download leaves no half file.
                let partial = expanded + ".part-\(UUID().uuidString.prefix(8))"
                guard FileManager.default.createFile(atPath: partial, contents: data, attributes: [.posixPermissions: 0o600]) else {
                    return .failure(.file("\(path): cannot write there"))
                }
                do {
                    try FileManager.default.moveItem(atPath: partial, toPath: expanded)
                } catch {
                    try? FileManager.default.removeItem(atPath: partial)
                    return .failure(.file("\(path): \(error.localizedDescription)"))
                }
                return .success(path)
            case .default(let statusCode, let problem):
                return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the document"))
            }
        }
    }

    func markServiceMessageRead(_ requestID: UUID, _ communicationID: UUID) async -> Result<UUID, RequestFailure> {
        await attempt {
            switch try await client.servicesMarkCommunicationRead(path: .init(requestId: requestID, communicationId: communicationID)) {
            case .noContent: return .success(communicationID)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "marking read"))
            }
        }
    }
}
