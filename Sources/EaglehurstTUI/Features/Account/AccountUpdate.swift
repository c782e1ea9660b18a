import EaglehurstAPI

/// Sign-in, registration, verification and password reset: their forms and what each answer does.
/// App-level like the session (Core/Session.swift), since their answers begin and end it.
extension App {
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
                    state.accountForms.registration.showFailure(failure, doing: "Registration", shell: &state.shell)
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
                return Profile.load(&state.profile)
            case .failure(let failure):
                state.accountForms.verification.showFailure(failure, doing: "Verification", shell: &state.shell)
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
                state.accountForms.forgotPassword.showFailure(failure, doing: "Reset request", shell: &state.shell)
            }
        case .passwordReset(let failure):
            state.resetPassword.isSubmitting = false
            state.resetPassword.clearPasswords()
            if let failure {
                state.accountForms.resetPassword.showFailure(failure, doing: "Password reset", shell: &state.shell)
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
                return Profile.load(&state.profile)
            case .failure(let failure):
                state.message = .error("Could not resume your session: \(failure.summary)")
            }
        }
        return []
    }

    static func signInFailureText(_ failure: RequestFailure) -> String {
        switch failure {
        case .problem(let problem) where problem.status == 401: "Email or password is wrong."
        case .notAvailable: "Sign-in is not available on this server yet."
        default: "Sign-in failed: \(failure.summary)"
        }
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

