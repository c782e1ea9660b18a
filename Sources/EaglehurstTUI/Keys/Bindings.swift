/// Where a binding applies. A screen's context is active together with `global`; an overlay's
/// context is active alone, so its keys do not leak to the screen beneath.
public enum Context: String, Hashable, Sendable, CaseIterable {
    case global, status, signin, register, verify, forgotPassword = "forgot_password", resetPassword = "reset_password"
    case profile, profileEdit = "profile_edit", help, command, confirm
    case listings, listingsSearch = "listings_search", listingsFilter = "listings_filter", listingDetail = "listing_detail"
    case saved, myListings = "my_listings", sellerDetail = "seller_detail", listingForm = "listing_form", mediaForm = "media_form", analytics
    case adminQueue = "admin_queue", queueFilter = "queue_filter", adminDetail = "admin_detail", adminUsers = "admin_users", userFilter = "user_filter"
    case prompt, textEditor = "text_editor"
    case threads, compose, notifications, preferences

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
        }
    }

    /// The contexts of the listings screens and their overlays.
    var isListings: Bool {
        [.listings, .listingsSearch, .listingsFilter, .listingDetail, .saved, .myListings, .sellerDetail, .listingForm, .mediaForm,
         .analytics, .adminQueue, .queueFilter, .adminDetail, .adminUsers, .userFilter, .prompt, .textEditor].contains(self)
    }

    /// The contexts of the threads and notifications screens.
    var isConversations: Bool { [.threads, .compose, .notifications, .preferences].contains(self) }

    var isModal: Bool { [.help, .command, .confirm, .prompt, .textEditor].contains(self) }
}

/// What a key asks for. The raw value is the name keymap files use.
public enum Action: String, Hashable, Sendable, CaseIterable {
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
    /// Asked through the confirm dialog only: unsaving throws the note away.
    case unsave
}

public struct Binding: Equatable, Sendable {
    public var keys: [KeySequence]
    public var action: Action
    public var description: String
    public var context: Context
    public var dangerous: Bool
    /// The footer's short label, or nil to leave it to the `?` overlay.
    public var hint: String?
}

/// The one table of what every key does, in which context. Dispatch, the footer hints, the `?` overlay
/// and the Markdown docs all read it.
public struct BindingTable: Equatable, Sendable {
    public private(set) var bindings: [Binding]

    public init(bindings: [Binding]) { self.bindings = bindings }

