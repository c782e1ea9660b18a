import EaglehurstAPI
import Foundation

/// The admin's desk: the moderation queue with a listing beside its changes, and users.
enum Admin: Drawing {
    static func queuePageRequest(_ state: AdminScreenState) -> PageRequest {
        let source = ListingSource.moderation(state.queue, state.listingFilter)
        return { page, perPage, generation in .listings(.loadListingPage(source, page: page, perPage: perPage, generation: generation)) }
    }

    static func usersPageRequest(_ state: AdminScreenState) -> PageRequest {
        let filter = state.userFilter
        return { page, perPage, generation in .admin(.loadUsersPage(filter, page: page, perPage: perPage, generation: generation)) }
    }

    static func restartQueue(_ state: inout AdminScreenState, _ shell: Shell) -> [Effect] {
        state.listings.restart(height: Layout.tableViewportHeight(shell.size), queuePageRequest(state))
    }

    static func restartUsers(_ state: inout AdminScreenState, _ shell: Shell) -> [Effect] {
        state.users.restart(height: Layout.tableViewportHeight(shell.size), usersPageRequest(state))
    }

    /// Shown again: the tab's rows stay and are revalidated.
    static func reload(_ state: inout AdminScreenState) -> [Effect] {
        state.tab == .queue ? state.listings.reloadAll(queuePageRequest(state)) : state.users.reloadAll(usersPageRequest(state))
    }

    /// A page of the queue, unless the queue or its filter has changed since it was asked for.
    static func queuePageLoaded(_ queue: ModerationQueue, _ filter: AdminListingFilter, page: Int, generation: Int, _ result: Result<PageAnswer<ListingSummary>, RequestFailure>, _ state: inout AdminScreenState, _ shell: inout Shell) -> [Effect] {
        guard queue == state.queue, filter == state.listingFilter else { return [] }
        if case .success(let answer) = result { state.receivedAt = answer.receivedAt }
        return state.listings.take(page: page, generation: generation, result, shell: &shell, queuePageRequest(state))
    }

    /// Opens the queue on one of its lists (a notification about new listings or edits).
    static func openQueue(_ queue: ModerationQueue, _ state: inout AdminScreenState, _ shell: Shell) -> [Effect] {
        guard shell.screen == .admin, state.queue != queue || state.tab != .queue else { return [] }
        state.tab = .queue
        state.queue = queue
        return restartQueue(&state, shell)
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

    static func moderated(_ write: ListingWrite, _ result: Result<ListingDetail, RequestFailure>, _ state: inout AdminScreenState, _ shell: inout Shell) -> [Effect] {
        switch result {
        case .success(let listing):
            shell.message = .ok(write == .approved ? "Approved “\(listing.title)”." : "Rejected “\(listing.title)”; the seller sees the reason.")
            state.detail = nil
            return shell.screen == .admin ? restartQueue(&state, shell) : []
        case .failure(let failure):
            shell.message = .error("Could not \(write == .approved ? "approve" : "reject"): \(failure.summary)")
            return []
        }
    }

    static func userModerated(_ result: Result<Account, RequestFailure>, _ state: inout AdminScreenState, _ shell: inout Shell) {
        switch result {
        case .success(let user):
            state.users.update(where: { $0.id == user.id }) { $0 = user }
            let what = user.status == .suspended ? "suspended"
                : user.verificationStatus == .verified ? "verified and active"
                : user.verificationStatus == .rejected ? "active; identity verification refused" : "active"
            shell.message = .ok("\(user.email) is \(what).")
        case .failure(let failure):
            shell.message = .error("Could not change the user: \(failure.summary)")
        }
    }

    static func update(_ state: inout AdminScreenState, _ message: AdminMessage, _ shell: inout Shell) -> [Effect] {
        switch message {
        case .usersPageLoaded(let filter, let page, let generation, let result):
            guard filter == state.userFilter else { return [] }
            return state.users.take(page: page, generation: generation, result, shell: &shell, usersPageRequest(state))
        case .userModerated(let result):
            userModerated(result, &state, &shell)
            return []
        }
    }
}
