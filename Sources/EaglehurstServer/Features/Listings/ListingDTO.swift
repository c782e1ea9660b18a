import EaglehurstAPI
import Foundation

extension Listing {
    var fields: ListingRules.Fields {
        get {
            .init(
                title: title, description: description, businessType: businessType, location: location,
                region: region, askingPrice: askingPrice, annualRevenue: annualRevenue, netProfit: netProfit,
                staffCount: staffCount, tenure: tenure, yearEstablished: yearEstablished,
                reasonForSale: reasonForSale, exactAddress: exactAddress, postcode: postcode, tradingName: tradingName)
        }
        set {
            title = newValue.title
            description = newValue.description
            businessType = newValue.businessType
            location = newValue.location
            region = newValue.region
            askingPrice = newValue.askingPrice
            annualRevenue = newValue.annualRevenue
            netProfit = newValue.netProfit
            staffCount = newValue.staffCount
            tenure = newValue.tenure
            yearEstablished = newValue.yearEstablished
            reasonForSale = newValue.reasonForSale
            exactAddress = newValue.exactAddress
            postcode = newValue.postcode
            tradingName = newValue.tradingName
        }
    }

    var apiStatus: Components.Schemas.ListingStatus { .init(rawValue: status.rawValue)! }
    var apiBusinessType: Components.Schemas.BusinessType { .init(rawValue: businessType) ?? .other }

    /// The first 160 characters of the description, cut at a word.
    var summaryText: String { Self.summaryText(of: description) }

    static func summaryText(of description: String) -> String {
        guard description.utf8.count > 160 else { return description }  // never more characters than bytes
        var text = description
        if text.withUTF8({ utf8 in !utf8.contains { $0 >= 0x80 || $0 == 0x0D } }) {
            // ASCII without carriage returns: one character per byte, so cut by bytes (no grapheme walk).
            let cut = description[..<description.utf8.index(description.utf8.startIndex, offsetBy: 160)]
            return (cut.lastIndex(of: " ").map { String(cut[..<$0]) } ?? String(cut)) + "…"
        }
        guard description.count > 160 else { return description }
        let cut = description.prefix(160)
        return (cut.lastIndex(of: " ").map { String(cut[..<$0]) } ?? String(cut)) + "…"
    }

    func toSummary(isSaved: Bool? = nil, forOwner: Bool = false, hasPendingEdits: Bool? = nil) throws -> Components.Schemas.ListingSummary {
        .init(
            id: try requireID(), sellerId: $seller.id, title: title, summary: summaryText,
            businessType: apiBusinessType, location: location, region: region, askingPrice: askingPrice,
            annualRevenue: annualRevenue, netProfit: netProfit, staffCount: staffCount,
            tenure: tenure.flatMap(Components.Schemas.Tenure.init(rawValue:)), status: apiStatus,
            rejectionReason: forOwner ? rejectionReason : nil, hasPendingEdits: forOwner ? hasPendingEdits : nil,
            viewCount: forOwner ? viewCount : nil, isSaved: isSaved, publishedAt: publishedAt,
            createdAt: createdAt ?? Date(timeIntervalSince1970: 0), updatedAt: updatedAt ?? createdAt ?? Date(timeIntervalSince1970: 0))
    }

    /// Whether `viewer` may see this listing in a list, as its detail decides: while it is published and
    /// its seller is not suspended, everyone; in any state, its owner and admins.
    func isVisible(to viewer: User?, sellerSuspended: Bool) -> Bool {
        if let viewer, viewer.userType == .admin || $seller.id == viewer.id { return true }
        return status == .published && !sellerSuspended
    }

    /// The row of a listing its viewer may no longer see (turned back into a draft, rejected, its seller
    /// suspended): it says so, and carries none of the listing's current title, description or figures.
    func toUnavailableSummary() throws -> Components.Schemas.ListingSummary {
        .init(
            id: try requireID(), sellerId: $seller.id, title: "No longer available",
            summary: "This listing is not on the market at the moment.", businessType: .other,
            location: "", region: "", askingPrice: 0, status: apiStatus, available: false,
            createdAt: createdAt ?? Date(timeIntervalSince1970: 0), updatedAt: createdAt ?? Date(timeIntervalSince1970: 0))
    }

    /// `toSummary()` when `viewer` may see the listing, else the unavailable row.
    func toSummary(for viewer: User?, sellerSuspended: Bool, isSaved: Bool? = nil) throws -> Components.Schemas.ListingSummary {
        isVisible(to: viewer, sellerSuspended: sellerSuspended) ? try toSummary(isSaved: isSaved) : try toUnavailableSummary()
    }

    struct Viewer {
        var confidentialAccess: Bool
        var isOwnerOrAdmin: Bool
        var isSaved: Bool?
        var connectionStatus: Components.Schemas.ConnectionStatus?
    }

