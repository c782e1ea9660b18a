import Fluent
import Foundation
import SQLKit
import Vapor

/// The thumbnails of a listing's photos: a 320 px card and a 1280 px view (JPEG, EXIF orientation
/// applied, metadata stripped), made by libvips in a job after the upload, off the request path.
///
/// An upload is checked at once (`checkImage`: its size from the header and a decode of every
/// pixel, so a truncated file is refused with a 422 instead of failing in the job); the job
/// (`JobKind.thumbnails`) then reads the original from the `FileStore`, stores both thumbnails and
/// records their keys with one conditional UPDATE. It can run twice, and the media can go at any
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

    /// The image's size (orientation applied) once every pixel was decoded; a 422 problem naming
    /// what libvips found wrong when the file is not a readable image. Runs on the thread pool:
    /// decoding a 12-megapixel photo takes tens of milliseconds.
    func checkImage(_ file: UploadedFile, type: DetectedFileType) async throws -> (width: Int, height: Int) {
        do {
            return try await app.threadPool.runIfActive {
                let size = try Images.size(ofFileAt: file.url)
                try Images.verify(fileAt: file.url)
                return size
            }
        } catch let error as Images.ImageError {
            throw Problem.validation(
                ["file": ["is not a readable \(type.displayName) image"]],
                detail: "The file starts like a \(type.displayName) image but could not be decoded (\(error.description)). It may be cut short or damaged; export it again and upload that.")
        }
    }

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
        let started = ContinuousClock.now
        let (card, view, size) = try await app.threadPool.runIfActive {
            (try Images.thumbnail(of: original, maxWidth: Self.card.maxWidth, maxHeight: Self.card.maxHeight, quality: Self.quality),
             try Images.thumbnail(of: original, maxWidth: Self.view.maxWidth, maxHeight: Self.view.maxHeight, quality: Self.quality),
             try Images.size(of: original))
        }
        let made = ContinuousClock.now
        let cardKey = FileKey.make(in: "listing-media-card")
        let viewKey = FileKey.make(in: "listing-media-view")
        let recorded: Bool
        do {
            try await app.fileStore.put(card.jpeg, at: cardKey)
            try await app.fileStore.put(view.jpeg, at: viewKey)
            recorded = try await app.db.transaction { db in
                let rows = try await (db as! any SQLDatabase).raw("""
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
            "libvips_ms": "\((made - started).curlMilliseconds)", "total_ms": "\((ContinuousClock.now - started).curlMilliseconds)",
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
        let deleted = try await (db as! any SQLDatabase).raw(
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
                app.logger.warning("could not delete a stored file", metadata: ["key": "\(key)", "error": "\(error)"])
            }
        }
    }
}

/// What the thumbnail job carries: only the media's id; everything else is read when it runs.
struct ThumbnailJob: Codable, Sendable {
    var mediaID: UUID
}
