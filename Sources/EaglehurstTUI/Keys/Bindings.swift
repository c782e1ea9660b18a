/// Where a binding applies. A screen's context is active together with `global`; an overlay's
/// context is active alone, so its keys do not leak to the screen beneath.
package enum Context: String, Hashable, Sendable, CaseIterable {
    case global, status, signin, register, verify, forgotPassword = "forgot_password", resetPassword = "reset_password"
    case profile, profileEdit = "profile_edit", help, command, confirm
    case listings, listingsSearch = "listings_search", listingsFilter = "listings_filter", listingDetail = "listing_detail"
    case saved, myListings = "my_listings", sellerDetail = "seller_detail", listingForm = "listing_form", mediaForm = "media_form", analytics
    case adminQueue = "admin_queue", queueFilter = "queue_filter", adminDetail = "admin_detail", adminUsers = "admin_users", userFilter = "user_filter"
    case prompt, textEditor = "text_editor"
    case threads, compose, notifications, preferences
    case subscriptions, paymentMethods = "payment_methods", invoices, checkout, checkoutReview = "checkout_review", cardForm = "card_form"
    case services, serviceDetail = "service_detail", serviceCompose = "service_compose", serviceDocuments = "service_documents"
    case serviceChooser = "service_chooser", serviceForm = "service_form"
    case dashboard
    case gallery

    var title: String {
        switch self {
        case .global: "Everywhere"
        case .status: "Server status"
        case .signin: "Sign in"
        case .register: "Create an account"
        case .verify: "Verify email"
        case .forgotPassword: "Forgot password"
        case .resetPassword: "Reset password"
        case .profile: "Profile"
        case .profileEdit: "Profile form"
        case .help: "Help"
        case .command: "Command line"
        case .confirm: "Confirm dialog"
        case .listings: "Listings"
        case .listingsSearch: "Listings: search line"
        case .listingsFilter: "Listings: filters"
        case .listingDetail: "Listing detail"
        case .saved: "Saved listings"
        case .myListings: "My listings"
        case .sellerDetail: "My listing opened"
        case .listingForm: "Listing form"
        case .mediaForm: "Attach media"
        case .analytics: "Listing analytics"
        case .adminQueue: "Admin: moderation queue"
        case .queueFilter: "Admin: queue filters"
        case .adminDetail: "Admin: listing and its changes"
        case .adminUsers: "Admin: users"
        case .userFilter: "Admin: user filters"
        case .prompt: "Prompt"
        case .textEditor: "Text editor"
        case .threads: "Messages: connections"
        case .compose: "Messages: writing"
        case .notifications: "Notifications"
        case .preferences: "Notification preferences"
        case .subscriptions: "Subscriptions: plans"
        case .paymentMethods: "Subscriptions: cards"
        case .invoices: "Subscriptions: invoices"
        case .checkout: "Upgrade: choosing a card"
        case .checkoutReview: "Upgrade: confirming the payment"
        case .cardForm: "Card form"
        case .services: "Services: requests (admins: the service desk)"
        case .serviceDetail: "Service request opened"
        case .serviceCompose: "Service request: writing"
        case .serviceDocuments: "Service request: documents"
        case .serviceChooser: "Services: choosing a template or provider"
        case .serviceForm: "Services: request or document form"
        case .dashboard: "Dashboard"
        case .gallery: "Photo gallery"
        }
    }

    /// The contexts of the listings screens and their overlays.
    var isListings: Bool {
        [.listings, .listingsSearch, .listingsFilter, .listingDetail, .saved, .myListings, .sellerDetail, .listingForm, .mediaForm,
         .analytics, .adminQueue, .queueFilter, .adminDetail, .adminUsers, .userFilter, .prompt, .textEditor].contains(self)
    }

    /// The contexts of the threads and notifications screens.
    var isConversations: Bool { [.threads, .compose, .notifications, .preferences].contains(self) }

    /// The contexts of the services screen.
    var isServices: Bool { [.services, .serviceDetail, .serviceCompose, .serviceDocuments, .serviceChooser, .serviceForm].contains(self) }

    var isModal: Bool { [.help, .command, .confirm, .prompt, .textEditor, .gallery].contains(self) }
}

