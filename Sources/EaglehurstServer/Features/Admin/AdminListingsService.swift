import EaglehurstAPI
import Fluent
import Foundation
import SQLKit
import Vapor

/// The moderation queue: listings waiting for approval and edits to published listings.
struct AdminListingsService {
    let app: Application
    let request: Request
    var db: any Database { request.db }
    var now: Date { app.serverEnvironment.now() }

    struct Filter {
        var status: Listing.Status?
        var hasPendingEdits: Bool?
        var sellerID: UUID?
        var text: String?
    }

    func list(_ filter: Filter, page: PageRequest) async throws -> Components.Schemas.ListingPage {
        let query = Listing.query(on: db)
        if let status = filter.status { query.filter(\.$status == status) }
        if let sellerID = filter.sellerID { query.filter(\.$seller.$id == sellerID) }
        if let text = filter.text?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            query.filter(.sql(unsafeRaw: "LOWER(title)"), .custom("LIKE"), .bind("%\(text.lowercased())%"))
        }
        if let hasEdits = filter.hasPendingEdits {
            let pending = Array(try await ListingsService.withPendingEdits(nil, on: db))
            if hasEdits { query.filter(\.$id ~~ pending) } else { query.filter(\.$id !~ pending) }
        }
        let total = try await query.copy().count()
        // Oldest first: the queue is worked from the front.
        let listings = try await query.sort(\.$updatedAt, .ascending).sort(\.$id)
            .range(page.offset..<(page.offset + page.perPage)).all()
        let ids = try listings.map { try $0.requireID() }
        let withEdits = try await ListingsService.withPendingEdits(ids, on: db)
        return .init(
            items: try listings.map { try $0.toSummary(forOwner: true, hasPendingEdits: withEdits.contains(try $0.requireID())) },
            page: page.page, perPage: page.perPage, total: total)
    }

    /// Publishes a listing waiting for approval, or applies the pending edits of a published one.
    func approve(_ id: UUID) async throws -> Listing {
        guard let listing = try await Listing.find(id, on: db) else { throw Problem.notFound("Listing \(id)") }
        let edits = try await ListingEdit.query(on: db).filter(\.$listing.$id == id).filter(\.$status == .pending).all()
        let pendingMedia = try await pendingMedia(of: id).count()
        if listing.status == .published {
            guard !edits.isEmpty || pendingMedia > 0 else {
                throw Problem(.conflict, slug: "nothing-to-approve", title: "Nothing to approve",
                              detail: "This listing is published and has no pending edits.")
            }
            var fields = listing.fields
            for edit in edits { fields.set(edit.fieldName, to: edit.newValue) }
            let approved = fields
            try await db.transaction { db in
                listing.fields = approved
                try await listing.save(on: db)
                for edit in edits {
                    edit.status = .approved
                    edit.reviewedAt = now
                    try await edit.save(on: db)
                }
                try await approveMedia(of: id, on: db)
            }
            await tellSeller(listing, kind: .listingApproved, title: "Your changes are live: \(listing.title)",
                             message: "An administrator approved your edits to \"\(listing.title)\".")
            return listing
        }
        if let problem = ListingRules.transitionProblem(from: listing.status, to: .published, by: .admin) { throw problem }
        listing.status = .published
        listing.rejectionReason = nil
        listing.publishedAt = listing.publishedAt ?? now
        try await db.transaction { db in
            try await listing.save(on: db)
            // Media added while it was published before (and waiting since) goes live with it.
            try await approveMedia(of: id, on: db)
        }
        await tellSeller(listing, kind: .listingApproved, title: "Your listing is published: \(listing.title)",
                         message: "An administrator approved \"\(listing.title)\"; buyers can now find it.")
        return listing
    }

    /// Rejects a listing waiting for approval (the seller sees the reason), or discards the
    /// pending edits of a published one.
    func reject(_ id: UUID, reason: String) async throws -> Listing {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (3...1000).contains(reason.unicodeScalars.count) else {
            throw Problem.validation(["reason": ["must be 3 to 1000 characters, telling the seller what to fix"]])
        }
        guard let listing = try await Listing.find(id, on: db) else { throw Problem.notFound("Listing \(id)") }
        if listing.status == .published {
            let count = try await ListingEdit.query(on: db).filter(\.$listing.$id == id).filter(\.$status == .pending).count()
            let rejectedMedia = try await pendingMedia(of: id).all()
            guard count > 0 || !rejectedMedia.isEmpty else {
                throw Problem(.conflict, slug: "nothing-to-reject", title: "Nothing to reject",
                              detail: "This listing is published and has no pending edits.")
            }
            try await ListingEdit.query(on: db).filter(\.$listing.$id == id).filter(\.$status == .pending)
                .set(\.$status, to: .rejected).set(\.$reviewedAt, to: now).update()
            listing.rejectionReason = reason
            try await db.transaction { db in
                try await listing.save(on: db)
                try await ListingMedia.query(on: db).filter(\.$id ~~ rejectedMedia.compactMap(\.id)).delete()
            }
            // The rows are gone; their files follow (a file left behind is unreachable, never served).
            for key in rejectedMedia.flatMap({ [$0.storageKey, $0.cardKey, $0.viewKey] }).compactMap({ $0.flatMap(FileKey.init(rawValue:)) }) {
                try? await app.fileStore.delete(key)
            }
            await tellSeller(listing, kind: .listingRejected, title: "Your changes were not accepted: \(listing.title)",
                             message: "An administrator declined your edits to \"\(listing.title)\": \(reason)")
            return listing
        }
        if let problem = ListingRules.transitionProblem(from: listing.status, to: .rejected, by: .admin) { throw problem }
        listing.status = .rejected
        listing.rejectionReason = reason
        try await listing.save(on: db)
        await tellSeller(listing, kind: .listingRejected, title: "Your listing needs changes: \(listing.title)",
                         message: "An administrator did not publish \"\(listing.title)\": \(reason)")
        return listing
    }

    func pendingMedia(of id: UUID) -> QueryBuilder<ListingMedia> {
        ListingMedia.query(on: db).filter(\.$listing.$id == id).filter(\.$reviewStatus == ListingMedia.ReviewStatus.pending.rawValue)
    }

    func approveMedia(of id: UUID, on db: any Database) async throws {
        try await ListingMedia.query(on: db).filter(\.$listing.$id == id)
            .filter(\.$reviewStatus == ListingMedia.ReviewStatus.pending.rawValue)
            .set(\.$reviewStatus, to: ListingMedia.ReviewStatus.approved.rawValue).update()
    }

    func tellSeller(_ listing: Listing, kind: NotificationService.Kind, title: String, message: String) async {
        await app.notifications(on: db).notify([listing.$seller.id], .init(
            kind: kind, title: title, message: message, actionURL: "/api/v1/listings/\(listing.id?.uuidString ?? "")"))
    }
}
