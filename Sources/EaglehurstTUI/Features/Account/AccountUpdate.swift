import EaglehurstAPI

/// Sign-in, registration, verification, password reset, sign-out and the profile: moving between the
/// screens, submitting their forms, and what each answer does.
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
            effect = .account(.saveProfile(change))
        default:
            return []
        }
        state.message = nil
        state[keyPath: path].isSubmitting = true
        return [effect]
    }

    static func resendCode(_ state: inout AppState) -> [Effect] {
        guard !state.isResendingCode else { return [] }
        let email = state.verification["email"]
        guard email.localProblems.isEmpty else {
            state.verification.focus = 0
            _ = state.verification.validateForSubmit()
            state.message = .error("Type your email address first.")
            return []
        }
        state.isResendingCode = true
        state.message = nil
        return [.account(.resendCode(email: email.value))]
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

    static func loadProfile(_ state: inout AppState) -> [Effect] {
        guard !state.profile.isLoading else { return [] }
        state.profile.isLoading = true
        return [.account(.loadProfile)]
    }

    static func profileAction(_ action: Action, state: inout AppState) -> [Effect] {
        guard let account = state.account else { return [] }
        state.message = nil
        let editor: ProfileEditor
        switch action {
        case .refresh:
            return loadProfile(&state)
        case .signOut:
            return signOut(&state)
        case .cancel:
            state.profile.editor = nil
            return []
        case .verifyEmail:
            guard !account.emailVerified else {
                state.message = .info("Your email address is already verified.")
                return []
            }
            state.verification = .verification(email: account.email)
            return show(.verify, state: &state)
        case .editDetails:
            editor = ProfileEditor(kind: .details, form: .profileDetails(account))
        case .editProfile:
            switch account.userType {
            case .seller: editor = ProfileEditor(kind: .business, form: .business(state.profile.data?.seller))
            case .buyer: editor = ProfileEditor(kind: .preferences, form: .preferences(state.profile.data?.buyer?.preferences))
            case .admin:
                state.message = .info("Admin accounts have no seller or buyer profile.")
                return []
            }
        case .uploadAvatar:
            editor = ProfileEditor(kind: .avatar, form: .avatar())
        case .uploadDocument:
            editor = ProfileEditor(kind: .document, form: .document())
        default:
            return []
        }
        state.profile.editor = editor
        return []
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

    private static func endSession(_ state: inout AppState) {
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

    // MARK: answers

    static func accountAnswer(_ message: AccountMessage, state: inout AppState) -> [Effect] {
        switch message {
        case .signedIn(let result):
            state.signIn.isSubmitting = false
            switch result {
            case .success(let answer): return finishSignIn(answer, state: &state)
            case .failure(let failure): state.message = .error(signInFailureText(failure))
            }
        case .registered(let result):
            state.registration.isSubmitting = false
            switch result {
            case .success(let account):
                // Registration gives no tokens: sign in with what was just typed, then forget the password.
                let password = state.registration["password"].value
                state.registration = .registration()
                state.signIn = Form.signIn(email: account.email)
                state.signIn.isSubmitting = true
                state.screen = .signin
                state.message = .ok("Account created for \(account.email). Signing in…")
                return [.account(.signIn(email: account.email, password: password))]
            case .failure(let failure):
                if failure.status == 409 {
                    state.registration["email"].serverProblems = ["is already registered"]
                    state.registration.focus = 0
                    state.message = .error("An account with this email exists: sign in, or use another address.")
                } else {
                    showFailure(failure, in: \.registration, doing: "Registration", state: &state)
                }
                state.registration.clearPasswords()
            }
        case .emailVerified(let result):
            state.verification.isSubmitting = false
            switch result {
            case .success(let account):
                state.verification = .verification(email: "")
                guard state.account != nil else {
                    state.signIn = Form.signIn(email: account.email)
                    state.signIn.focus = 1
                    state.screen = .signin
                    state.message = .ok("Email verified. Sign in with your password.")
                    return []
                }
                state.account = account
                state.screen = .profile
                state.message = .ok("Email verified. Welcome, \(account.displayName).")
                return loadProfile(&state)
            case .failure(let failure):
                showFailure(failure, in: \.verification, doing: "Verification", state: &state)
            }
        case .codeResent(let result):
            state.isResendingCode = false
            switch result {
            case .success(let sentence): state.message = .info(sentence)
            case .failure(let failure): state.message = .error("No new code: \(failure.summary)")
            }
        case .resetRequested(let result):
            state.forgotPassword.isSubmitting = false
            switch result {
            case .success(let sentence):
                state.resetPassword = Form.resetPassword()
                state.screen = .resetPassword
                state.message = .info(sentence)
            case .failure(let failure):
                showFailure(failure, in: \.forgotPassword, doing: "Reset request", state: &state)
            }
        case .passwordReset(let failure):
            state.resetPassword.isSubmitting = false
            state.resetPassword.clearPasswords()
            if let failure {
                showFailure(failure, in: \.resetPassword, doing: "Password reset", state: &state)
                return []
            }
            state.resetPassword = Form.resetPassword()
            let email = state.account?.email ?? state.forgotPassword["email"].value
            // A reset revokes every session of the account, this one too.
            endSession(&state)
            state.signIn = Form.signIn(email: email)
            if !email.isEmpty { state.signIn.focus = 1 }
            state.message = .ok("Password changed. Sign in with the new password.")
        case .signedOut(let failure):
            let email = state.account?.email ?? ""
            endSession(&state)
            state.signIn = Form.signIn(email: email)
            if !email.isEmpty { state.signIn.focus = 1 }
            state.message = failure.map { .error("Signed out (server not told: \($0.summary)).") } ?? .ok("Signed out.")
        case .sessionRestored(let result):
            state.isRestoringSession = false
            switch result {
            case .success(let account):
                state.account = account
                state.message = .ok("Welcome back, \(account.displayName).")
                // Someone who already went elsewhere stays there.
                guard state.screen == .status else { return [] }
                state.screen = .profile
                return loadProfile(&state)
            case .failure(let failure):
                state.message = .error("Could not resume your session: \(failure.summary)")
            }
        case .profileLoaded(let result):
            state.profile.isLoading = false
            switch result {
            case .success(let data):
                state.profile.data = data
                state.profile.failure = nil
                state.account = data.account
            case .failure(let failure):
                state.profile.failure = failure
                state.message = .error("Could not load your profile: \(failure.summary)")
            }
        case .profileSaved(let kind, let result):
            guard var editor = state.profile.editor, editor.kind == kind else { return [] }
            editor.form.isSubmitting = false
            switch result {
            case .success(let data):
                state.profile.editor = nil
                state.profile.data = data
                state.profile.failure = nil
                state.account = data.account
                state.message = .ok(kind.done)
            case .failure(.file(let reason)):
                editor.form["file"].serverProblems = ["cannot be read: \(reason)"]
                editor.form.focus = editor.form.fields.firstIndex { $0.name == "file" } ?? 0
                state.profile.editor = editor
                state.message = .error("Please fix the marked fields.")
            case .failure(let failure):
                state.profile.editor = editor
                showFailure(failure, in: \.profile.editor!.form, doing: "Saving", state: &state)
            }
        }
        return []
    }

    private static func finishSignIn(_ signedIn: SignedIn, state: inout AppState) -> [Effect] {
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

    static func signInFailureText(_ failure: RequestFailure) -> String {
        switch failure {
        case .problem(let problem) where problem.status == 401: "Email or password is wrong."
        case .notAvailable: "Sign-in is not available on this server yet."
        default: "Sign-in failed: \(failure.summary)"
        }
    }

    /// A 422 puts each message beside its field; anything else goes on the error line.
    static func showFailure(_ failure: RequestFailure, in path: WritableKeyPath<AppState, Form>, doing what: String, state: inout AppState) {
        guard case .problem(let problem) = failure, !problem.fieldErrors.isEmpty else {
            state.message = .error("\(what) failed: \(failure.summary)")
            return
        }
        let unplaced = state[keyPath: path].applyServerErrors(problem.fieldErrors)
        state.message = .error((["Please fix the marked fields."] + unplaced).joined(separator: " "))
    }
}

extension App {
    static func accountFormAction(_ action: Action, in context: Context, state: inout AppState) -> [Effect] {
        switch (context, action) {
        case (.signin, .createAccount):
            return show(.register, state: &state)
        case (.signin, .forgotPassword):
            if state.forgotPassword["email"].value.isEmpty { state.forgotPassword["email"].input.setText(state.signIn["email"].value) }
            return show(.forgotPassword, state: &state)
        case (.verify, .resendCode):
            return resendCode(&state)
        case (.forgotPassword, .haveToken):
            return show(.resetPassword, state: &state)
        default:
            return []
        }
    }
}

extension App {
    static func profileAction(_ action: Action, in context: Context, state: inout AppState) -> [Effect] {
        switch (context, action) {
        case (.profile, .goListings):
            return show(.listings, state: &state)
        case (.profile, .goSaved):
            return show(.saved, state: &state)
        case (.profile, .goMyListings):
            return show(.myListings, state: &state)
        case (.profile, .goAdmin):
            return show(.admin, state: &state)
        case (.profile, _), (.profileEdit, .cancel):
            return profileAction(action, state: &state)
        default:
            return []
        }
    }
}
