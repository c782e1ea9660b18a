import Fluent
import Foundation
import SQLKit
import Vapor

/// The thumbnails of a listing's photos: a 320 px card and a 1280 px view (JPEG, EXIF orientation
/// applied, metadata stripped), made by libvips in a job after the upload, off the request path.
///
/// An upload is checked and cleaned at once (`CleanedImage`: its pixel count from the header, then
/// every pixel decoded and written again without metadata, so a truncated file is refused with a
/// 422 instead of failing in the job); the job (`JobKind.thumbnails`, in a lane of its own so it
/// never delays mail) then reads the original from the `FileStore`, makes the view and from it the
/// card on a thread of its own (`ImageJobThread`) within `timeLimit`, stores both and records their
/// keys with one conditional UPDATE. It can run twice, and the media can go at any
/// moment: a second run finds the keys set and stops; a run whose row is gone (or was filled by
/// another run meanwhile) deletes the files it made and completes quietly.
struct ListingThumbnails {
    let app: Application

    struct Size: Equatable, Sendable {
        var maxWidth: Int
        var maxHeight: Int
    }

    /// Fits in 320 × 320: a landscape photo is 320 wide, a portrait one 320 high.
    static let card = Size(maxWidth: 320, maxHeight: 320)
    static let view = Size(maxWidth: 1280, maxHeight: 1280)
    static let quality = 82

    /// How long decoding and shrinking an original may take. Uploads are held to the pixel limit,
    /// so this stops only what slipped past it (an original stored before the limit existed) or a
    /// machine that is badly overloaded; the job then fails and is retried with backoff.
    static let timeLimit: Duration = .seconds(20)

    /// The job: makes and records the thumbnails of one media item. `commit` runs inside the
    /// transaction that records them (the job queue removes the job there), also when there is
    /// nothing to do.
    func make(mediaID: UUID, commit: @escaping @Sendable (any Database) async throws -> Void) async throws {
        guard let media = try await ListingMedia.find(mediaID, on: app.db), media.mediaType == "image", media.cardKey == nil else {
            // Deleted before the job ran, a document, or made by an earlier run.
            try await app.db.transaction { try await commit($0) }
            return
        }
        let originalKey = FileKey(rawValue: media.storageKey)
        guard let originalKey, let original = try await app.fileStore.get(originalKey) else {
            app.logger.warning("the original of a listing photo is gone; no thumbnails", metadata: ["media": "\(mediaID)"])
            try await app.db.transaction { try await commit($0) }
            return
        }
        let maxPixels = app.settings.maxImagePixels
        let started = ContinuousClock.now
        let made = try await app.imageJobThread.runIfActive { () throws -> (card: Images.Thumbnail, view: Images.Thumbnail, size: (width: Int, height: Int))? in
            let size = try Images.size(of: original)
            guard size.width * size.height <= maxPixels else { return nil }
            // The card from the view: the original is decoded once.
            let view = try Images.thumbnail(of: original, maxWidth: Self.view.maxWidth, maxHeight: Self.view.maxHeight,
                                            quality: Self.quality, timeLimit: Self.timeLimit)
            let card = try Images.thumbnail(of: view.jpeg, maxWidth: Self.card.maxWidth, maxHeight: Self.card.maxHeight, quality: Self.quality)
            return (card, view, size)
        }
        guard let made else {
            // Stored before uploads were held to the pixel limit: decoding it is not worth a core's seconds.
            app.logger.warning("a listing photo has more pixels than MAX_IMAGE_PIXELS; no thumbnails", metadata: ["media": "\(mediaID)"])
            try await app.db.transaction { try await commit($0) }
            return
        }
        let (card, view, size) = made
        let libvipsDone = ContinuousClock.now
        let cardKey = FileKey.make(in: "listing-media-card")
        let viewKey = FileKey.make(in: "listing-media-view")
        let recorded: Bool
        do {
            try await app.fileStore.put(card.jpeg, at: cardKey)
            try await app.fileStore.put(view.jpeg, at: viewKey)
            recorded = try await app.db.transaction { db in
                let rows = try await db.sql.raw("""
                    UPDATE listing_media SET card_key = \(bind: cardKey.rawValue), view_key = \(bind: viewKey.rawValue),
                        width = \(bind: size.width), height = \(bind: size.height)
                    WHERE id = \(bind: mediaID) AND card_key IS NULL RETURNING id
                    """).all()
                try await commit(db)
                return !rows.isEmpty
            }
        } catch {
            await delete([cardKey, viewKey])
            throw error
        }
        if !recorded { await delete([cardKey, viewKey]) }
        app.logger.info("thumbnails made", metadata: [
            "media": "\(mediaID)", "card_bytes": "\(card.jpeg.count)", "view_bytes": "\(view.jpeg.count)",
            "libvips_ms": "\((libvipsDone - started).curlMilliseconds)", "total_ms": "\((ContinuousClock.now - started).curlMilliseconds)",
        ])
    }

    enum Rows {
        case media(UUID)
        case ofListing(UUID)
    }

    /// Deletes media rows and answers the keys of all their files as the rows held them at that
    /// moment (`RETURNING`): keys a thumbnail job recorded just before are not missed, and a job
    /// recording them just after finds no row and removes its own files.
    static func deleteRows(_ rows: Rows, on db: any Database) async throws -> [FileKey] {
        let filter: SQLQueryString = switch rows {
        case .media(let id): "id = \(bind: id)"
        case .ofListing(let id): "listing_id = \(bind: id)"
        }
        let deleted = try await db.sql.raw(
            "DELETE FROM listing_media WHERE \(filter) RETURNING storage_key, card_key, view_key").all()
        return try deleted.flatMap { row in
            try ["storage_key", "card_key", "view_key"].compactMap { try row.decode(column: $0, as: String?.self).flatMap(FileKey.init(rawValue:)) }
        }
    }

    /// Deleting a file that is already gone is fine; any other failure leaves an orphan, logged.
    func delete(_ keys: [FileKey]) async {
        for key in keys {
            do {
                try await app.fileStore.delete(key)
            } catch {
                app.logger.warning("could not delete a stored file", metadata: ["key": "\(key)", "error": "\(LoggedError(error))"])
            }
        }
    }
}

/// What the thumbnail job carries: only the media's id; everything else is read when it runs.
struct ThumbnailJob: Codable, Sendable {
    var mediaID: UUID
}
