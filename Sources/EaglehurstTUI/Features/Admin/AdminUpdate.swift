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

    static func listingLoaded(id: UUID, _ result: Result<DetailAnswer, RequestFailure>, _ state: inout AdminScreenState, _ shell: inout Shell) {
        OpenListing.take(id: id, result, into: &state.detail, shell: &shell)
    }

    /// Opens the queue on one of its lists (a notification about new listings or edits).
    /// Opens a tab from elsewhere (the service desk's keys).
    static func openTab(_ tab: AdminScreenState.Tab, _ state: inout AdminScreenState, _ shell: Shell) -> [Effect] {
        guard shell.screen == .admin, state.tab != tab else { return [] }
        state.tab = tab
        return tab == .users && state.users.total == nil ? restartUsers(&state, shell) : reload(&state)
    }

    static func openQueue(_ queue: ModerationQueue, _ state: inout AdminScreenState, _ shell: Shell) -> [Effect] {
        guard shell.screen == .admin, state.queue != queue || state.tab != .queue else { return [] }
        state.tab = .queue
        state.queue = queue
        return restartQueue(&state, shell)
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
