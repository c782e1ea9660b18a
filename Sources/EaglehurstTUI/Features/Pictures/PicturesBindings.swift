import Foundation

/// The gallery's keys beside what they do, and the handler they trigger.
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

    static func performGallery(_ action: Action, state: inout AppState) -> [Effect] {
        guard case .gallery(var gallery) = state.overlay else { return [] }
        switch action {
        case .nextMedia, .down:
            gallery.index = (gallery.index + 1) % max(1, gallery.items.count)
        case .previousMedia, .up:
            gallery.index = (gallery.index + max(1, gallery.items.count) - 1) % max(1, gallery.items.count)
        case .refresh:
            state.shell.pictures.forgetFailures()
        case .saveFile, .open:
            guard let item = gallery.current, let url = item.url else { return [] }
            let open = action == .open
            if open, !state.shell.hasDisplay {
                state.message = .info("No display to open it on; s saves it to a file.")
                return []
            }
            state.message = .info(open ? "Opening \(item.fileName)…" : "Saving \(item.fileName)…")
            return [.pictures(.saveFile(url: url, name: item.fileName, open: open))]
        case .close:
            state.overlay = nil
            return []
        default:
            return []
        }
        state.overlay = .gallery(gallery)
        return []
    }
}
