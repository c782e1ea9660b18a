import EaglehurstAPI

/// The seller's screen: their listings, a listing opened, the listing form, media, analytics.
enum Seller: Drawing {
    static func pageRequest(_ page: Int, _ perPage: Int, _ generation: Int) -> Effect {
        .listings(.loadListingPage(.mine, page: page, perPage: perPage, generation: generation))
    }

    static func restartList(_ state: inout SellerScreenState, _ shell: Shell) -> [Effect] {
        state.list.restart(height: Layout.tableViewportHeight(shell.size), pageRequest)
    }

    /// Shown again: the rows stay and are revalidated.
    static func reload(_ state: inout SellerScreenState) -> [Effect] {
        state.list.reloadAll(pageRequest)
    }

    /// The listing a status change is about: the one opened, else the selected row.
    static func sellerListing(_ state: SellerScreenState) -> (UUID, String, Components.Schemas.ListingStatus)? {
        if case .detail(let detail) = state.panel {
            return detail.listing.map { ($0.id, $0.title, $0.status) }
        }
        return state.list.selectedItem.map { ($0.id, $0.title, $0.status) }
    }

    static func selectedMedia(_ state: SellerScreenState) -> Components.Schemas.ListingMedia? {
        guard case .detail(let detail) = state.panel, let media = detail.listing?.media, media.indices.contains(detail.selectedMedia) else { return nil }
        return media[detail.selectedMedia]
    }

    // MARK: answers

    static func written(_ write: ListingWrite, _ result: Result<ListingDetail, RequestFailure>, _ state: inout SellerScreenState, _ shell: inout Shell) -> [Effect] {
        switch result {
        case .success(let listing):
            if case .form = state.panel { state.panel = nil }
            switch write {
            case .created:
                shell.message = .ok(listing.status == .pendingApproval ? "“\(listing.title)” is submitted: an admin will review it." : "“\(listing.title)” is saved as a draft.")
            case .edited:
                shell.message = .ok(listing.status == .published && !(listing.pendingEdits ?? []).isEmpty
                    ? "Changes saved; buyers see them once an admin approves." : "Changes saved.")
            case .markedSold:
                shell.message = .ok("“\(listing.title)” is marked sold.")
            case .archived:
                shell.message = .ok("“\(listing.title)” is archived; buyers no longer see it.")
            case .submitted, .approved, .rejected:
                shell.message = .ok("“\(listing.title)” is submitted for approval.")
            }
            if case .detail(var detail) = state.panel, detail.id == listing.id {
                detail.listing = listing
                state.panel = .detail(detail)
            }
            guard shell.screen == .myListings else {
                state.list.reset()
                return []
            }
            return restartList(&state, shell)
        case .failure(let failure):
            guard case .form(var editor) = state.panel, write == .created || write == .edited else {
                let doing = write == .markedSold ? "mark it sold" : write == .archived ? "archive it" : "submit"
                shell.message = .error("Could not \(doing): \(failure.summary)")
                return []
            }
            editor.form.isSubmitting = false
            state.panel = .form(editor)
            state.panel?.showFailure(failure, doing: "Saving", shell: &shell)
        }
        return []
    }

    static func mediaUploaded(listingID: UUID, _ result: Result<Components.Schemas.ListingMedia, RequestFailure>, _ state: inout SellerScreenState, _ shell: inout Shell) {
        guard case .media(let id, let title, var form) = state.panel, id == listingID else { return }
        form.isSubmitting = false
        switch result {
        case .success(let media):
            state.panel = nil
            shell.message = .ok("\(media.fileName) attached to “\(title)”\(media.isConfidential ? " (confidential)" : "").")
        case .failure(.file(let reason)):
            form["file"].serverProblems = ["cannot be read: \(reason)"]
            form.focus = 0
            state.panel = .media(listingID: id, title: title, form: form)
            shell.message = .error("Please fix the marked fields.")
        case .failure(let failure):
            state.panel = .media(listingID: id, title: title, form: form)
            state.panel?.showFailure(failure, doing: "Upload", shell: &shell)
        }
    }

