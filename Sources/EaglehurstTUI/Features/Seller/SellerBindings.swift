import EaglehurstAPI
import Foundation

/// The seller's own listings, a listing opened, its forms and analytics.
extension Seller {
    static let bindings: [Binding] =
        listSpecs(.myListings) + [
            spec(.myListings, .open, "open the listing", hint: "open"),
            spec(.myListings, .newListing, "new listing", hint: "new"),
            spec(.myListings, .editListing, "edit the listing", hint: "edit"),
            spec(.myListings, .submitListing, "submit a draft or rejected listing for approval", hint: "submit"),
            spec(.myListings, .attachMedia, "attach a picture or document", hint: "media"),
            spec(.myListings, .showAnalytics, "views, saves and requests", hint: "stats"),
            spec(.myListings, .markSold, "mark the published listing sold", hint: "sold", dangerous: true),
            spec(.myListings, .archiveListing, "archive the listing (it leaves browse)", hint: "archive", dangerous: true),
            spec(.myListings, .deleteListing, "delete the listing", dangerous: true),
            spec(.myListings, .refresh, "reload"),
            spec(.myListings, .back, "back to your profile"),
            spec(.sellerDetail, .askService, "ask for a valuation or legal help about this listing", hint: "valuation/legal"),
            spec(.sellerDetail, .nextMedia, "select the next media item", hint: "media"),
            spec(.sellerDetail, .previousMedia, "select the previous media item"),
            spec(.sellerDetail, .deleteMedia, "delete the selected media item", hint: "delete media", dangerous: true),
            spec(.sellerDetail, .markSold, "mark the published listing sold", hint: "sold", dangerous: true),
            spec(.sellerDetail, .archiveListing, "archive the listing (it leaves browse)", hint: "archive", dangerous: true),
            spec(.sellerDetail, .down, "scroll down", hint: "scroll"),
            spec(.sellerDetail, .up, "scroll up"),
            spec(.sellerDetail, .refresh, "reload the listing"),
            spec(.sellerDetail, .back, "back to your listings", hint: "back"),
            spec(.listingForm, .nextField, "next field", hint: "next field"),
            spec(.listingForm, .previousField, "previous field"),
            spec(.listingForm, .editLongText, "write the description in $EDITOR (or the built-in editor)", hint: "editor"),
            spec(.listingForm, .submit, "save (a new listing is submitted for approval)", hint: "save"),
            spec(.listingForm, .cancel, "close the form without saving", hint: "cancel"),
            spec(.mediaForm, .nextField, "next field", hint: "next field"),
            spec(.mediaForm, .previousField, "previous field"),
            spec(.mediaForm, .submit, "upload", hint: "upload"),
            spec(.mediaForm, .cancel, "close without uploading", hint: "cancel"),
            spec(.analytics, .cyclePeriod, "next period: 7, 30 or 90 days", hint: "period"),
            spec(.analytics, .refresh, "reload"),
            spec(.analytics, .back, "back to your listings", hint: "back"),
        ]

    /// The workflow the server keeps: only a published listing is sold; a sold one stays sold.
    static func whyNot(_ action: Action, _ state: SellerScreenState) -> String? {
        switch action {
        case .markSold:
            guard let (_, _, status) = sellerListing(state), status != .published else { return nil }
            return "Only a published listing is marked sold; this one is \(status.label)."
        case .archiveListing:
            guard let (_, _, status) = sellerListing(state), [.sold, .archived, .pendingApproval].contains(status) else { return nil }
            return status == .pendingApproval ? "A listing waiting for approval is not archived; wait for the admin's answer."
                : "This listing is \(status.label) already."
        case .deleteMedia:
            return selectedMedia(state) == nil ? "This listing has no media to delete." : nil
        default:
            return nil
        }
    }
}

extension Seller {
    static func dangerSubject(_ action: Action, _ state: SellerScreenState) -> String? {
        action == .deleteMedia ? selectedMedia(state)?.fileName : sellerListing(state)?.1
    }

