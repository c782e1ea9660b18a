import Foundation

/// The gallery's keys beside what they do (its handler is `Pictures.performGallery`).
extension Pictures {
    static let bindings: [Binding] = [
        spec(.listingDetail, .openGallery, "the listing's photos, one at a time", hint: "photos"),
        spec(.sellerDetail, .openGallery, "the listing's photos, one at a time"),
        spec(.adminDetail, .openGallery, "the listing's photos, one at a time (pending ones too)", hint: "photos"),
        spec(.gallery, .nextMedia, "next photo", hint: "next"),
        spec(.gallery, .previousMedia, "previous photo", hint: "previous"),
        spec(.gallery, .saveFile, "save the file in the working directory (never over another file)", hint: "save"),
        spec(.gallery, .open, "open the file with the desktop's viewer (xdg-open), where there is a display", hint: "open"),
        spec(.gallery, .refresh, "try again a photo that failed"),
        spec(.adminUsers, .openDocuments, "the selected user's identity documents (pictures, or save and open)", hint: "documents"),
        spec(.gallery, .close, "close the gallery", hint: "close"),
    ]
}
