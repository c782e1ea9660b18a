/// Where a binding applies. A screen's context is active together with `global`; an overlay's
/// context is active alone, so its keys do not leak to the screen beneath.
public enum Context: String, Hashable, Sendable, CaseIterable {
    case global, status, signin, register, verify, forgotPassword = "forgot_password", resetPassword = "reset_password"
    case profile, profileEdit = "profile_edit", help, command, confirm

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
        }
    }

    var isModal: Bool { self == .help || self == .command || self == .confirm }
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
        ]
    }()

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
