import EaglehurstAPI
import Fluent
import Foundation
import SQLKit
import Vapor

/// Photos and documents attached to a listing, stored in the `FileStore`.
extension ListingsService {
    /// Images: a 12-megapixel photo at high JPEG quality reaches about 12 MB.
    static let mediaLimit = 25 << 20
    /// Documents (PDF).
    static let documentLimit = 10 << 20
    static let maxMediaPerListing = 30
    static let mediaTypes: [DetectedFileType] = [.png, .jpeg, .webp, .gif, .pdf]

    static var tooManyMedia: Problem {
        Problem(.conflict, slug: "too-many-media", title: "This listing has all the media it can hold",
                detail: "A listing holds at most \(maxMediaPerListing) files; delete one first.")
    }

    struct MediaUpload {
        var file: UploadedFile
        var caption: String?
        var displayOrder: Int?
        var isConfidential: Bool
    }

    func addMedia(to id: UUID, _ upload: MediaUpload, by seller: User) async throws -> ListingMedia {
        let listing = try await ownedListing(id, by: seller)
        guard ![.sold, .archived].contains(listing.status) else {
            throw Problem(.conflict, slug: "listing-closed", title: "This listing is closed",
                          detail: "Media cannot be added to a \(listing.status.rawValue) listing.")
        }
        let type = try upload.file.requireType(among: Self.mediaTypes, what: "Listing media")
        if let caption = upload.caption, caption.unicodeScalars.count > 200 {
            throw Problem.validation(["caption": ["must be at most 200 characters"]])
        }
        if let order = upload.displayOrder, !(0...1000).contains(order) {
            throw Problem.validation(["display_order": ["must be from 0 to 1000"]])
        }
        let existing = try await ListingMedia.query(on: db).filter(\.$listing.$id == id).count()
        guard existing < Self.maxMediaPerListing else { throw Self.tooManyMedia }
        var image: CleanedImage?
        if type == .pdf {
            guard upload.file.size <= Self.documentLimit else {
                throw UploadedFile.tooLarge(what: "A listing document", limit: Self.documentLimit)
            }
        } else {
            image = try await CleanedImage.clean(
                upload.file, type: type, what: "a listing photo", maxPixels: app.settings.maxImagePixels, on: app.threadPool)
        }
        let stored = image?.file ?? upload.file
        let key = FileKey.make(in: "listing-media")
        try await app.fileStore.put(contentsOf: stored.url, at: key)
        let media = ListingMedia()
        media.$listing.id = id
        media.mediaType = type == .pdf ? "document" : "image"
        media.fileName = upload.file.displayName(defaultStem: "listing-media", type: type)
        media.contentType = type.mimeType
        media.sizeBytes = Int64(stored.size)
        media.storageKey = key.rawValue
        media.caption = upload.caption.flatMap { $0.isEmpty ? nil : $0 }
        media.displayOrder = upload.displayOrder ?? existing
        media.isConfidential = upload.isConfidential
        media.width = image?.width
        media.height = image?.height
        let isImage = image != nil
        // On a published listing a new item waits for an admin like a field edit (a caption or a
        // photo can carry a phone number); on a draft or a listing in review it is approved with the listing.
        let waits = listing.status == .published
        media.reviewStatus = (waits ? ListingMedia.ReviewStatus.pending : .approved).rawValue
        do {
            try await db.transaction { db in
                // The limit holds for uploads that arrive together: on PostgreSQL the listing's row
                // is locked first, so they are counted one after another; on SQLite the insert takes
                // the write lock, so each count sees the rows committed before it.
                let sql = db.sql
                if sql.dialect.name == "postgresql" {
                    try await sql.raw("SELECT id FROM listings WHERE id = \(bind: id) FOR UPDATE").run()
                }
                try await media.create(on: db)
                guard try await ListingMedia.query(on: db).filter(\.$listing.$id == id).count() <= Self.maxMediaPerListing else {
                    throw Self.tooManyMedia
                }
                if isImage {
                    try await app.jobs.enqueue(.thumbnails, ThumbnailJob(mediaID: try media.requireID()), on: db)
                }
            }
        } catch {
            try? await app.fileStore.delete(key)
            throw error
        }
        if waits {
            await app.notifications(on: db).notifyAdmins(.init(
                kind: .listingPendingReview, title: "Media waiting for review: \(listing.title)",
                message: "\(seller.firstName) \(seller.lastName) added \(media.fileName) to a published listing.",
                actionURL: "/api/v1/admin/listings?has_pending_edits=true"))
        }
        return media
    }

    func deleteMedia(_ mediaID: UUID, of id: UUID, by seller: User) async throws {
        _ = try await ownedListing(id, by: seller)
        guard let media = try await ListingMedia.query(on: db).filter(\.$id == mediaID).filter(\.$listing.$id == id).first() else {
            throw Problem.notFound("Media \(mediaID) of listing \(id)")
        }
        let keys = try await ListingThumbnails.deleteRows(.media(try media.requireID()), on: db)
        await ListingThumbnails(app: app).delete(keys)
    }
}

extension APIHandler {
    func listingsUploadMedia(_ input: Operations.ListingsUploadMedia.Input) async throws -> Operations.ListingsUploadMedia.Output {
        let seller = try await auth.user(.verified, is: .seller)
        guard case .multipartForm(let parts) = input.body else { throw Problem.unsupportedBody }
        let upload = try await MultipartForm.readUpload(parts, fileLimit: ListingsService.mediaLimit, what: "Listing media", spool: app.uploadSpool) { part in
            switch part {
            case .file(let part): .file(part.payload.body, fileName: part.filename)
            case .caption(let part): .text(field: "caption", part.payload.body, limit: 800)
            case .displayOrder(let part): .text(field: "display_order", part.payload.body)
            case .isConfidential(let part): .text(field: "is_confidential", part.payload.body)
            case .undocumented(let part): .undocumented(part.body)
            }
        }
        var displayOrder: Int?
        if let text = upload.texts["display_order"] {
            guard let value = Int(text) else { throw Problem.validation(["display_order": ["must be a whole number"]]) }
            displayOrder = value
        }
        var isConfidential = false
        if let text = upload.texts["is_confidential"]?.lowercased() {
            guard ["true", "false"].contains(text) else { throw Problem.validation(["is_confidential": ["must be true or false"]]) }
            isConfidential = text == "true"
        }
        let media = try await listingsService().addMedia(
            to: input.path.listingId,
            .init(file: upload.file, caption: upload.texts["caption"], displayOrder: displayOrder, isConfidential: isConfidential), by: seller)
        return .created(.init(body: .json(try media.toDTO(
            links: app.fileLinks, viewer: .init(confidentialAccess: true, isOwnerOrAdmin: true)))))
    }

    func listingsDeleteMedia(_ input: Operations.ListingsDeleteMedia.Input) async throws -> Operations.ListingsDeleteMedia.Output {
        let seller = try await auth.user(.verified, is: .seller)
        try await listingsService().deleteMedia(input.path.mediaId, of: input.path.listingId, by: seller)
        return .noContent(.init())
    }
}
