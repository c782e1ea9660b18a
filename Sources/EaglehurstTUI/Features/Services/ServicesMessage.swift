import EaglehurstAPI
import Foundation

/// What the services screen's requests answer.
package enum ServicesMessage: Equatable, Sendable {
    case listLoaded(generation: Int, Result<Components.Schemas.ServiceRequestPage, RequestFailure>)
    case requestLoaded(id: UUID, Result<Conditional<ServiceRequest>, RequestFailure>)
    case threadLoaded(id: UUID, after: UUID?, Result<Conditional<[ServiceCommunication]>, RequestFailure>)
    case documentsLoaded(id: UUID, Result<[ServiceDocument], RequestFailure>)
    /// One poll of an open request: the request, its new messages and its documents.
    case polled(id: UUID, token: Int, request: Result<Conditional<ServiceRequest>, RequestFailure>,
                after: UUID?, thread: Result<Conditional<[ServiceCommunication]>, RequestFailure>, documents: Result<[ServiceDocument], RequestFailure>)
    case templatesLoaded(Result<[ServiceTemplate], RequestFailure>)
    case providersLoaded(ServiceType, Result<[ServiceProvider], RequestFailure>)
    case created(Result<ServiceRequest, RequestFailure>)
    case updated(Result<ServiceRequest, RequestFailure>)
    case sent(id: UUID, Result<ServiceCommunication, RequestFailure>)
    case uploaded(id: UUID, Result<ServiceDocument, RequestFailure>)
    case downloaded(Result<String, RequestFailure>)
    case markedRead(Result<UUID, RequestFailure>)

    var failure: RequestFailure? {
        switch self {
        case .listLoaded(_, let result): result.failure
        case .requestLoaded(_, let result): result.failure
        case .threadLoaded(_, _, let result): result.failure
        case .documentsLoaded(_, let result): result.failure
        case .polled(_, _, let request, _, let thread, let documents): request.failure ?? thread.failure ?? documents.failure
        case .templatesLoaded(let result): result.failure
        case .providersLoaded(_, let result): result.failure
        case .created(let result): result.failure
        case .updated(let result): result.failure
        case .sent(_, let result): result.failure
        case .uploaded(_, let result): result.failure
        case .downloaded(let result): result.failure
        case .markedRead(let result): result.failure
        }
    }
}

/// An answer to a conditional GET: the new value with its ETag, or nothing changed since the tag sent.
package enum Conditional<Value: Equatable & Sendable>: Equatable, Sendable {
    case changed(Value, etag: String?)
    case notModified(etag: String?)
}

package enum ServicesEffect: Equatable, Sendable {
    case loadList(ServicesFilter, desk: Bool, generation: Int)
    case loadRequest(id: UUID, etag: String?)
    case loadThread(id: UUID, after: UUID?, etag: String?)
    case loadDocuments(id: UUID)
    /// Waits `pause`, then asks for the request, the messages after `after` and the documents.
    case poll(id: UUID, token: Int, pause: Duration, requestETag: String?, after: UUID?, threadETag: String?)
    case loadTemplates
    case loadProviders(ServiceType)
    case create(Components.Schemas.ServiceRequestCreate)
    /// The requester's change (a cancel).
    case update(id: UUID, Components.Schemas.ServiceRequestUpdate)
    /// The desk's change: a status, a provider, a note in the thread.
    case adminUpdate(id: UUID, Components.Schemas.ServiceRequestAdminUpdate)
    case send(id: UUID, text: String, as: ServiceSender?)
    case upload(id: UUID, path: String, type: Components.Schemas.ServiceDocumentType, as: ServiceSender?)
    case download(requestID: UUID, documentID: UUID, to: String)
    case markRead(requestID: UUID, communicationID: UUID)
}
