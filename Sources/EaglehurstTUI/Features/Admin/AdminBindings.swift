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
}
