import EaglehurstAPI

/// The seller's screen: their listings, the listing form, media, analytics.
extension App {
    static func sellerAction(_ action: Action, in context: Context, state: inout AppState) -> [Effect] {
        let row = state.seller.list.selectedItem
        switch (context, action) {
        case (.myListings, .open):
            guard let row else { return [] }
            state.seller.panel = .detail(ListingDetailState(id: row.id, title: row.title))
            return [.listings(.loadListing(id: row.id))]
        case (.myListings, .newListing):
            state.seller.panel = .form(ListingEditor(listingID: nil, form: .listing(nil), original: nil))
            state.message = nil
        case (.myListings, .editListing):
            guard let row else { return [] }
            // The row lacks the description and confidential fields: the form fills in when the listing comes.
            var form = Form.listing(nil)
            form.isSubmitting = true
            state.seller.panel = .form(ListingEditor(listingID: row.id, form: form, original: nil))
            return [.listings(.loadListing(id: row.id))]
        case (.myListings, .submitListing):
            guard let row else { return [] }
            guard row.status == .draft || row.status == .rejected else {
                state.message = .info("Only a draft or a rejected listing is submitted; this one is \(row.status.label).")
                return []
            }
            state.message = .info("Submitting “\(row.title)”…")
            return [.listings(.updateListing(id: row.id, .init(status: .pendingApproval), .submitted))]
        case (.myListings, .attachMedia):
            guard let row else { return [] }
            state.seller.panel = .media(listingID: row.id, title: row.title, form: .media())
        case (.myListings, .showAnalytics):
            guard let row else { return [] }
            let analytics = AnalyticsState(listingID: row.id, title: row.title)
            state.seller.panel = .analytics(analytics)
            return [.seller(.loadAnalytics(id: row.id, days: analytics.days))]
        case (.myListings, .deleteListing):
            guard let row else { return [] }
            state.message = .info("Deleting “\(row.title)”…")
            return [.seller(.deleteListing(id: row.id))]
        case (.myListings, .markSold), (.sellerDetail, .markSold), (.myListings, .archiveListing), (.sellerDetail, .archiveListing):
            guard let (id, title, _) = sellerListing(state) else { return [] }
            let sold = action == .markSold
            state.message = .info(sold ? "Marking “\(title)” sold…" : "Archiving “\(title)”…")
            return [.listings(.updateListing(id: id, .init(status: sold ? .sold : .archived), sold ? .markedSold : .archived))]
        case (.sellerDetail, .nextMedia), (.sellerDetail, .previousMedia):
            guard case .detail(var detail) = state.seller.panel, let count = detail.listing?.media.count, count > 0 else { return [] }
            detail.selectedMedia = (detail.selectedMedia + (action == .nextMedia ? 1 : count - 1)) % count
            state.seller.panel = .detail(detail)
        case (.sellerDetail, .deleteMedia):
            guard case .detail(let detail) = state.seller.panel, let media = selectedMedia(state) else { return [] }
            state.message = .info("Deleting \(media.fileName)…")
            return [.seller(.deleteMedia(listingID: detail.id, mediaID: media.id))]
        case (.sellerDetail, .refresh):
            guard case .detail(let detail) = state.seller.panel else { return [] }
            return [.listings(.loadListing(id: detail.id))]
        case (.sellerDetail, .back):
            state.seller.panel = nil
            state.message = nil
        case (.myListings, .refresh):
            return reload(&state)
        case (.myListings, .back):
            return goBack(&state)
        case (.listingForm, .editLongText):
            return openLongText(&state)
        case (.listingForm, .submit), (.mediaForm, .submit):
            return submitSellerForm(&state)
        case (.listingForm, .cancel), (.mediaForm, .cancel), (.analytics, .back):
            state.seller.panel = nil
            state.message = nil
        case (.analytics, .refresh), (.analytics, .cyclePeriod):
            guard case .analytics(var analytics) = state.seller.panel else { return [] }
            if action == .cyclePeriod { analytics.days = analytics.nextPeriod }
            analytics.isLoading = true
            state.seller.panel = .analytics(analytics)
            return [.seller(.loadAnalytics(id: analytics.listingID, days: analytics.days))]
        default:
            break
        }
        return []
    }

