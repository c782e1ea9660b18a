import Foundation

package enum PicturesMessage: Equatable, Sendable {
    /// A photo arrived and was decoded, or why not.
    case loaded(PictureKey, Result<Picture, RequestFailure>)

    var failure: RequestFailure? { nil }
}

package enum PicturesEffect: Equatable, Sendable {
    /// Fetches the file at a signed URL from an answer and decodes it fitted within the size.
    case load(PictureKey, url: String, maxWidth: Int, maxHeight: Int)
}
