import Fluent
import Foundation
import Vapor

/// Which stored file a signed URL names, and whether it may still be served.
///
/// The signature already says the URL was handed to someone allowed to see the item; what is
/// re-checked here is what can change after that and is cheap to read: the row still exists, and
/// an item handed out publicly is still public (its listing published, its seller not suspended,
/// the item approved and not confidential). Anything else is the same 404 as a file that never was.
struct FilesService {
    let app: Application
    let db: any Database

    struct ServedFile {
        let key: FileKey
        let contentType: String
        let fileName: String
        /// Documents are downloaded (`attachment`); pictures are shown (`inline`).
        let isDocument: Bool
    }

    func file(
        _ kind: FileURLSigner.Kind, _ id: UUID, variant: FileURLSigner.Variant, audience: FileURLSigner.Audience
    ) async throws -> ServedFile {
        let notFound = Problem.notFound("File \(kind.rawValue)/\(id.uuidString.lowercased())")
        switch kind {
        case .listingMedia:
            guard let media = try await ListingMedia.find(id, on: db) else { throw notFound }
            if audience == .public {
                guard !media.isConfidential, !media.isPendingReview, let listing = try await Listing.find(media.$listing.id, on: db),
                      listing.status == .published, let seller = try await User.find(listing.$seller.id, on: db), !seller.isSuspended
                else { throw notFound }
            }
            let stored: String?
            switch variant {
            case .original: stored = media.storageKey
            case .card: stored = media.cardKey
            case .view: stored = media.viewKey
            }
            guard let key = stored.flatMap(FileKey.init(rawValue:)) else {
                throw variant == .original ? notFound : Problem.notFound("The \(variant.rawValue) picture of media \(id) (it is made shortly after an upload)")
            }
            return ServedFile(
                key: key, contentType: variant == .original ? media.contentType : "image/jpeg",
                fileName: variant == .original ? media.fileName : Self.renamed(media.fileName, suffix: variant.rawValue),
                isDocument: variant == .original && !media.contentType.hasPrefix("image/"))
        case .kyc:
            guard audience == .granted, variant == .original, let document = try await UserDocument.find(id, on: db),
                  let key = FileKey(rawValue: document.storageKey) else { throw notFound }
            return ServedFile(key: key, contentType: document.contentType, fileName: document.fileName, isDocument: true)
        case .serviceDocument:
            guard audience == .granted, variant == .original, let document = try await ServiceDocument.find(id, on: db),
                  let key = FileKey(rawValue: document.storageKey) else { throw notFound }
            return ServedFile(key: key, contentType: document.contentType, fileName: document.fileName, isDocument: true)
        }
    }

    /// `front.png` → `front-card.jpg`.
    static func renamed(_ fileName: String, suffix: String) -> String {
        let stem = fileName.split(separator: ".", omittingEmptySubsequences: false).dropLast().joined(separator: ".")
        return "\(stem.isEmpty ? fileName : stem)-\(suffix).jpg"
    }
}
