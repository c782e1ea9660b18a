import EaglehurstAPI
import Foundation

package enum PicturesMessage: Equatable, Sendable {
    /// A photo arrived and was decoded, or why not.
    case loaded(PictureKey, Result<Picture, RequestFailure>)
    /// A user's identity documents, for the admin's gallery.
    case documentsLoaded(title: String, Result<[Components.Schemas.KycDocument], RequestFailure>)
    /// A file was saved (or opened with the desktop's viewer): where, or why not.
    case fileSaved(Result<String, RequestFailure>)

    var failure: RequestFailure? {
        switch self {
        case .loaded: nil
        case .documentsLoaded(_, let result): result.failure
        case .fileSaved(let result): result.failure
        }
    }
}

package enum PicturesEffect: Equatable, Sendable {
    /// Fetches the file at a signed URL from an answer and decodes it fitted within the size.
    case load(PictureKey, url: String, maxWidth: Int, maxHeight: Int)
    /// An admin opens a user's identity documents.
    case loadDocuments(userID: UUID, title: String)
    /// Saves a file by its signed URL as `name` in the working directory (never over another file);
    /// with `open`, into a private temporary folder, then hands it to `xdg-open`.
    case saveFile(url: String, name: String, open: Bool)
}
