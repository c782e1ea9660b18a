import EaglehurstAPI
import Fluent
import Foundation
import SQLKit
import Vapor

/// The marketplace core: sellers' listings and their workflow, browsing and search, saving,
/// views and analytics.
struct ListingsService {
    let app: Application
    let request: Request

    var db: any Database { request.db }
    var sql: any SQLDatabase { request.db.sql }
    var now: Date { app.serverEnvironment.now() }
    var currentYear: Int { Calendar(identifier: .gregorian).component(.year, from: now) }

    // MARK: create, read, update, delete

    func create(_ body: Components.Schemas.ListingCreate, seller: User) async throws -> Listing {
        let status: Listing.Status
        switch body.status {
        case nil, .pendingApproval: status = .pendingApproval
        case .draft: status = .draft
        case .some(let other):
            throw Problem.validation(["status": ["must be draft or pending_approval for a new listing, not \(other.rawValue)"]])
        }
        let fields = ListingRules.Fields(
            title: body.title.trimmingCharacters(in: .whitespacesAndNewlines),
            description: body.description.trimmingCharacters(in: .whitespacesAndNewlines),
            businessType: body.businessType.rawValue, location: body.location.trimmingCharacters(in: .whitespaces),
            region: body.region.trimmingCharacters(in: .whitespaces), askingPrice: body.askingPrice,
            annualRevenue: body.annualRevenue, netProfit: body.netProfit, staffCount: body.staffCount,
            tenure: body.tenure?.rawValue, yearEstablished: body.yearEstablished, reasonForSale: body.reasonForSale,
            exactAddress: body.exactAddress, postcode: body.postcode, tradingName: body.tradingName)
        let errors = ListingRules.validate(fields, currentYear: currentYear)
        guard errors.isEmpty else { throw Problem.validation(errors) }
        let listing = Listing()
        listing.fields = fields
        listing.status = status
        listing.viewCount = 0
        listing.saveCount = 0
        listing.$seller.id = try seller.requireID()
        try await db.transaction { db in
            if status == .pendingApproval {
                try await PlanService.serializeLimits(of: seller, on: db)
                try await PlanService(app: app, db: db).ensureListingAllowed(for: seller)
            }
            try await listing.create(on: db)
        }
        if status == .pendingApproval { await announceSubmission(listing, by: seller) }
        return listing
    }

    /// Tells the admins that a listing waits for review.
    func announceSubmission(_ listing: Listing, by seller: User) async {
        await app.notifications(on: db).notifyAdmins(.init(
            kind: .listingPendingReview, title: "Listing waiting for review: \(listing.title)",
            message: "\(seller.firstName) \(seller.lastName) submitted \"\(listing.title)\" for approval.",
            actionURL: "/api/v1/admin/listings?status=pending_approval"))
    }

    /// The listing if this viewer may see it: published ones to everyone, others to the owner and admins.
    func visibleListing(_ id: UUID, viewer: User?) async throws -> Listing {
        guard let listing = try await Listing.find(id, on: db) else { throw Problem.notFound("Listing \(id)") }
        if listing.status == .published {
            if let seller = try await User.find(listing.$seller.id, on: db), seller.isSuspended, !isOwnerOrAdmin(listing, viewer) {
                throw Problem.notFound("Listing \(id)")
            }
            return listing
        }
        guard isOwnerOrAdmin(listing, viewer) else { throw Problem.notFound("Listing \(id)") }
        return listing
    }

    func ownedListing(_ id: UUID, by user: User) async throws -> Listing {
        guard let listing = try await Listing.find(id, on: db) else { throw Problem.notFound("Listing \(id)") }
        guard listing.$seller.id == user.id else {
            if listing.status == .published || user.userType == .admin {
                throw Problem.forbidden("Only the seller who owns this listing can change it.")
            }
            throw Problem.notFound("Listing \(id)")
        }
        return listing
    }

    func isOwnerOrAdmin(_ listing: Listing, _ viewer: User?) -> Bool {
        guard let viewer else { return false }
        return viewer.userType == .admin || listing.$seller.id == viewer.id
    }

