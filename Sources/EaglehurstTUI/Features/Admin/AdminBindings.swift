import Foundation

/// The admin's moderation queue, a listing beside its changes, and users.
extension Admin {
    static let bindings: [Binding] =
        listSpecs(.adminQueue) + [
            spec(.adminQueue, .open, "open beside its changes", hint: "open"),
            spec(.adminQueue, .approve, "approve the listing or its edits", hint: "approve"),
            spec(.adminQueue, .reject, "reject the listing or its edits, with a reason", hint: "reject", dangerous: true),
            spec(.adminQueue, .switchQueue, "new listings ⇄ edits of published ones", hint: "new/edits"),
            spec(.adminQueue, .showUsers, "users", hint: "users"),
            spec(.adminQueue, .filter, "filter by text and seller", hint: "filter"),
            spec(.adminQueue, .showServiceDesk, "the service desk: legal and valuation requests", hint: "desk"),
            spec(.adminQueue, .filterSeller, "only the selected listing's seller (again: every seller)"),
            spec(.adminQueue, .refresh, "reload"),
            spec(.adminQueue, .back, "back to your profile"),
            spec(.queueFilter, .nextField, "next field", hint: "next field"),
            spec(.queueFilter, .previousField, "previous field"),
            spec(.queueFilter, .submit, "apply", hint: "apply"),
            spec(.queueFilter, .cancel, "close without applying", hint: "cancel"),
            spec(.adminDetail, .approve, "approve", hint: "approve"),
            spec(.adminDetail, .reject, "reject with a reason", hint: "reject", dangerous: true),
            spec(.adminDetail, .down, "scroll down"),
            spec(.adminDetail, .up, "scroll up"),
            spec(.adminDetail, .back, "back to the queue", hint: "back"),
        ] + listSpecs(.adminUsers) + [
            spec(.adminUsers, .verifyUser, "mark the user's identity verified", hint: "verify"),
            spec(.adminUsers, .refuseVerification, "refuse the user's identity verification, with a reason", hint: "refuse", dangerous: true),
            spec(.adminUsers, .suspendUser, "suspend the user (or lift a suspension)", hint: "suspend", dangerous: true),
            spec(.adminUsers, .filter, "filter users", hint: "filter"),
            spec(.adminUsers, .showQueue, "moderation queue", hint: "queue"),
            spec(.adminUsers, .showServiceDesk, "the service desk: legal and valuation requests", hint: "desk"),
            spec(.adminUsers, .refresh, "reload"),
            spec(.adminUsers, .back, "back to your profile"),
            spec(.userFilter, .nextField, "next field", hint: "next field"),
            spec(.userFilter, .previousField, "previous field"),
            spec(.userFilter, .submit, "apply", hint: "apply"),
            spec(.userFilter, .cancel, "close without applying", hint: "cancel"),
        ]

    /// The listing an approve or reject is about: the one opened, else the selected row.
    static func moderatedListing(_ state: AdminScreenState) -> (UUID, String)? {
        if let detail = state.detail { return (detail.id, detail.title) }
        return state.listings.selectedItem.map { ($0.id, $0.title) }
    }

    /// What a dangerous action is about to act on, for the confirm dialog.
    static func dangerSubject(_ action: Action, in context: Context, _ state: AdminScreenState) -> String? {
        context == .adminUsers ? state.users.selectedItem?.email : moderatedListing(state)?.1
    }

    /// Why a dangerous action cannot be done now.
    static func whyNot(_ action: Action, _ state: AdminScreenState) -> String? {
        guard action == .refuseVerification, let user = state.users.selectedItem else { return nil }
        return user.verificationStatus == .rejected ? "\(user.email)'s identity verification is already refused." : nil
    }

