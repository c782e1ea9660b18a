import EaglehurstAPI
import Foundation

extension ServiceProvider {
    func toDTO() throws -> Components.Schemas.ServiceProvider {
        .init(
            id: try requireID(), companyName: companyName,
            services: services.map { .init(rawValue: $0.rawValue)! }, regions: regions, description: about,
            contactEmail: contactEmail, contactPhone: contactPhone, website: website, rating: rating,
            reviewCount: reviewCount, isActive: isActive)
    }
}

extension ServiceTemplate {
    func toDTO() throws -> Components.Schemas.ServiceTemplate {
        .init(id: try requireID(), templateName: templateName, serviceType: .init(rawValue: serviceType.rawValue)!,
              description: about, content: content)
    }
}

extension ServiceRequest {
    /// Only the listing's id and title leave the server: a request never carries confidential fields.
    /// Expects `user`, `listing` with its seller, and `provider` eager-loaded.
    func toDTO(unread: Int? = nil, viewer: User) throws -> Components.Schemas.ServiceRequest {
        .init(
            id: try requireID(), userId: $user.id, user: try $user.value.map { try $0.toSummary() },
            listingId: $listing.id, listingTitle: listingTitle(for: viewer), connectionId: $connection.id,
            preferredProviderId: $preferredProvider.id, providerId: $provider.id,
            provider: try $provider.value??.toDTO(),
            serviceType: .init(rawValue: serviceType.rawValue)!, title: title, description: description,
            urgency: .init(rawValue: urgency.rawValue)!, status: .init(rawValue: status.rawValue)!,
            reviewedAt: reviewedAt, assignedAt: assignedAt, startedAt: startedAt, completedAt: completedAt,
            cancelledAt: cancelledAt, unreadCount: unread, createdAt: createdAt, updatedAt: updatedAt)
    }
}

extension ServiceRequest {
    /// The listing's title while `viewer` may see the listing anywhere else, by the rule of the saved
    /// list (`Listing.isVisible`: published with its seller not suspended, or their own, or an admin);
    /// else what the saved list says. A seller who archives and renames a listing does not show the
    /// new name to those who asked about it.
    func listingTitle(for viewer: User) -> String? {
        guard let listing = $listing.value ?? nil else { return nil }
        let sellerSuspended = listing.$seller.value?.isSuspended ?? true
        return listing.isVisible(to: viewer, sellerSuspended: sellerSuspended) ? listing.title : "No longer available"
    }
}

extension ServiceCommunication {
    func toDTO(senderName: String?, isRead: Bool) throws -> Components.Schemas.ServiceCommunication {
        .init(id: try requireID(), serviceRequestId: $request.id, senderId: $sender.id,
              senderType: .init(rawValue: senderType.rawValue)!, senderName: senderName, message: message,
              isRead: isRead, createdAt: createdAt)
    }

    /// Read by the other side: the desk reads the requester's messages, the requester everyone else's.
    func isRead(in request: ServiceRequest) -> Bool {
        senderType == .user ? seq <= request.deskReadSeq : seq <= request.requesterReadSeq
    }
}

extension ServiceDocument {
    /// The answers listing documents go to the requester and admins only, so the URL is theirs
    /// (`GET /services/{id}/documents/{document_id}` with a bearer token serves the same bytes).
    func toDTO(links: FileLinks) throws -> Components.Schemas.ServiceDocument {
        .init(id: try requireID(), serviceRequestId: $request.id, documentType: .init(rawValue: documentType.rawValue)!,
              fileName: fileName, contentType: contentType, sizeBytes: sizeBytes,
              url: links.sign(.serviceDocument, try requireID(), for: .granted).path,
              uploadedBy: $uploader.id, senderType: .init(rawValue: senderType.rawValue)!, createdAt: createdAt)
    }
}