    /// Actions that exist, with their descriptions; their keys come from the keymap.
    static let specs: [Binding] = {
        func spec(_ context: Context, _ action: Action, _ description: String, hint: String? = nil, dangerous: Bool = false) -> Binding {
            Binding(keys: [], action: action, description: description, context: context, dangerous: dangerous, hint: hint)
        }
        return [
            spec(.global, .help, "show all keys", hint: "help"),
            spec(.global, .commandLine, "command line (go to a screen)", hint: "command"),
            spec(.global, .quit, "quit", hint: "quit"),
            spec(.global, .goThreads, "messages: your connections and their threads"),
            spec(.global, .goNotifications, "notifications"),
            spec(.status, .refresh, "check the server again", hint: "refresh"),
            spec(.status, .signIn, "sign in (or your profile when signed in)", hint: "sign in"),
            spec(.signin, .nextField, "next field", hint: "next field"),
            spec(.signin, .previousField, "previous field"),
            spec(.signin, .submit, "sign in", hint: "sign in"),
            spec(.signin, .createAccount, "create an account"),
            spec(.signin, .forgotPassword, "forgot password: get a reset token by mail"),
            spec(.signin, .back, "back to server status", hint: "back"),
            spec(.register, .nextField, "next field", hint: "next field"),
            spec(.register, .previousField, "previous field"),
            spec(.register, .submit, "create the account", hint: "create"),
            spec(.register, .back, "back to sign in", hint: "back"),
            spec(.verify, .nextField, "next field", hint: "next field"),
            spec(.verify, .previousField, "previous field"),
            spec(.verify, .submit, "verify the code", hint: "verify"),
            spec(.verify, .resendCode, "mail a new code"),
            spec(.verify, .back, "back", hint: "back"),
            spec(.forgotPassword, .submit, "mail me a reset token", hint: "send"),
            spec(.forgotPassword, .haveToken, "I have a token: set a new password", hint: "have a token"),
            spec(.forgotPassword, .back, "back to sign in", hint: "back"),
            spec(.resetPassword, .nextField, "next field", hint: "next field"),
            spec(.resetPassword, .previousField, "previous field"),
            spec(.resetPassword, .submit, "set the new password", hint: "set password"),
            spec(.resetPassword, .back, "back to sign in", hint: "back"),
            spec(.profile, .editDetails, "edit name and phone", hint: "edit"),
            spec(.profile, .editProfile, "edit the business profile (seller) or preferences (buyer)", hint: "buyer/seller"),
            spec(.profile, .uploadAvatar, "upload a profile picture", hint: "avatar"),
            spec(.profile, .uploadDocument, "upload an identity (KYC) document", hint: "KYC"),
            spec(.profile, .verifyEmail, "verify the email address"),
            spec(.profile, .refresh, "reload the profile"),
            spec(.profile, .signOut, "sign out", hint: "sign out"),
            spec(.profileEdit, .nextField, "next field", hint: "next field"),
            spec(.profileEdit, .previousField, "previous field"),
            spec(.profileEdit, .submit, "save or upload", hint: "save"),
            spec(.profileEdit, .cancel, "close the form without saving", hint: "cancel"),
            spec(.help, .close, "close help", hint: "close"),
            spec(.help, .down, "scroll down", hint: "scroll"),
            spec(.help, .up, "scroll up"),
            spec(.help, .pageDown, "page down"),
            spec(.help, .pageUp, "page up"),
            spec(.help, .top, "go to top"),
            spec(.help, .bottom, "go to bottom"),
            spec(.command, .complete, "complete the screen name", hint: "complete"),
            spec(.command, .run, "run", hint: "run"),
            spec(.command, .cancel, "cancel", hint: "cancel"),
            spec(.confirm, .confirm, "yes, do it", hint: "yes"),
            spec(.confirm, .cancel, "no, keep things as they are", hint: "no"),
            spec(.confirm, .toggleChoice, "switch between yes and no"),
            spec(.confirm, .choose, "choose the highlighted answer", hint: "choose"),
            spec(.profile, .goListings, "browse listings"),
            spec(.profile, .goSaved, "your saved listings (buyers)"),
            spec(.profile, .goMyListings, "your listings (sellers)"),
            spec(.profile, .goAdmin, "moderation (admins)"),
        ] + listSpecs(.listings) + [
            spec(.listings, .open, "open the listing", hint: "open"),
            spec(.listings, .search, "search as you type", hint: "search"),
            spec(.listings, .filter, "filters: type, region, price, revenue", hint: "filter"),
            spec(.listings, .sort, "next sort order", hint: "sort"),
            spec(.listings, .clearFilters, "clear the search and filters"),
            spec(.listings, .toggleSave, "save or unsave the listing", hint: "save"),
            spec(.listings, .refresh, "reload"),
            spec(.listings, .back, "back to your profile"),
            spec(.listingsSearch, .run, "keep this search and go to the table", hint: "done"),
            spec(.listingsSearch, .cancel, "clear the search", hint: "clear"),
            spec(.listingsSearch, .down, "next row"),
            spec(.listingsSearch, .up, "previous row"),
            spec(.listingsFilter, .nextField, "next field", hint: "next field"),
            spec(.listingsFilter, .previousField, "previous field"),
            spec(.listingsFilter, .submit, "apply the filters", hint: "apply"),
            spec(.listingsFilter, .cancel, "close without applying", hint: "cancel"),
            spec(.listingDetail, .toggleSave, "save or unsave (buyers)", hint: "save"),
            spec(.listingDetail, .requestConnection, "ask the seller to connect, with a first message (buyers)", hint: "connect"),
            spec(.listingDetail, .down, "scroll down", hint: "scroll"),
            spec(.listingDetail, .up, "scroll up"),
            spec(.listingDetail, .refresh, "reload the listing"),
            spec(.listingDetail, .back, "back to the list", hint: "back"),
        ] + listSpecs(.saved) + [
            spec(.saved, .open, "open the listing", hint: "open"),
            spec(.saved, .editNote, "write or change your note on the listing", hint: "note"),
            spec(.saved, .toggleSave, "remove from your saved listings (the note goes too)", hint: "unsave"),
            spec(.saved, .refresh, "reload"),
            spec(.saved, .back, "back to your profile"),
        ] + listSpecs(.myListings) + [
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
        ] + listSpecs(.adminQueue) + [
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
            spec(.prompt, .submit, "send", hint: "send"),
            spec(.prompt, .cancel, "cancel", hint: "cancel"),
            spec(.textEditor, .done, "keep the text", hint: "done"),
            spec(.textEditor, .cancel, "throw the changes away", hint: "cancel"),
        ] + listSpecs(.threads) + [
            spec(.threads, .compose, "write in the selected thread", hint: "write"),
            spec(.threads, .editLongText, "write the message in $EDITOR (or the built-in editor)", hint: "editor"),
            spec(.threads, .accept, "accept the request, with an optional message (sellers)", hint: "accept"),
            spec(.threads, .reject, "reject the request, with an optional reason (sellers)", hint: "reject"),
            spec(.threads, .block, "block the connection: nobody can write in it again", dangerous: true),
            spec(.threads, .notes, "your private notes on this connection", hint: "notes"),
            spec(.threads, .filter, "show all, requests, accepted, rejected or blocked", hint: "filter"),
            spec(.threads, .scrollThreadUp, "scroll the thread back", hint: "scroll"),
            spec(.threads, .scrollThreadDown, "scroll the thread forward"),
            spec(.threads, .refresh, "reload"),
            spec(.threads, .back, "back to your profile"),
            spec(.compose, .send, "send the message", hint: "send"),
            spec(.compose, .newline, "start a new line", hint: "new line"),
            spec(.compose, .editLongText, "write it in $EDITOR (or the built-in editor)", hint: "editor"),
            spec(.compose, .cancel, "back to the connections (the draft is kept)", hint: "list"),
        ] + listSpecs(.notifications) + [
            spec(.notifications, .open, "go to what it is about (and mark it read)", hint: "open"),
            spec(.notifications, .markRead, "mark read", hint: "read"),
            spec(.notifications, .markAllRead, "mark all read", hint: "all read"),
            spec(.notifications, .toggleUnread, "unread only, or all", hint: "unread"),
            spec(.notifications, .showPreferences, "email and push preferences per kind", hint: "preferences"),
            spec(.notifications, .refresh, "reload"),
            spec(.notifications, .back, "back to your profile"),
            spec(.preferences, .down, "next kind", hint: "move"),
            spec(.preferences, .up, "previous kind"),
            spec(.preferences, .toggleEmail, "email on or off", hint: "email"),
            spec(.preferences, .togglePush, "push on or off", hint: "push"),
            spec(.preferences, .close, "back to the notifications", hint: "close"),
        ]
    }()

