/// The session: signing in lands each role where its work is; signing out, a password reset or an
/// expired session clears every feature, since another user may sign in next. App-level because it
/// concerns every feature at once.
extension App {
    static let expiredText = "Your session expired; sign in again."

    /// Checks the current form by the shared rules and sends it.
    static func submit(_ state: inout AppState) -> [Effect] {
        guard let path = state.formPath, !state[keyPath: path].isSubmitting else { return [] }
        guard state[keyPath: path].validateForSubmit() else {
            state.message = .error("Please fix the marked fields.")
            return []
        }
        let form = state[keyPath: path]
        let effect: Effect
        switch state.screen {
        case .signin:
            effect = .account(.signIn(email: form["email"].value, password: form["password"].value))
        case .register:
            effect = .account(.register(.init(
                email: form["email"].value, password: form["password"].value,
                userType: form["user_type"].value == "seller" ? .seller : .buyer,
                firstName: form["first_name"].value, lastName: form["last_name"].value,
                phone: form["phone"].value.isEmpty ? nil : form["phone"].value
            )))
        case .verify:
            effect = .account(.verifyEmail(email: form["email"].value, code: form["otp_code"].value))
        case .forgotPassword:
            effect = .account(.forgotPassword(email: form["email"].value))
        case .resetPassword:
            effect = .account(.resetPassword(token: form["token"].value, newPassword: form["new_password"].value))
        case .profile:
            guard let change = state.profile.editor?.change else { return [] }
            effect = .profile(.saveProfile(change))
        default:
            return []
        }
        state.message = nil
        state[keyPath: path].isSubmitting = true
        return [effect]
    }

    static func signOut(_ state: inout AppState) -> [Effect] {
        guard state.account != nil || state.isRestoringSession else {
            state.message = .info("You are not signed in.")
            return []
        }
        guard !state.isSigningOut else { return [] }
        state.isSigningOut = true
        state.message = nil
        return [.account(.signOut)]
    }

    /// The server would not renew the session: back to sign-in, nothing half-done left on screen.
    static func expireSession(_ state: inout AppState) -> [Effect] {
        let email = state.account?.email ?? state.signIn["email"].value
        endSession(&state)
        state.signIn = Form.signIn(email: email)
        if !email.isEmpty { state.signIn.focus = 1 }
        state.message = .error(expiredText)
        return []
    }

    static func endSession(_ state: inout AppState) {
        state.account = nil
        state.profile = ProfileScreenState()
        // Another user may sign in next: nothing of this one's (saved flags, confidential fields) stays.
        state.browser = BrowserState()
        state.saved = SavedScreenState()
        state.seller = SellerScreenState()
        state.admin = AdminScreenState()
        // The poll stops; answers still on their way belong to the old cycle and are dropped.
        let token = state.conversations.poll.token + 1
        state.conversations = ConversationsState()
        state.services = ServicesState()
        state.dashboard = DashboardState()
        state.conversations.poll.token = token
        state.unreadCount = nil
        state.isRestoringSession = false
        state.isSigningOut = false
        state.isResendingCode = false
        for path: WritableKeyPath<AppState, Form> in [\.signIn, \.registration, \.verification, \.forgotPassword, \.resetPassword] {
            state[keyPath: path].isSubmitting = false
        }
        state.overlay = nil
        state.screen = .signin
    }

    static func finishSignIn(_ signedIn: SignedIn, state: inout AppState) -> [Effect] {
        let account = signedIn.account
        state.account = account
        state.signIn.clearPasswords()
        let saved = signedIn.storageProblem.map { " (Not kept for next time: \($0).)" } ?? ""
        guard account.emailVerified else {
            state.verification = .verification(email: account.email)
            state.screen = .verify
            let resend = state.bindings.binding(for: .resendCode, in: .verify)?.keys.first.map { " (\($0) mails a new one)" } ?? ""
            state.message = .info("Enter the 6-digit code we mailed to \(account.email)\(resend).\(saved)")
            return []
        }
        let effects = show(landing(for: account, pendingRequests: signedIn.pendingRequests), state: &state)
        state.message = signedIn.storageProblem == nil ? .ok("Signed in as \(account.displayName).") : .error("Signed in.\(saved)")
        return effects
    }

    /// Where a signed-in user's work is: buyers browse, sellers answer waiting requests (else tend
    /// their listings), admins moderate.
    static func landing(for account: Account, pendingRequests: Int) -> ScreenID {
        switch account.userType {
        case .buyer: .listings
        case .seller: pendingRequests > 0 ? .threads : .myListings
        case .admin: .admin
        }
    }
}
