import EaglehurstAPI

/// The admin's screen: the moderation queue with a listing beside its changes, and users.
extension App {
    static func adminAction(_ action: Action, in context: Context, state: inout AppState) -> [Effect] {
        switch (context, action) {
        case (.adminQueue, .open):
            guard let row = state.admin.listings.selectedItem else { return [] }
            state.admin.detail = ListingDetailState(id: row.id, title: row.title)
            return [.listings(.loadListing(id: row.id))]
        case (.adminQueue, .approve), (.adminDetail, .approve):
            guard let (id, title) = moderatedListing(state) else { return [] }
            state.message = .info("Approving “\(title)”…")
            return [.admin(.approveListing(id: id))]
        case (.adminQueue, .reject), (.adminDetail, .reject):
            guard let (id, title) = moderatedListing(state) else { return [] }
            state.overlay = .prompt(Prompt(purpose: .rejectReason(listingID: id), title: "Reject “\(title)”", form: .reason("Reason")))
        case (.adminQueue, .switchQueue):
            state.admin.queue = state.admin.queue == .newListings ? .edits : .newListings
            return restart(\.admin.listings, state: &state)
        case (.adminQueue, .filter):
            state.admin.listingFilterForm = .queueFilter(state.admin.listingFilter)
            state.message = nil
        case (.queueFilter, .submit):
            guard var form = state.admin.listingFilterForm else { return [] }
            let seller = form["seller_id"].value.trimmingCharacters(in: .whitespaces)
            guard form.validateForSubmit(), seller.isEmpty || UUID(uuidString: seller) != nil else {
                if !seller.isEmpty, UUID(uuidString: seller) == nil { form["seller_id"].serverProblems = ["must be a seller's id, e.g. 5e11e700-0000-4000-8000-000000000001"] }
                state.admin.listingFilterForm = form
                state.message = .error("Please fix the marked fields.")
                return []
            }
            state.admin.listingFilterForm = nil
            state.admin.listingFilter = AdminListingFilter(text: form["q"].value.trimmingCharacters(in: .whitespaces), sellerID: UUID(uuidString: seller))
            state.message = nil
            return restart(\.admin.listings, state: &state)
        case (.queueFilter, .cancel):
            state.admin.listingFilterForm = nil
            state.message = nil
        case (.adminQueue, .filterSeller):
            if state.admin.listingFilter.sellerID != nil {
                state.admin.listingFilter.sellerID = nil
            } else {
                guard let row = state.admin.listings.selectedItem else { return [] }
                state.admin.listingFilter.sellerID = row.sellerId
            }
            return restart(\.admin.listings, state: &state)
        case (.adminQueue, .showUsers):
            state.admin.tab = .users
            state.message = nil
            return state.admin.users.total == nil ? restart(\.admin.users, state: &state) : reload(&state)
        case (.adminUsers, .showQueue):
            state.admin.tab = .queue
            state.message = nil
            return reload(&state)
        case (.adminDetail, .back):
            state.admin.detail = nil
            state.message = nil
        case (.adminUsers, .verifyUser):
            guard let user = state.admin.users.selectedItem else { return [] }
            guard user.verificationStatus != .verified else {
                state.message = .info("\(user.email) is already verified.")
                return []
            }
            state.message = .info("Verifying \(user.email)…")
            return [.admin(.verifyUser(id: user.id, verified: true))]
        case (.adminUsers, .refuseVerification):
            guard let user = state.admin.users.selectedItem else { return [] }
            state.overlay = .prompt(Prompt(purpose: .refusalReason(userID: user.id), title: "Refuse \(user.email)'s identity verification", form: .reason("Reason")))
        case (.adminUsers, .suspendUser):
            guard let user = state.admin.users.selectedItem else { return [] }
            if user.status == .suspended {
                state.message = .info("Lifting the suspension of \(user.email)…")
                return [.admin(.suspendUser(id: user.id, suspended: false, reason: nil))]
            }
            state.overlay = .prompt(Prompt(purpose: .suspendReason(userID: user.id), title: "Suspend \(user.email)", form: .reason("Reason")))
        case (.adminUsers, .filter):
            state.admin.userFilterForm = .userFilter(state.admin.userFilter)
        case (.userFilter, .submit):
            guard let form = state.admin.userFilterForm else { return [] }
            state.admin.userFilterForm = nil
            state.admin.userFilter = state.admin.userFilter.applying(form)
            return restart(\.admin.users, state: &state)
        case (.userFilter, .cancel):
            state.admin.userFilterForm = nil
        case (.adminQueue, .refresh), (.adminUsers, .refresh):
            return reload(&state)
        case (.adminQueue, .back), (.adminUsers, .back):
            return goBack(&state)
        default:
            break
        }
        return []
    }

    static func moderationAnswer(_ write: ListingWrite, _ result: Result<ListingDetail, RequestFailure>, state: inout AppState) -> [Effect] {
        switch result {
        case .success(let listing):
            state.message = .ok(write == .approved ? "Approved “\(listing.title)”." : "Rejected “\(listing.title)”; the seller sees the reason.")
            state.admin.detail = nil
            return state.screen == .admin ? restart(\.admin.listings, state: &state) : []
        case .failure(let failure):
            state.message = .error("Could not \(write == .approved ? "approve" : "reject"): \(failure.summary)")
            return []
        }
    }

    static func userModeratedAnswer(_ result: Result<Account, RequestFailure>, state: inout AppState) {
        switch result {
        case .success(let user):
            state.admin.users.update(where: { $0.id == user.id }) { $0 = user }
            let what = user.status == .suspended ? "suspended"
                : user.verificationStatus == .verified ? "verified and active"
                : user.verificationStatus == .rejected ? "active; identity verification refused" : "active"
            state.message = .ok("\(user.email) is \(what).")
        case .failure(let failure):
            state.message = .error("Could not change the user: \(failure.summary)")
        }
    }
}

extension App {
    static func adminAnswer(_ message: AdminMessage, state: inout AppState) -> [Effect] {
        switch message {
        case .usersPageLoaded(let filter, let page, let generation, let result):
            guard filter == state.admin.userFilter else { return [] }
            return takePage(page, generation: generation, result, into: \.admin.users, state: &state)
        case .userModerated(let result):
            userModeratedAnswer(result, state: &state)
            return []
        }
    }
}