/// What a key asks for. The raw value is the name keymap files use.
package enum Action: String, Hashable, Sendable, CaseIterable {
    case quit, help, commandLine = "command_line"
    case refresh, signIn = "sign_in"
    case nextField = "next_field", previousField = "previous_field", submit, back
    case createAccount = "create_account", forgotPassword = "forgot_password", resendCode = "resend_code", haveToken = "have_token"
    case editDetails = "edit_details", editProfile = "edit_profile", uploadAvatar = "upload_avatar"
    case uploadDocument = "upload_document", verifyEmail = "verify_email", signOut = "sign_out"
    case close, up, down, pageUp = "page_up", pageDown = "page_down", top, bottom
    case complete, run, cancel
    case confirm, toggleChoice = "toggle_choice", choose
    case open, search, filter, sort, clearFilters = "clear_filters", toggleSave = "toggle_save"
    case newListing = "new_listing", editListing = "edit_listing", submitListing = "submit_listing"
    case attachMedia = "attach_media", showAnalytics = "show_analytics", deleteListing = "delete_listing"
    case nextMedia = "next_media", previousMedia = "previous_media", deleteMedia = "delete_media"
    case markSold = "mark_sold", archiveListing = "archive_listing", cyclePeriod = "cycle_period"
    case editNote = "edit_note", filterSeller = "filter_seller", refuseVerification = "refuse_verification"
    case approve, reject, switchQueue = "switch_queue", showUsers = "show_users", showQueue = "show_queue"
    case verifyUser = "verify_user", suspendUser = "suspend_user", editLongText = "edit_long_text", done
    case goListings = "go_listings", goSaved = "go_saved", goMyListings = "go_my_listings", goAdmin = "go_admin"
    case goThreads = "go_threads", goNotifications = "go_notifications"
    case compose, send, newline, accept, block, notes, requestConnection = "request_connection"
    case scrollThreadUp = "scroll_thread_up", scrollThreadDown = "scroll_thread_down"
    case markRead = "mark_read", markAllRead = "mark_all_read", toggleUnread = "toggle_unread", showPreferences = "show_preferences"
    case toggleEmail = "toggle_email", togglePush = "toggle_push"
    case goSubscriptions = "go_subscriptions", upgrade, toggleBilling = "toggle_billing", cancelSubscription = "cancel_subscription"
    case addCard = "add_card", deleteCard = "delete_card", switchPane = "switch_pane"
    case goServices = "go_services", newRequest = "new_request", askService = "ask_service", cancelRequest = "cancel_request"
    case advanceStatus = "advance_status", assignProvider = "assign_provider", writeAs = "write_as"
    case downloadDocument = "download_document", showServiceDesk = "show_service_desk"
    case goDashboard = "go_dashboard", previousPoint = "previous_point", nextPoint = "next_point"
    case openGallery = "open_gallery", openDocuments = "open_documents", saveFile = "save_file"
    /// Asked through the confirm dialog only: unsaving throws the note away.
    case unsave
}

package struct Binding: Equatable, Sendable {
    package var keys: [KeySequence]
    package var action: Action
    package var description: String
    package var context: Context
    package var dangerous: Bool
    /// The footer's short label, or nil to leave it to the `?` overlay.
    package var hint: String?
}

/// The one table of what every key does, in which context. Dispatch, the footer hints, the `?` overlay
/// and the Markdown docs all read it.
package struct BindingTable: Equatable, Sendable {
    package private(set) var bindings: [Binding]

    package init(bindings: [Binding]) { self.bindings = bindings }

    /// Actions that exist, with their descriptions; their keys come from the keymap. Each feature keeps
    /// its rows beside its handlers; the order within a context is the order of the footer and `?`.
    static let specs: [Binding] = App.globalBindings + StatusScreen.bindings + App.accountBindings + Profile.bindings + App.overlayBindings
        + Browse.bindings + Saved.bindings + Seller.bindings + Admin.bindings
        + Conversations.threadsBindings + Conversations.notificationsBindings + Subscriptions.bindings + Services.bindings + Dashboard.bindings + Pictures.bindings

    package func binding(for action: Action, in context: Context) -> Binding? {
        bindings.first { $0.action == action && $0.context == context }
    }

    package func bindings(in context: Context) -> [Binding] {
        bindings.filter { $0.context == context }
    }

    /// The contexts whose keys are live, most specific first.
    static func activeContexts(for context: Context) -> [Context] {
        context.isModal || context == .global ? [context] : [context, .global]
    }

    package enum Resolution: Equatable, Sendable {
        case action(Binding)
        /// The keys so far start a longer binding (`g` of `gg`): wait for the next.
        case pending
        case unbound
    }

    /// While a text field has focus, `allowPrintable` is false: printable keys type, they do not command.
    package func resolve(_ sequence: KeySequence, in context: Context, allowPrintable: Bool = true) -> Resolution {
        let live = Self.activeContexts(for: context).flatMap { bindings(in: $0) }.flatMap { binding in
            binding.keys.filter { allowPrintable || !($0.keys.first?.isPrintable ?? false) }.map { (keys: $0, binding: binding) }
        }
        if let exact = live.first(where: { $0.keys == sequence }) { return .action(exact.binding) }
        let startsLonger = live.contains { $0.keys.keys.count > sequence.keys.count && $0.keys.hasPrefix(sequence) }
        return startsLonger ? .pending : .unbound
    }

    /// Markdown listing of every binding, grouped by context, for the README and `eaglehurst --keys`.
    package func markdown() -> String {
        var lines = ["# Eaglehurst keys", ""]
        for context in Context.allCases {
            let rows = bindings(in: context)
            guard !rows.isEmpty else { continue }
            lines += ["## \(context.title)", "", "| keys | action | what it does |", "|---|---|---|"]
            for row in rows {
                let keys = row.keys.map { "`\($0)`" }.joined(separator: ", ")
                let danger = row.dangerous ? " (asks to confirm)" : ""
                lines.append("| \(keys.isEmpty ? "—" : keys) | `\(row.action.rawValue)` | \(row.description)\(danger) |")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }
}