    /// The listing a status change is about: the one opened, else the selected row.
    static func sellerListing(_ state: AppState) -> (UUID, String, Components.Schemas.ListingStatus)? {
        if case .detail(let detail) = state.seller.panel {
            return detail.listing.map { ($0.id, $0.title, $0.status) }
        }
        return state.seller.list.selectedItem.map { ($0.id, $0.title, $0.status) }
    }

    static func selectedMedia(_ state: AppState) -> Components.Schemas.ListingMedia? {
        guard case .detail(let detail) = state.seller.panel, let media = detail.listing?.media, media.indices.contains(detail.selectedMedia) else { return nil }
        return media[detail.selectedMedia]
    }

    /// Long text goes to `$EDITOR` when there is one, to the built-in editor otherwise.
    private static func openLongText(_ state: inout AppState) -> [Effect] {
        guard case .form(var editor) = state.seller.panel, !editor.form.isSubmitting else { return [] }
        let field = editor.form.focusedField.rule.isLongText ? editor.form.focusedField : editor.form["description"]
        editor.form.focus = editor.form.fields.firstIndex { $0.name == field.name } ?? editor.form.focus
        state.seller.panel = .form(editor)
        if state.externalEditor != nil { return [.editExternally(field: field.name, text: field.input.text)] }
        var area = TextArea(field.input.text)
        area.keepCursorVisible(height: Layout.textEditorHeight(state.size))
        state.overlay = .textEditor(TextEditorOverlay(field: field.name, label: field.label, area: area))
        return []
    }

    private static func submitSellerForm(_ state: inout AppState) -> [Effect] {
        switch state.seller.panel {
        case .form(var editor):
            guard !editor.form.isSubmitting else { return [] }
            guard editor.form.validateForSubmit() else {
                state.seller.panel = .form(editor)
                state.message = .error("Please fix the marked fields.")
                return []
            }
            let effect: Effect
            if let id = editor.listingID {
                let update = editor.updateRequest
                guard update != Components.Schemas.ListingUpdate() else {
                    state.message = .info("Nothing changed.")
                    return []
                }
                effect = .listings(.updateListing(id: id, update, .edited))
            } else {
                effect = .seller(.createListing(editor.createRequest))
            }
            editor.form.isSubmitting = true
            state.seller.panel = .form(editor)
            state.message = nil
            return [effect]
        case .media(let id, let title, var form):
            guard !form.isSubmitting else { return [] }
            guard form.validateForSubmit() else {
                state.seller.panel = .media(listingID: id, title: title, form: form)
                state.message = .error("Please fix the marked fields.")
                return []
            }
            form.isSubmitting = true
            state.seller.panel = .media(listingID: id, title: title, form: form)
            state.message = nil
            return [.seller(.uploadMedia(listingID: id, path: form["file"].value, caption: form.optionalText("caption"), confidential: form["is_confidential"].value == "yes"))]
        default:
            return []
        }
    }

    // MARK: answers

