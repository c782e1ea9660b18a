import EaglehurstAPI
import Foundation

package typealias ListingMedia = Components.Schemas.ListingMedia

/// A listing's photo in one of the sizes the server makes.
package struct PictureKey: Hashable, Sendable {
    package enum Variant: String, Sendable {
        /// The 320 px card: the photo beside a listing's detail.
        case card
        /// The 1280 px view: the gallery.
        case view
    }

    package var mediaID: UUID
    package var variant: Variant

    package init(_ mediaID: UUID, _ variant: Variant) {
        self.mediaID = mediaID
        self.variant = variant
    }
}

package enum PictureSlot: Equatable, Sendable {
    case loading
    case ready(Picture)
    case failed(String)
}

/// The photos this client has fetched and decoded, by media id and size; the oldest go first beyond
/// `capacity`. Signed URLs change with every listing answer, so the key is the media id, not the URL.
package struct PictureStore: Equatable, Sendable {
    package private(set) var slots: [PictureKey: PictureSlot] = [:]
    private var order: [PictureKey] = []
    package var capacity = 48

    package init() {}

    package subscript(key: PictureKey) -> PictureSlot? { slots[key] }

    package mutating func set(_ slot: PictureSlot, for key: PictureKey) {
        if slots[key] == nil { order.append(key) }
        slots[key] = slot
        while order.count > capacity {
            let oldest = order.removeFirst()
            slots[oldest] = nil
        }
    }

    /// Forgets failures, so the next look asks again (the `r` of a listing).
    package mutating func forgetFailures() {
        for (key, slot) in slots { if case .failed = slot { slots[key] = nil; order.removeAll { $0 == key } } }
    }
}

/// How pictures reach the screen: real pixels through the kitty graphics protocol or sixel where the
/// terminal has them, Unicode half blocks in colour everywhere (and always underneath).
package enum PictureProtocol: String, Equatable, Sendable, CaseIterable {
    case auto, kitty, sixel, halfblock = "half-block", off

    /// What `auto` means in this environment: kitty's own terminals (and those that speak its
    /// protocol) by their variables, sixel terminals by name; tmux and screen pass neither through
    /// unaltered, so inside them it is half blocks.
    package static func detect(_ environment: [String: String]) -> PictureProtocol {
        if environment["TMUX"] != nil || environment["TERM"]?.hasPrefix("screen") == true || environment["TERM"]?.hasPrefix("tmux") == true {
            return .halfblock
        }
        let term = environment["TERM"] ?? ""
        let program = environment["TERM_PROGRAM"] ?? ""
        if environment["KITTY_WINDOW_ID"] != nil || term == "xterm-kitty" || term == "xterm-ghostty" || ["WezTerm", "ghostty"].contains(program) {
            return .kitty
        }
        if term.hasPrefix("foot") || term.hasPrefix("mlterm") || term == "yaft-256color" || program == "iTerm.app" || environment["EAGLEHURST_SIXEL"] == "1" {
            return .sixel
        }
        return .halfblock
    }

    package func resolved(_ environment: [String: String]) -> PictureProtocol {
        self == .auto ? Self.detect(environment) : self
    }
}

/// A listing's photos (or a user's identity documents, for an admin), one at a time over the whole
/// screen: images as pictures, other files described, to save or open with the desktop's viewer.
package struct GalleryOverlay: Equatable, Sendable {
    package struct Item: Equatable, Sendable {
        package var mediaID: UUID
        package var fileName: String
        package var caption: String?
        package var url: String?
        package var previewURL: String?
        package var width: Int?
        package var height: Int?
        package var contentType: String = "image/jpeg"
        package var sizeBytes: Int64 = 0

        package var isImage: Bool { contentType.hasPrefix("image/") }
    }

    package var title: String
    package var items: [Item]
    package var index = 0

    package var current: Item? { items.indices.contains(index) ? items[index] : nil }
}

extension GalleryOverlay.Item {
    init(_ media: ListingMedia) {
        self.init(mediaID: media.id, fileName: media.fileName, caption: media.caption, url: media.url,
                  previewURL: media.previewUrl, width: media.width, height: media.height,
                  contentType: media.contentType, sizeBytes: media.sizeBytes)
    }

    init(_ document: Components.Schemas.KycDocument) {
        let status = document.status.rawValue + (document.reviewNotes.map { ": \($0)" } ?? "")
        self.init(mediaID: document.id, fileName: document.fileName,
                  caption: "\(document.documentType.rawValue.replacingOccurrences(of: "_", with: " ")) · \(status)",
                  url: document.url, contentType: document.contentType, sizeBytes: document.sizeBytes)
    }
}