    /// Moving through a table, the same in every list.
    private static func listSpecs(_ context: Context) -> [Binding] {
        [
            Binding(keys: [], action: .down, description: "next row", context: context, dangerous: false, hint: "move"),
            Binding(keys: [], action: .up, description: "previous row", context: context, dangerous: false, hint: nil),
            Binding(keys: [], action: .pageDown, description: "page down", context: context, dangerous: false, hint: nil),
            Binding(keys: [], action: .pageUp, description: "page up", context: context, dangerous: false, hint: nil),
            Binding(keys: [], action: .top, description: "first row", context: context, dangerous: false, hint: nil),
            Binding(keys: [], action: .bottom, description: "last row", context: context, dangerous: false, hint: nil),
        ]
    }

    public func binding(for action: Action, in context: Context) -> Binding? {
        bindings.first { $0.action == action && $0.context == context }
    }

    public func bindings(in context: Context) -> [Binding] {
        bindings.filter { $0.context == context }
    }

    /// The contexts whose keys are live, most specific first.
    static func activeContexts(for context: Context) -> [Context] {
        context.isModal || context == .global ? [context] : [context, .global]
    }

    public enum Resolution: Equatable, Sendable {
        case action(Binding)
        /// The keys so far start a longer binding (`g` of `gg`): wait for the next.
        case pending
        case unbound
    }

    /// While a text field has focus, `allowPrintable` is false: printable keys type, they do not command.
    public func resolve(_ sequence: KeySequence, in context: Context, allowPrintable: Bool = true) -> Resolution {
        let live = Self.activeContexts(for: context).flatMap { bindings(in: $0) }.flatMap { binding in
            binding.keys.filter { allowPrintable || !($0.keys.first?.isPrintable ?? false) }.map { (keys: $0, binding: binding) }
        }
        if let exact = live.first(where: { $0.keys == sequence }) { return .action(exact.binding) }
        let startsLonger = live.contains { $0.keys.keys.count > sequence.keys.count && $0.keys.hasPrefix(sequence) }
        return startsLonger ? .pending : .unbound
    }

    /// Markdown listing of every binding, grouped by context, for the README and `eaglehurst --keys`.
    public func markdown() -> String {
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
