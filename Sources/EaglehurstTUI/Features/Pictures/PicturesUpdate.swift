import EaglehurstAPI
import Foundation

/// Listing photos: fetched when a screen shows them, decoded off the UI loop, kept in the shell's
/// `PictureStore`; and the gallery that shows them one at a time.
package enum Pictures {
    static func update(_ shell: inout Shell, _ message: PicturesMessage) -> [Effect] {
        switch message {
        case .loaded(let key, .success(let picture)):
            shell.pictures.set(.ready(picture), for: key)
        case .loaded(let key, .failure(let failure)):
            shell.pictures.set(.failed(failure.summary), for: key)
        case .documentsLoaded(let title, .success(let documents)):
            guard !documents.isEmpty else {
                shell.message = .info("\(title) has uploaded no identity documents.")
                return []
            }
            shell.overlay = .gallery(GalleryOverlay(title: title, items: documents.map(GalleryOverlay.Item.init)))
        case .documentsLoaded(_, .failure(let failure)):
            shell.message = .error("Documents: \(failure.summary)")
        case .fileSaved(.success(let text)):
            shell.message = .ok(text.prefix(1).uppercased() + text.dropFirst() + ".")
        case .fileSaved(.failure(let failure)):
            shell.message = .error("Saving: \(failure.summary)")
        }
        return []
    }

    /// `o` on the admin's users: the selected user's identity documents in the gallery.
    static func openDocuments(of user: Account?, _ shell: inout Shell) -> [Effect] {
        guard let user else { return [] }
        let name = [user.firstName, user.lastName].compactMap { $0 }.joined(separator: " ")
        shell.message = .info("Opening the identity documents of \(name.isEmpty ? user.email : name)…")
        return [.pictures(.loadDocuments(userID: user.id, title: "Identity documents of \(name.isEmpty ? user.email : name)"))]
    }

    /// The listing opened on the current screen, if one is.
    static func shownListing(_ state: AppState) -> ListingDetailState? {
        switch state.screen {
        case .listings: state.browser.detail
        case .saved: state.saved.detail
        case .myListings: if case .detail(let detail) = state.seller.panel { detail } else { nil }
        case .admin: state.admin.tab == .users ? nil : state.admin.detail
        case .status, .signin, .register, .verify, .forgotPassword, .resetPassword, .profile, .threads, .notifications,
             .subscriptions, .services, .dashboard: nil
        }
    }

    /// The photo shown beside a listing: the seller's selected item when it is a photo, else the first.
    static func featured(_ listing: ListingDetail, selected: Int? = nil) -> ListingMedia? {
        let photos = listing.media.filter { $0.mediaType == .image && ($0.thumbnailUrl ?? $0.url) != nil }
        if let selected, listing.media.indices.contains(selected), listing.media[selected].mediaType == .image,
           (listing.media[selected].thumbnailUrl ?? listing.media[selected].url) != nil {
            return listing.media[selected]
        }
        return photos.first
    }

    /// Asks for the photos on screen that are neither here nor on their way (run after every update,
    /// so a listing that arrives, a gallery step or a resize brings its photo without a key).
    static func fetchShown(_ state: inout AppState) -> [Effect] {
        var wanted: [(PictureKey, String)] = []
        guard state.shell.pictureProtocol != .off else { return [] }
        if case .gallery(let gallery) = state.overlay {
            for offset in [0, 1] where !gallery.items.isEmpty {
                let item = gallery.items[(gallery.index + offset) % gallery.items.count]
                if item.isImage, let url = item.previewURL ?? item.url { wanted.append((PictureKey(item.mediaID, .view), url)) }
            }
        } else if let detail = shownListing(state), let listing = detail.listing,
                  let photo = featured(listing, selected: state.screen == .myListings ? detail.selectedMedia : nil),
                  let url = photo.thumbnailUrl ?? photo.url {
            wanted.append((PictureKey(photo.id, .card), url))
        }
        var effects: [Effect] = []
        for (key, url) in wanted where state.shell.pictures[key] == nil {
            state.shell.pictures.set(.loading, for: key)
            let size = decodeSize(key.variant, state.shell.pictureProtocol)
            effects.append(.pictures(.load(key, url: url, maxWidth: size.width, maxHeight: size.height)))
        }
        return effects
    }

    /// Half blocks need few pixels (a full screen is about 120 × 80); kitty and sixel show real ones.
    static func decodeSize(_ variant: PictureKey.Variant, _ mode: PictureProtocol) -> (width: Int, height: Int) {
        switch (variant, mode) {
        case (.card, .kitty), (.card, .sixel): (640, 640)
        case (.view, .kitty), (.view, .sixel): (1600, 1200)
        case (.card, _): (320, 320)
        case (.view, _): (640, 480)
        }
    }

    /// `m`: the listing's photos over the whole screen, from the one beside the text.
    static func openGallery(_ state: inout AppState) -> [Effect] {
        guard let detail = shownListing(state), let listing = detail.listing else { return [] }
        let photos = listing.media.filter { $0.mediaType == .image }
        guard !photos.isEmpty else {
            state.message = .info("This listing has no photos.")
            return []
        }
        var gallery = GalleryOverlay(title: listing.title, items: photos.map(GalleryOverlay.Item.init))
        if let featured = featured(listing, selected: state.screen == .myListings ? detail.selectedMedia : nil),
           let index = photos.firstIndex(where: { $0.id == featured.id }) {
            gallery.index = index
        }
        state.overlay = .gallery(gallery)
        return []
    }
}