    static func perform(_ action: Action, in context: Context, _ state: inout SellerScreenState, _ shell: inout Shell) -> [Effect] {
        let row = state.list.selectedItem
        switch (context, action) {
        case (.myListings, .down), (.myListings, .up), (.myListings, .pageDown), (.myListings, .pageUp), (.myListings, .top), (.myListings, .bottom):
            return state.list.move(action, pageRequest)
        case (.sellerDetail, .down), (.sellerDetail, .up):
            guard case .detail(var detail) = state.panel else { return [] }
            detail.scroll = max(0, detail.scroll + (action == .down ? 1 : -1))
            state.panel = .detail(detail)
        case (.myListings, .open):
            guard let row else { return [] }
            state.panel = .detail(ListingDetailState(id: row.id, title: row.title))
            return [.listings(.loadListing(id: row.id))]
        case (.myListings, .newListing):
            state.panel = .form(ListingEditor(listingID: nil, form: .listing(nil), original: nil))
            shell.message = nil
        case (.myListings, .editListing):
            guard let row else { return [] }
            // The row lacks the description and confidential fields: the form fills in when the listing comes.
            var form = Form.listing(nil)
            form.isSubmitting = true
            state.panel = .form(ListingEditor(listingID: row.id, form: form, original: nil))
            return [.listings(.loadListing(id: row.id))]
        case (.myListings, .submitListing):
            guard let row else { return [] }
            guard row.status == .draft || row.status == .rejected else {
                shell.message = .info("Only a draft or a rejected listing is submitted; this one is \(row.status.label).")
                return []
            }
            shell.message = .info("Submitting “\(row.title)”…")
            return [.listings(.updateListing(id: row.id, .init(status: .pendingApproval), .submitted))]
        case (.myListings, .attachMedia):
            guard let row else { return [] }
            state.panel = .media(listingID: row.id, title: row.title, form: .media())
        case (.myListings, .showAnalytics):
            guard let row else { return [] }
            let analytics = AnalyticsState(listingID: row.id, title: row.title)
            state.panel = .analytics(analytics)
            return [.seller(.loadAnalytics(id: row.id, days: analytics.days))]
        case (.myListings, .deleteListing):
            guard let row else { return [] }
            shell.message = .info("Deleting “\(row.title)”…")
            return [.seller(.deleteListing(id: row.id))]
        case (.myListings, .markSold), (.sellerDetail, .markSold), (.myListings, .archiveListing), (.sellerDetail, .archiveListing):
            guard let (id, title, _) = sellerListing(state) else { return [] }
            let sold = action == .markSold
            shell.message = .info(sold ? "Marking “\(title)” sold…" : "Archiving “\(title)”…")
            return [.listings(.updateListing(id: id, .init(status: sold ? .sold : .archived), sold ? .markedSold : .archived))]
        case (.sellerDetail, .nextMedia), (.sellerDetail, .previousMedia):
            guard case .detail(var detail) = state.panel, let count = detail.listing?.media.count, count > 0 else { return [] }
            detail.selectedMedia = (detail.selectedMedia + (action == .nextMedia ? 1 : count - 1)) % count
            state.panel = .detail(detail)
        case (.sellerDetail, .deleteMedia):
            guard case .detail(let detail) = state.panel, let media = selectedMedia(state) else { return [] }
            shell.message = .info("Deleting \(media.fileName)…")
            return [.seller(.deleteMedia(listingID: detail.id, mediaID: media.id))]
        case (.sellerDetail, .refresh):
            guard case .detail(let detail) = state.panel else { return [] }
            return [.listings(.loadListing(id: detail.id))]
        case (.sellerDetail, .askService):
            guard case .detail(let detail) = state.panel else { return [] }
            shell.go(.serviceRequest(listingID: detail.id, title: detail.title))
        case (.sellerDetail, .back):
            state.panel = nil
            shell.message = nil
        case (.myListings, .refresh):
            return reload(&state)
        case (.myListings, .back):
            shell.go(.back)
        case (.listingForm, .editLongText):
            return openLongText(&state, &shell)
        case (.listingForm, .submit), (.mediaForm, .submit):
            return submitForm(&state, &shell)
        case (.listingForm, .cancel), (.mediaForm, .cancel), (.analytics, .back):
            state.panel = nil
            shell.message = nil
        case (.analytics, .refresh), (.analytics, .cyclePeriod):
            guard case .analytics(var analytics) = state.panel else { return [] }
            if action == .cyclePeriod { analytics.days = analytics.nextPeriod }
            analytics.isLoading = true
            state.panel = .analytics(analytics)
            return [.seller(.loadAnalytics(id: analytics.listingID, days: analytics.days))]
        default:
            break
        }
        return []
    }

    /// Long text goes to `$EDITOR` when there is one, to the built-in editor otherwise.
    static func openLongText(_ state: inout SellerScreenState, _ shell: inout Shell) -> [Effect] {
        guard case .form(var editor) = state.panel, !editor.form.isSubmitting else { return [] }
        let field = editor.form.focusedField.rule.isLongText ? editor.form.focusedField : editor.form["description"]
        editor.form.focus = editor.form.fields.firstIndex { $0.name == field.name } ?? editor.form.focus
        state.panel = .form(editor)
        if shell.externalEditor != nil { return [.editExternally(field: field.name, text: field.input.text)] }
        var area = TextArea(field.input.text)
        area.keepCursorVisible(height: Layout.textEditorHeight(shell.size))
        shell.overlay = .textEditor(TextEditorOverlay(field: field.name, label: field.label, area: area))
        return []
    }

    static func submitForm(_ state: inout SellerScreenState, _ shell: inout Shell) -> [Effect] {
        switch state.panel {
        case .form(var editor):
            guard !editor.form.isSubmitting else { return [] }
            guard editor.form.validateForSubmit() else {
                state.panel = .form(editor)
                shell.message = .error("Please fix the marked fields.")
                return []
            }
            let effect: Effect
            if let id = editor.listingID {
                let update = editor.updateRequest
                guard update != Components.Schemas.ListingUpdate() else {
                    shell.message = .info("Nothing changed.")
                    return []
                }
                effect = .listings(.updateListing(id: id, update, .edited))
            } else {
                effect = .seller(.createListing(editor.createRequest))
            }
            editor.form.isSubmitting = true
            state.panel = .form(editor)
            shell.message = nil
            return [effect]
        case .media(let id, let title, var form):
            guard !form.isSubmitting else { return [] }
            guard form.validateForSubmit() else {
                state.panel = .media(listingID: id, title: title, form: form)
                shell.message = .error("Please fix the marked fields.")
                return []
            }
            form.isSubmitting = true
            state.panel = .media(listingID: id, title: title, form: form)
            shell.message = nil
            return [.seller(.uploadMedia(listingID: id, path: form["file"].value, caption: form.optionalText("caption"), confidential: form["is_confidential"].value == "yes"))]
        case .detail, .analytics, nil:
            return []
        }
    }
}
