import Foundation

/// The profile's keys, beside what they do.
extension Profile {
    static let bindings: [Binding] = [
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
        spec(.profile, .goListings, "browse listings"),
        spec(.profile, .goSaved, "your saved listings (buyers)"),
        spec(.profile, .goMyListings, "your listings (sellers)"),
        spec(.profile, .goAdmin, "moderation (admins)"),
    ]

    static func perform(_ action: Action, _ state: inout ProfileScreenState, _ shell: inout Shell) -> [Effect] {
        guard let account = shell.account else { return [] }
        shell.message = nil
        let editor: ProfileEditor
        switch action {
        case .refresh:
            return load(&state)
        case .signOut:
            shell.go(.signOut)
            return []
        case .cancel:
            state.editor = nil
            return []
        case .verifyEmail:
            guard !account.emailVerified else {
                shell.message = .info("Your email address is already verified.")
                return []
            }
            shell.go(.verification(email: account.email))
            return []
        case .editDetails:
            editor = ProfileEditor(kind: .details, form: .profileDetails(account))
        case .editProfile:
            switch account.userType {
            case .seller: editor = ProfileEditor(kind: .business, form: .business(state.data?.seller))
            case .buyer: editor = ProfileEditor(kind: .preferences, form: .preferences(state.data?.buyer?.preferences))
            case .admin:
                shell.message = .info("Admin accounts have no seller or buyer profile.")
                return []
            }
        case .uploadAvatar:
            editor = ProfileEditor(kind: .avatar, form: .avatar())
        case .uploadDocument:
            editor = ProfileEditor(kind: .document, form: .document())
        default:
            return []
        }
        state.editor = editor
        return []
    }

    /// The profile's keys, and where its go-to keys lead.
    static func perform(_ action: Action, in context: Context, _ state: inout ProfileScreenState, _ shell: inout Shell) -> [Effect] {
        switch (context, action) {
        case (.profile, .goListings): shell.go(.screen(.listings))
        case (.profile, .goSaved): shell.go(.screen(.saved))
        case (.profile, .goMyListings): shell.go(.screen(.myListings))
        case (.profile, .goAdmin): shell.go(.screen(.admin))
        case (.profileEdit, .submit): return submit(&state, &shell)
        case (.profile, _), (.profileEdit, .cancel): return perform(action, &state, &shell)
        default: break
        }
        return []
    }
}