    /// Media waiting for an admin is listed for the owner and admins only (and in the pending
    /// edits); confidential media for those with confidential access. Each item carries signed
    /// URLs for this viewer.
    func toDTO(viewer: Viewer, media: [ListingMedia], pendingEdits: [ListingEdit], links: FileLinks) throws -> Components.Schemas.Listing {
        let visibleMedia = media
            .filter { (viewer.confidentialAccess || !$0.isConfidential) && (viewer.isOwnerOrAdmin || !$0.isPendingReview) }
            .sorted { ($0.displayOrder, $0.createdAt ?? .distantPast) < ($1.displayOrder, $1.createdAt ?? .distantPast) }
        let mediaDTO = { (item: ListingMedia) in try item.toDTO(links: links, viewer: viewer) }
        let mediaEdits = viewer.isOwnerOrAdmin ? try media.filter(\.isPendingReview).map { try $0.toPendingEdit(mediaDTO($0)) } : []
        let edits = try pendingEdits.map { try $0.toDTO() } + mediaEdits
        return .init(
            id: try requireID(), sellerId: $seller.id, title: title, description: description,
            businessType: apiBusinessType, location: location, region: region, askingPrice: askingPrice,
            annualRevenue: annualRevenue, netProfit: netProfit, staffCount: staffCount,
            tenure: tenure.flatMap(Components.Schemas.Tenure.init(rawValue:)), yearEstablished: yearEstablished,
            reasonForSale: reasonForSale, status: apiStatus, media: try visibleMedia.map(mediaDTO),
            confidentialAccess: viewer.confidentialAccess,
            exactAddress: viewer.confidentialAccess ? exactAddress : nil,
            postcode: viewer.confidentialAccess ? postcode : nil,
            tradingName: viewer.confidentialAccess ? tradingName : nil,
            rejectionReason: viewer.isOwnerOrAdmin ? rejectionReason : nil,
            pendingEdits: viewer.isOwnerOrAdmin ? edits.sorted { ($0.createdAt, $0.id.uuidString) < ($1.createdAt, $1.id.uuidString) } : nil,
            viewCount: viewer.isOwnerOrAdmin ? viewCount : nil,
            saveCount: viewer.isOwnerOrAdmin ? saveCount : nil,
            isSaved: viewer.isSaved, connectionStatus: viewer.connectionStatus, publishedAt: publishedAt,
            createdAt: createdAt ?? Date(timeIntervalSince1970: 0), updatedAt: updatedAt ?? createdAt ?? Date(timeIntervalSince1970: 0))
    }
}

extension ListingMedia {
    var isPendingReview: Bool { reviewStatus == ListingMedia.ReviewStatus.pending.rawValue }

    /// Whom this item's URLs are for: `public` when anyone who sees the listing may see it (so
    /// they stop working when the listing leaves the market), `granted` for the owner, admins and
    /// confidential items an accepted buyer sees.
    func audience(for viewer: Listing.Viewer) -> FileURLSigner.Audience {
        viewer.isOwnerOrAdmin || isConfidential || isPendingReview ? .granted : .public
    }

    /// With signed URLs for the viewer; the review status for the owner and admins only.
    func toDTO(links: FileLinks, viewer: Listing.Viewer) throws -> Components.Schemas.ListingMedia {
        let id = try requireID()
        let audience = audience(for: viewer)
        let original = links.sign(.listingMedia, id, for: audience)
        return .init(
            id: id, listingId: $listing.id,
            mediaType: Components.Schemas.MediaType(rawValue: mediaType) ?? .image,
            fileName: fileName, contentType: contentType, sizeBytes: sizeBytes,
            url: original.path,
            thumbnailUrl: cardKey == nil ? nil : links.sign(.listingMedia, id, variant: .card, for: audience).path,
            previewUrl: viewKey == nil ? nil : links.sign(.listingMedia, id, variant: .view, for: audience).path,
            urlExpiresAt: original.expiresAt, width: width, height: height,
            reviewStatus: viewer.isOwnerOrAdmin ? Components.Schemas.MediaReviewStatus(rawValue: reviewStatus) : nil,
            caption: caption, displayOrder: displayOrder, isConfidential: isConfidential,
            createdAt: createdAt ?? Date(timeIntervalSince1970: 0))
    }

    /// Media waiting for an admin, shown in the listing's pending edits as field `media`.
    func toPendingEdit(_ dto: Components.Schemas.ListingMedia) throws -> Components.Schemas.ListingEdit {
        .init(id: try requireID(), listingId: $listing.id, fieldName: "media", newValue: caption, media: dto,
              createdAt: createdAt ?? Date(timeIntervalSince1970: 0))
    }
}

extension ListingEdit {
    func toDTO() throws -> Components.Schemas.ListingEdit {
        .init(
            id: try requireID(), listingId: $listing.id, fieldName: fieldName, oldValue: oldValue,
            newValue: newValue, createdAt: createdAt ?? Date(timeIntervalSince1970: 0))
    }
}