    static func mediaDeleted(listingID: UUID, mediaID: UUID, _ failure: RequestFailure?, _ state: inout SellerScreenState, _ shell: inout Shell) -> [Effect] {
        guard case .detail(let detail) = state.panel, detail.id == listingID else { return [] }
        if let failure {
            shell.message = .error("Could not delete the media: \(failure.summary)")
            return []
        }
        let name = detail.listing?.media.first { $0.id == mediaID }?.fileName ?? "The media item"
        shell.message = .ok("\(name) deleted from “\(detail.title)”.")
        return [.listings(.loadListing(id: listingID))]
    }

    static func analyticsLoaded(id: UUID, days: Int, _ result: Result<Components.Schemas.ListingAnalytics, RequestFailure>, _ state: inout SellerScreenState, _ shell: inout Shell) {
        // An answer for a period no longer asked for is dropped: the one asked for is on its way.
        guard case .analytics(var analytics) = state.panel, analytics.listingID == id, analytics.days == days else { return }
        analytics.isLoading = false
        switch result {
        case .success(let answer):
            analytics.analytics = answer
            analytics.failure = nil
        case .failure(let failure):
            analytics.failure = failure
            shell.message = .error("Could not load analytics: \(failure.summary)")
        }
        state.panel = .analytics(analytics)
    }
}

extension FormField.Rule {
    var isLongText: Bool {
        if case .longText = self { return true }
        return false
    }
}

extension Components.Schemas.ListingStatus {
    /// The badge text.
    package var label: String {
        switch self {
        case .draft: "draft"
        case .pendingApproval: "pending"
        case .published: "published"
        case .rejected: "rejected"
        case .sold: "sold"
        case .archived: "archived"
        }
    }
}

extension Seller {
    static func update(_ state: inout SellerScreenState, _ message: SellerMessage, _ shell: inout Shell) -> [Effect] {
        switch message {
        case .listingDeleted(let id, let failure):
            if let failure {
                shell.message = .error("Could not delete: \(failure.summary)")
                return []
            }
            shell.message = .ok("Listing deleted.")
            if case .detail(let detail) = state.panel, detail.id == id { state.panel = nil }
            return shell.screen == .myListings ? restartList(&state, shell) : []
        case .mediaUploaded(let id, let result):
            mediaUploaded(listingID: id, result, &state, &shell)
            return []
        case .mediaDeleted(let listingID, let mediaID, let failure):
            return mediaDeleted(listingID: listingID, mediaID: mediaID, failure, &state, &shell)
        case .analyticsLoaded(let id, let days, let result):
            analyticsLoaded(id: id, days: days, result, &state, &shell)
            return []
        }
    }
}

extension Seller {
    /// A listing's answer: for the listing opened here, or for the form waiting to edit it.
    static func listingLoaded(id: UUID, _ result: Result<DetailAnswer, RequestFailure>, _ state: inout SellerScreenState, _ shell: inout Shell) {
        switch state.panel {
        case .detail(var detail) where detail.id == id:
            OpenListing.take(result, into: &detail, shell: &shell)
            state.panel = .detail(detail)
        case .form(var editor) where editor.listingID == id && editor.original == nil:
            switch result {
            case .success(let answer):
                let focus = editor.form.focus
                editor.form = .listing(answer.listing)
                editor.form.focus = focus
                editor.original = answer.listing
                state.panel = .form(editor)
            case .failure(let failure):
                state.panel = nil
                shell.message = .error("Could not open the listing to edit: \(failure.summary)")
            }
        case .detail, .form, .media, .analytics, nil:
            break
        }
    }

    /// A page of the seller's own listings.
    static func pageLoaded(page: Int, generation: Int, _ result: Result<PageAnswer<ListingSummary>, RequestFailure>, _ state: inout SellerScreenState, _ shell: inout Shell) -> [Effect] {
        if case .success(let answer) = result { state.receivedAt = answer.receivedAt }
        return state.list.take(page: page, generation: generation, result, shell: &shell, pageRequest)
    }

    /// A listing opened from a notification.
    static func open(listing id: UUID, title: String, _ state: inout SellerScreenState) -> [Effect] {
        state.panel = .detail(ListingDetailState(id: id, title: title))
        return [.listings(.loadListing(id: id))]
    }

    /// `$EDITOR` or the built-in editor closed on a field of the listing form.
    static func setLongText(_ text: String, field: String, _ state: inout SellerScreenState) {
        guard case .form(var editor) = state.panel else { return }
        editor.form[field].input.setText(text)
        editor.form[field].serverProblems = []
        state.panel = .form(editor)
    }
}
