import EaglehurstAPI
import Foundation

package typealias ServiceRequest = Components.Schemas.ServiceRequest
package typealias ServiceCommunication = Components.Schemas.ServiceCommunication
package typealias ServiceDocument = Components.Schemas.ServiceDocument
package typealias ServiceTemplate = Components.Schemas.ServiceTemplate
package typealias ServiceProvider = Components.Schemas.ServiceProvider
package typealias ServiceStatus = Components.Schemas.ServiceRequestStatus
package typealias ServiceType = Components.Schemas.ServiceType
package typealias ServiceSender = Components.Schemas.ServiceSenderType

/// The services screen: a buyer's or seller's own requests for legal and valuation help, or for an
/// admin the service desk's queue; one request opened with its timeline, thread and documents; a new
/// request from a template.
package struct ServicesState: Equatable, Sendable {
    /// Whose requests these are: another user signing in starts afresh.
    package var accountID: UUID?
    /// The admin's service desk (every user's requests) rather than the signed-in user's own.
    package var isDesk = false
    package var filter = ServicesFilter.all
    package var requests: [ServiceRequest] = []
    package var total: Int?
    package var cursor = ListCursor(count: 0, viewportHeight: 10)
    package var isLoading = false
    package var isStale = false
    package var failure: RequestFailure?
    /// Bumped when the filter changes, so answers for an older one are dropped.
    package var generation = 0
    package var receivedAt: Date?
    package var detail: ServiceDetail?
    /// A new request being written: its template chosen first, then the form.
    package var draft: ServiceDraft?
    /// A template or provider being picked from a list.
    package var chooser: ServiceChooser?
    package var templates: [ServiceTemplate]?
    /// Providers by the service they were asked for.
    package var providers: [ServiceType: [ServiceProvider]] = [:]

    package init() {}

    package var selected: ServiceRequest? { requests.indices.contains(cursor.selected) ? requests[cursor.selected] : nil }

    package var isBusy: Bool {
        (isLoading && requests.isEmpty) || detail?.isBusy == true || draft?.form?.isSubmitting == true || chooser?.isLoading == true
    }
}

/// Which requests the list shows: all, the open ones, or one status.
package enum ServicesFilter: Equatable, Sendable, Hashable {
    case all, open
    case status(ServiceStatus)

    package var label: String {
        switch self {
        case .all: "all"
        case .open: "open"
        case .status(let status): Services.statusLabel(status)
        }
    }

    /// The desk starts on the open requests and can also see them all; users see theirs by status.
    static func cycle(desk: Bool) -> [ServicesFilter] {
        (desk ? [.open, .all] : [.all]) + ServiceStatus.allCases.map(ServicesFilter.status)
    }
}

/// One request opened: the request, its thread with a compose box, and its documents.
package struct ServiceDetail: Equatable, Sendable {
    package enum Focus: Equatable, Sendable { case thread, compose, documents }

    package var id: UUID
    package var title: String
    package var request: ServiceRequest?
    package var requestETag: String?
    package var isLoading = true
    package var failure: RequestFailure?
    package var isStale = false
    package var messages: [ServiceCommunication] = []
    package var threadETag: String?
    /// The message the ETag above was given for (`after`), so a 304 is only trusted for the same question.
    package var threadETagAfter: UUID?
    package var isThreadLoading = true
    package var documents: [ServiceDocument] = []
    package var documentCursor = ListCursor(count: 0, viewportHeight: 8)
    package var focus: Focus = .thread
    package var compose = TextArea("")
    package var isSending = false
    /// Lines scrolled back from the newest message.
    package var scrollBack = 0
    /// An admin writes and uploads as the service desk, or on the provider's behalf.
    package var writeAs: ServiceSender = .admin
    /// A document being attached.
    package var upload: Form?
    package var isUpdating = false
    /// The poll of this request: answers of an older cycle are dropped by their token.
    package var pollToken = 0
    package var quietPolls = 0

    package init(id: UUID, title: String) {
        self.id = id
        self.title = title
    }

    package var lastMessageID: UUID? { messages.last?.id }
    package var selectedDocument: ServiceDocument? {
        documents.indices.contains(documentCursor.selected) ? documents[documentCursor.selected] : nil
    }
    package var isBusy: Bool { (isLoading && request == nil) || isSending || isUpdating || upload?.isSubmitting == true }
}

/// A new request: about a listing or not, its template, then the form to send.
package struct ServiceDraft: Equatable, Sendable {
    package var listingID: UUID?
    package var listingTitle: String?
    package var template: ServiceTemplate?
    package var form: Form?

    package init(listingID: UUID? = nil, listingTitle: String? = nil) {
        self.listingID = listingID
        self.listingTitle = listingTitle
    }
}

/// A list to pick one thing from: the template of a new request, or the provider an admin assigns.
package struct ServiceChooser: Equatable, Sendable {
    package enum Purpose: Equatable, Sendable {
        case template
        /// The admin desk assigning (or changing) the provider of a request.
        case assign(requestID: UUID, serviceType: ServiceType)
    }

    package var purpose: Purpose
    package var cursor = ListCursor(count: 0, viewportHeight: 12)
    package var isLoading = true

    package init(purpose: Purpose) { self.purpose = purpose }
}
