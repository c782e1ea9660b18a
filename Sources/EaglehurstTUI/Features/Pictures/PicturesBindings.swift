import Foundation

/// The gallery's keys beside what they do (its handler is `Pictures.performGallery`).
extension Pictures {
    static let bindings: [Binding] = [
        spec(.listingDetail, .openGallery, "the listing's photos, one at a time", hint: "photos"),
        spec(.sellerDetail, .openGallery, "the listing's photos, one at a time"),
        spec(.adminDetail, .openGallery, "the listing's photos, one at a time (pending ones too)", hint: "photos"),
        spec(.gallery, .nextMedia, "next photo", hint: "next"),
        spec(.gallery, .previousMedia, "previous photo", hint: "previous"),
        spec(.gallery, .refresh, "try again a photo that failed"),
        spec(.gallery, .close, "close the gallery", hint: "close"),
    ]
}
