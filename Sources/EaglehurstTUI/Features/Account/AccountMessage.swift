import EaglehurstAPI

/// Answers about the account: signing in and out, registration, verification, passwords, the profile.
package enum AccountMessage: Equatable, Sendable {
    case signedIn(Result<SignedIn, RequestFailure>)
    case registered(Result<Account, RequestFailure>)
    case emailVerified(Result<Account, RequestFailure>)
    /// The server's sentence about the new code.
    case codeResent(Result<String, RequestFailure>)
    /// The server's sentence, the same whether or not the address has an account.
    case resetRequested(Result<String, RequestFailure>)
    /// Nil when the password was changed.
    case passwordReset(RequestFailure?)
    /// The session is gone here either way; the failure says why the server could not be told.
    case signedOut(RequestFailure?)
    /// The stored session's user, asked for at start.
    case sessionRestored(Result<Account, RequestFailure>)

    var failure: RequestFailure? {
        switch self {
        case .signedIn(let result): result.failure
        case .registered(let result), .emailVerified(let result), .sessionRestored(let result): result.failure
        case .codeResent(let result), .resetRequested(let result): result.failure
        case .passwordReset(let failure), .signedOut(let failure): failure
        }
    }
}

package enum AccountEffect: Equatable, Sendable {
    case signIn(email: String, password: String)
    case register(Components.Schemas.RegisterRequest)
    case verifyEmail(email: String, code: String)
    case resendCode(email: String)
    case forgotPassword(email: String)
    case resetPassword(token: String, newPassword: String)
    case signOut
    /// Asks who the stored session belongs to (`/auth/me`).
    case restoreSession
}

/// The profile's answers.
package enum ProfileMessage: Equatable, Sendable {
    case profileLoaded(Result<ProfileData, RequestFailure>)
    case profileSaved(ProfileEditor.Kind, Result<ProfileData, RequestFailure>)

    var failure: RequestFailure? {
        switch self {
        case .profileLoaded(let result), .profileSaved(_, let result): result.failure
        }
    }
}

package enum ProfileEffect: Equatable, Sendable {
    case loadProfile
    case saveProfile(ProfileChange)
}