    func detail(_ listing: Listing, viewer: User?) async throws -> Components.Schemas.Listing {
        let id = try listing.requireID()
        let privileged = isOwnerOrAdmin(listing, viewer)
        let media = try await ListingMedia.query(on: db).filter(\.$listing.$id == id).all()
        let edits = privileged
            ? try await ListingEdit.query(on: db).filter(\.$listing.$id == id).filter(\.$status == .pending).sort(\.$createdAt).all()
            : []
        var isSaved: Bool?
        var connection: Connection?
        if let viewer, viewer.userType == .buyer {
            let buyerID = try viewer.requireID()
            isSaved = try await SavedListing.query(on: db).filter(\.$buyer.$id == buyerID).filter(\.$listing.$id == id).count() > 0
            connection = try await Connection.query(on: db).filter(\.$buyer.$id == buyerID).filter(\.$listing.$id == id)
                .sort(\.$createdAt, .descending).first()
        }
        // A buyer whose request the seller accepted sees what the owner sees of the business.
        let accepted = connection?.status == .accepted
        return try listing.toDTO(
            viewer: .init(
                confidentialAccess: privileged || accepted, isOwnerOrAdmin: privileged, isSaved: isSaved,
                connectionStatus: connection.map { Components.Schemas.ConnectionStatus(rawValue: $0.status.rawValue)! }),
            media: media, pendingEdits: edits, links: app.fileLinks)
    }

    /// Counts a view once per viewer (user, or address when signed out) per day; owners do not count.
    func recordView(_ listing: Listing, viewer: User?) async throws {
        guard listing.status == .published, listing.$seller.id != viewer?.id else { return }
        let day = Self.day(now)
        let key = viewer?.id?.uuidString ?? "ip:\(request.clientAddress)"
        let inserted = try await sql.raw("""
            INSERT INTO listing_views (id, listing_id, viewer_id, viewer_key, view_date, ip_address, user_agent, viewed_at)
            VALUES (\(bind: UUID()), \(bind: try listing.requireID()), \(bind: viewer?.id), \(bind: key), \(bind: day),
                    \(bind: request.clientAddress), \(bind: request.headers.first(name: .userAgent)), \(bind: now))
            ON CONFLICT (listing_id, viewer_key, view_date) DO NOTHING
            RETURNING id
            """).all()
        if !inserted.isEmpty {
            try await sql.raw("UPDATE listings SET view_count = view_count + 1 WHERE id = \(bind: try listing.requireID())").run()
            // Like the count, the events are once per viewer and day: re-reading a listing is not a new view.
            if let viewer, let viewerID = viewer.id {
                app.analyticsLog.activity(viewer, .listingView, ["listing_id": try listing.requireID().uuidString], at: now)
                app.analyticsLog.record(.profileView(profileID: listing.$seller.id, viewerID: viewerID, .listing, at: now))
            }
        }
    }