    static func sellerWriteAnswer(_ write: ListingWrite, _ result: Result<ListingDetail, RequestFailure>, state: inout AppState) -> [Effect] {
        switch result {
        case .success(let listing):
            if case .form = state.seller.panel { state.seller.panel = nil }
            switch write {
            case .created:
                state.message = .ok(listing.status == .pendingApproval ? "“\(listing.title)” is submitted: an admin will review it." : "“\(listing.title)” is saved as a draft.")
            case .edited:
                state.message = .ok(listing.status == .published && !(listing.pendingEdits ?? []).isEmpty
                    ? "Changes saved; buyers see them once an admin approves." : "Changes saved.")
            case .markedSold:
                state.message = .ok("“\(listing.title)” is marked sold.")
            case .archived:
                state.message = .ok("“\(listing.title)” is archived; buyers no longer see it.")
            default:
                state.message = .ok("“\(listing.title)” is submitted for approval.")
            }
            if case .detail(var detail) = state.seller.panel, detail.id == listing.id {
                detail.listing = listing
                state.seller.panel = .detail(detail)
            }
            guard state.screen == .myListings else {
                state.seller.list.reset()
                return []
            }
            return restart(\.seller.list, state: &state)
        case .failure(let failure):
            guard case .form(var editor) = state.seller.panel, write == .created || write == .edited else {
                let doing = write == .markedSold ? "mark it sold" : write == .archived ? "archive it" : "submit"
                state.message = .error("Could not \(doing): \(failure.summary)")
                return []
            }
            editor.form.isSubmitting = false
            state.seller.panel = .form(editor)
            showFailure(failure, in: \.seller.panel!.editorForm, doing: "Saving", state: &state)
        }
        return []
    }

    static func mediaAnswer(listingID: UUID, _ result: Result<Components.Schemas.ListingMedia, RequestFailure>, state: inout AppState) {
        guard case .media(let id, let title, var form) = state.seller.panel, id == listingID else { return }
        form.isSubmitting = false
        switch result {
        case .success(let media):
            state.seller.panel = nil
            state.message = .ok("\(media.fileName) attached to “\(title)”\(media.isConfidential ? " (confidential)" : "").")
        case .failure(.file(let reason)):
            form["file"].serverProblems = ["cannot be read: \(reason)"]
            form.focus = 0
            state.seller.panel = .media(listingID: id, title: title, form: form)
            state.message = .error("Please fix the marked fields.")
        case .failure(let failure):
            state.seller.panel = .media(listingID: id, title: title, form: form)
            showFailure(failure, in: \.seller.panel!.mediaForm, doing: "Upload", state: &state)
        }
    }

    static func mediaDeletedAnswer(listingID: UUID, mediaID: UUID, _ failure: RequestFailure?, state: inout AppState) -> [Effect] {
        guard case .detail(let detail) = state.seller.panel, detail.id == listingID else { return [] }
        if let failure {
            state.message = .error("Could not delete the media: \(failure.summary)")
            return []
        }
        let name = detail.listing?.media.first { $0.id == mediaID }?.fileName ?? "The media item"
        state.message = .ok("\(name) deleted from “\(detail.title)”.")
        return [.listings(.loadListing(id: listingID))]
    }

    static func analyticsAnswer(id: UUID, days: Int, _ result: Result<Components.Schemas.ListingAnalytics, RequestFailure>, state: inout AppState) {
        // An answer for a period no longer asked for is dropped: the one asked for is on its way.
        guard case .analytics(var analytics) = state.seller.panel, analytics.listingID == id, analytics.days == days else { return }
        analytics.isLoading = false
        switch result {
        case .success(let answer):
            analytics.analytics = answer
            analytics.failure = nil
        case .failure(let failure):
            analytics.failure = failure
            state.message = .error("Could not load analytics: \(failure.summary)")
        }
        state.seller.panel = .analytics(analytics)
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
    public var label: String {
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

extension App {
    static func sellerAnswer(_ message: SellerMessage, state: inout AppState) -> [Effect] {
        switch message {
        case .listingDeleted(let id, let failure):
            if let failure {
                state.message = .error("Could not delete: \(failure.summary)")
                return []
            }
            state.message = .ok("Listing deleted.")
            if case .detail(let detail) = state.seller.panel, detail.id == id { state.seller.panel = nil }
            return state.screen == .myListings ? restart(\.seller.list, state: &state) : []
        case .mediaUploaded(let id, let result):
            mediaAnswer(listingID: id, result, state: &state)
            return []
        case .mediaDeleted(let listingID, let mediaID, let failure):
            return mediaDeletedAnswer(listingID: listingID, mediaID: mediaID, failure, state: &state)
        case .analyticsLoaded(let id, let days, let result):
            analyticsAnswer(id: id, days: days, result, state: &state)
            return []
        }
    }
}