    static func perform(_ action: Action, in context: Context, _ state: inout AdminScreenState, _ shell: inout Shell) -> [Effect] {
        switch (context, action) {
        case (.adminQueue, .down), (.adminQueue, .up), (.adminQueue, .pageDown), (.adminQueue, .pageUp), (.adminQueue, .top), (.adminQueue, .bottom):
            return state.listings.move(action, queuePageRequest(state))
        case (.adminUsers, .down), (.adminUsers, .up), (.adminUsers, .pageDown), (.adminUsers, .pageUp), (.adminUsers, .top), (.adminUsers, .bottom):
            return state.users.move(action, usersPageRequest(state))
        case (.adminDetail, .down):
            OpenListing.scroll(&state.detail, by: 1)
        case (.adminDetail, .up):
            OpenListing.scroll(&state.detail, by: -1)
        case (.adminQueue, .open):
            guard let row = state.listings.selectedItem else { return [] }
            state.detail = ListingDetailState(id: row.id, title: row.title)
            return [.listings(.loadListing(id: row.id))]
        case (.adminQueue, .approve), (.adminDetail, .approve):
            guard let (id, title) = moderatedListing(state) else { return [] }
            shell.message = .info("Approving “\(title)”…")
            return [.admin(.approveListing(id: id))]
        case (.adminQueue, .reject), (.adminDetail, .reject):
            guard let (id, title) = moderatedListing(state) else { return [] }
            shell.overlay = .prompt(Prompt(purpose: .rejectReason(listingID: id), title: "Reject “\(title)”", form: .reason("Reason")))
        case (.adminQueue, .switchQueue):
            state.queue = state.queue == .newListings ? .edits : .newListings
            return restartQueue(&state, shell)
        case (.adminQueue, .filter):
            state.listingFilterForm = .queueFilter(state.listingFilter)
            shell.message = nil
        case (.queueFilter, .submit):
            guard var form = state.listingFilterForm else { return [] }
            let seller = form["seller_id"].value.trimmingCharacters(in: .whitespaces)
            guard form.validateForSubmit(), seller.isEmpty || UUID(uuidString: seller) != nil else {
                if !seller.isEmpty, UUID(uuidString: seller) == nil { form["seller_id"].serverProblems = ["must be a seller's id, e.g. 5e11e700-0000-4000-8000-000000000001"] }
                state.listingFilterForm = form
                shell.message = .error("Please fix the marked fields.")
                return []
            }
            state.listingFilterForm = nil
            state.listingFilter = AdminListingFilter(text: form["q"].value.trimmingCharacters(in: .whitespaces), sellerID: UUID(uuidString: seller))
            shell.message = nil
            return restartQueue(&state, shell)
        case (.queueFilter, .cancel):
            state.listingFilterForm = nil
            shell.message = nil
        case (.adminQueue, .filterSeller):
            if state.listingFilter.sellerID != nil {
                state.listingFilter.sellerID = nil
            } else {
                guard let row = state.listings.selectedItem else { return [] }
                state.listingFilter.sellerID = row.sellerId
            }
            return restartQueue(&state, shell)
        case (.adminQueue, .showUsers):
            state.tab = .users
            shell.message = nil
            return state.users.total == nil ? restartUsers(&state, shell) : reload(&state)
        case (.adminQueue, .showServiceDesk), (.adminUsers, .showServiceDesk):
            shell.go(.screen(.services))
        case (.adminUsers, .showQueue):
            state.tab = .queue
            shell.message = nil
            return reload(&state)
        case (.adminDetail, .back):
            state.detail = nil
            shell.message = nil
        case (.adminUsers, .verifyUser):
            guard let user = state.users.selectedItem else { return [] }
            guard user.verificationStatus != .verified else {
                shell.message = .info("\(user.email) is already verified.")
                return []
            }
            shell.message = .info("Verifying \(user.email)…")
            return [.admin(.verifyUser(id: user.id, verified: true))]
        case (.adminUsers, .refuseVerification):
            guard let user = state.users.selectedItem else { return [] }
            shell.overlay = .prompt(Prompt(purpose: .refusalReason(userID: user.id), title: "Refuse \(user.email)'s identity verification", form: .reason("Reason")))
        case (.adminUsers, .suspendUser):
            guard let user = state.users.selectedItem else { return [] }
            if user.status == .suspended {
                shell.message = .info("Lifting the suspension of \(user.email)…")
                return [.admin(.suspendUser(id: user.id, suspended: false, reason: nil))]
            }
            shell.overlay = .prompt(Prompt(purpose: .suspendReason(userID: user.id), title: "Suspend \(user.email)", form: .reason("Reason")))
        case (.adminUsers, .filter):
            state.userFilterForm = .userFilter(state.userFilter)
        case (.userFilter, .submit):
            guard let form = state.userFilterForm else { return [] }
            state.userFilterForm = nil
            state.userFilter = state.userFilter.applying(form)
            return restartUsers(&state, shell)
        case (.userFilter, .cancel):
            state.userFilterForm = nil
        case (.adminQueue, .refresh), (.adminUsers, .refresh):
            return reload(&state)
        case (.adminQueue, .back), (.adminUsers, .back):
            shell.go(.back)
        default:
            break
        }
        return []
    }
}