    static func day(_ date: Date) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    func update(_ id: UUID, _ body: Components.Schemas.ListingUpdate, by user: User) async throws -> Listing {
        let listing = try await ownedListing(id, by: user)
        var fields = listing.fields
        if let v = body.title { fields.title = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let v = body.description { fields.description = v.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let v = body.businessType { fields.businessType = v.rawValue }
        if let v = body.location { fields.location = v.trimmingCharacters(in: .whitespaces) }
        if let v = body.region { fields.region = v.trimmingCharacters(in: .whitespaces) }
        if let v = body.askingPrice { fields.askingPrice = v }
        if let v = body.annualRevenue { fields.annualRevenue = v }
        if let v = body.netProfit { fields.netProfit = v }
        if let v = body.staffCount { fields.staffCount = v }
        if let v = body.tenure { fields.tenure = v.rawValue }
        if let v = body.yearEstablished { fields.yearEstablished = v }
        if let v = body.reasonForSale { fields.reasonForSale = v }
        if let v = body.exactAddress { fields.exactAddress = v }
        if let v = body.postcode { fields.postcode = v }
        if let v = body.tradingName { fields.tradingName = v }
        let errors = ListingRules.validate(fields, currentYear: currentYear)
        guard errors.isEmpty else { throw Problem.validation(errors) }

        let target = body.status.map { Listing.Status(rawValue: $0.rawValue)! } ?? listing.status
        if let problem = ListingRules.transitionProblem(from: listing.status, to: target, by: .owner) { throw problem }
        let changed = fields.asText.filter { listing.fields.asText[$0.key] != $0.value }
        let newFields = fields
        let submitted = target == .pendingApproval && listing.status != .pendingApproval
        let editsForReview = listing.status == .published && !changed.isEmpty
        let counts = submitted && [.draft, .rejected, .archived].contains(listing.status)

        try await db.transaction { db in
            if counts {
                try await PlanService.serializeLimits(of: user, on: db)
                try await PlanService(app: app, db: db).ensureListingAllowed(for: user, submitting: try listing.requireID())
            }
            if listing.status == .published, !changed.isEmpty {
                // Buyers keep seeing the approved values; each change waits for an admin.
                let listingID = try listing.requireID()
                try await ListingEdit.query(on: db).filter(\.$listing.$id == listingID).filter(\.$status == .pending)
                    .filter(\.$fieldName ~~ Array(changed.keys)).delete()
                for (field, value) in changed.sorted(by: { $0.key < $1.key }) {
                    try await ListingEdit(listingID: listingID, field: field, old: listing.fields.asText[field] ?? nil, new: value)
                        .create(on: db)
                }
            } else {
                listing.fields = newFields
            }
            if target != listing.status {
                listing.status = target
                if target == .pendingApproval { listing.rejectionReason = nil }
            }
            try await listing.save(on: db)
        }
        if submitted {
            await announceSubmission(listing, by: user)
        } else if editsForReview {
            await app.notifications(on: db).notifyAdmins(.init(
                kind: .listingPendingReview, title: "Edits waiting for review: \(listing.title)",
                message: "\(user.firstName) \(user.lastName) changed \(changed.keys.sorted().joined(separator: ", ")) of a published listing.",
                actionURL: "/api/v1/admin/listings?has_pending_edits=true"))
        }
        return listing
    }

    /// The owner or an admin (moderation) may delete a listing; anyone else gets 403/404 as for an edit.
    func delete(_ id: UUID, by user: User) async throws {
        let listing: Listing
        if user.userType == .admin {
            guard let found = try await Listing.find(id, on: db) else { throw Problem.notFound("Listing \(id)") }
            listing = found
        } else {
            listing = try await ownedListing(id, by: user)
        }
        let keys = try await db.transaction { db in
            let keys = try await ListingThumbnails.deleteRows(.ofListing(id), on: db)
            try await listing.delete(on: db)
            return keys
        }
        await ListingThumbnails(app: app).delete(keys)
    }

    func myListings(_ seller: User, status: Listing.Status?, page: PageRequest) async throws -> Components.Schemas.ListingPage {
        let query = Listing.query(on: db).filter(\.$seller.$id == (try seller.requireID()))
        if let status { query.filter(\.$status == status) }
        let total = try await query.copy().count()
        let listings = try await query.sort(\.$updatedAt, .descending).sort(\.$id)
            .range(page.offset..<(page.offset + page.perPage)).all()
        let ids = try listings.map { try $0.requireID() }
        let pending = try await Self.withPendingEdits(ids, on: db)
        return .init(
            items: try listings.map { try $0.toSummary(forOwner: true, hasPendingEdits: pending.contains(try $0.requireID())) },
            page: page.page, perPage: page.perPage, total: total)
    }

    /// Which of these listings have edits or media waiting for an admin (all listings when nil).
    static func withPendingEdits(_ ids: [UUID]?, on db: any Database) async throws -> Set<UUID> {
        let edits = ListingEdit.query(on: db).filter(\.$status == .pending)
        let media = ListingMedia.query(on: db).filter(\.$reviewStatus == ListingMedia.ReviewStatus.pending.rawValue)
        if let ids {
            edits.filter(\.$listing.$id ~~ ids)
            media.filter(\.$listing.$id ~~ ids)
        }
        return Set(try await edits.unique().all(\.$listing.$id)).union(try await media.unique().all(\.$listing.$id))
    }

    // MARK: saving

    func save(_ id: UUID, buyer: User, notes: String?) async throws -> (created: Bool, saved: Components.Schemas.SavedListing) {
        let listing = try await visibleListing(id, viewer: buyer)
        guard listing.status == .published else {
            throw Problem(.conflict, slug: "not-published", title: "Only published listings can be saved", detail: "This listing is \(listing.status.rawValue).")
        }
        if let notes, notes.unicodeScalars.count > 2000 { throw Problem.validation(["notes": ["must be at most 2000 characters"]]) }
        let buyerID = try buyer.requireID()
        if let existing = try await SavedListing.query(on: db).filter(\.$buyer.$id == buyerID).filter(\.$listing.$id == id).first() {
            if let notes { existing.notes = notes }
            try await existing.save(on: db)
            return (false, try savedDTO(existing, listing, viewer: buyer))
        }
        let saved = SavedListing(buyerID: buyerID, listingID: id, notes: notes)
        do {
            try await db.transaction { db in
                try await saved.create(on: db)
                try await db.sql.raw("UPDATE listings SET save_count = save_count + 1 WHERE id = \(bind: id)").run()
            }
            app.savedIDsCache.forget(buyer: buyerID)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // The same buyer saved it concurrently: answer as the earlier save did.
            return try await save(id, buyer: buyer, notes: notes)
        }
        app.analyticsLog.activity(buyer, .save, ["listing_id": id.uuidString], at: now)
        app.analyticsLog.step(buyer, .firstSave, at: now)
        return (true, try savedDTO(saved, listing, viewer: buyer))
    }

    /// A saved row; `sellerSuspended` hides the listing as its detail would (a fresh save only happens
    /// when the listing is visible, so its callers pass false).
    func savedDTO(_ saved: SavedListing, _ listing: Listing, viewer: User, sellerSuspended: Bool = false) throws -> Components.Schemas.SavedListing {
        .init(listingId: try listing.requireID(),
              listing: try listing.toSummary(for: viewer, sellerSuspended: sellerSuspended, isSaved: true), notes: saved.notes,
              savedAt: saved.createdAt ?? now)
    }

    func unsave(_ id: UUID, buyer: User) async throws {
        let buyerID = try buyer.requireID()
        guard let saved = try await SavedListing.query(on: db).filter(\.$buyer.$id == buyerID).filter(\.$listing.$id == id).first() else {
            throw Problem.notFound("A saved listing \(id)")
        }
        try await db.transaction { db in
            try await saved.delete(on: db)
            try await db.sql.raw("UPDATE listings SET save_count = save_count - 1 WHERE id = \(bind: id) AND save_count > 0").run()
        }
        // After the commit: a read between the model's delete and the commit may have kept the old set.
        app.savedIDsCache.forget(buyer: buyerID)
    }

    func saved(_ buyer: User, page: PageRequest) async throws -> Components.Schemas.SavedListingPage {
        let query = SavedListing.query(on: db).filter(\.$buyer.$id == (try buyer.requireID()))
        let total = try await query.copy().count()
        let rows = try await query.with(\.$listing) { $0.with(\.$seller) }.sort(\.$createdAt, .descending).sort(\.$id)
            .range(page.offset..<(page.offset + page.perPage)).all()
        return .init(
            items: try rows.map { try savedDTO($0, $0.listing, viewer: buyer, sellerSuspended: $0.listing.seller.isSuspended) },
            page: page.page, perPage: page.perPage, total: total)
    }

    // MARK: analytics

    func analytics(_ id: UUID, by user: User, days: Int) async throws -> Components.Schemas.ListingAnalytics {
        guard (1...365).contains(days) else { throw Problem.validation(["days": ["must be from 1 to 365"]]) }
        guard let listing = try await Listing.find(id, on: db) else { throw Problem.notFound("Listing \(id)") }
        guard isOwnerOrAdmin(listing, user) else {
            throw listing.status == .published ? Problem.forbidden("Only the listing's seller and admins see its analytics.") : Problem.notFound("Listing \(id)")
        }
        let end = now
        let start = end.addingTimeInterval(-Double(days - 1) * 86_400)
        let firstDay = Self.day(start)
        let rows = try await sql.raw("""
            SELECT view_date AS day, COUNT(*) AS views FROM listing_views
            WHERE listing_id = \(bind: id) AND view_date >= \(bind: firstDay)
            GROUP BY view_date
            """).all()
        var perDay: [String: Int] = [:]
        for row in rows {
            perDay[try row.decode(column: "day", as: String.self)] = try row.decode(column: "views", as: Int.self)
        }
        let unique = try await sql.raw("""
            SELECT COUNT(DISTINCT viewer_key) AS n FROM listing_views
            WHERE listing_id = \(bind: id) AND view_date >= \(bind: firstDay)
            """).first()?.decode(column: "n", as: Int.self) ?? 0
        let series = (0..<days).map { offset -> Components.Schemas.DailyCount in
            let day = Self.day(start.addingTimeInterval(Double(offset) * 86_400))
            return .init(date: day, count: perDay[day] ?? 0)
        }
        let requests = try await ConnectionCounts.forListing(id, on: sql)
        return .init(
            listingId: id, periodStart: start, periodEnd: end, totalViews: series.reduce(0) { $0 + $1.count },
            uniqueViewers: unique, saves: listing.saveCount, connectionRequests: requests.total,
            acceptedConnections: requests.accepted, viewsByDay: series)
    }
}

/// Connection requests about a listing, for its analytics.
enum ConnectionCounts {
    static func forListing(_ id: UUID, on sql: any SQLDatabase) async throws -> (total: Int, accepted: Int) {
        let row = try await sql.raw("""
            SELECT COUNT(*) AS total, COALESCE(SUM(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END), 0) AS accepted
            FROM connections WHERE listing_id = \(bind: id)
            """).first()
        return (try row?.decode(column: "total", as: Int.self) ?? 0, try row?.decode(column: "accepted", as: Int.self) ?? 0)
    }
}
