import EaglehurstAPI

/// Everything that can happen to the app. `update` is the only place that reacts.
public enum Message: Equatable, Sendable {
    case key(Key)
    case resized(Size)
    /// Turns the spinner while something is in flight.
    case tick
    case healthChecked(Result<HealthReport, RequestFailure>)
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
    case profileLoaded(Result<ProfileData, RequestFailure>)
    case profileSaved(ProfileEditor.Kind, Result<ProfileData, RequestFailure>)
    /// Input ended (the terminal hung up).
    case inputClosed

    /// The failure this message carries, if it is the answer to a request that failed.
    var failure: RequestFailure? {
        switch self {
        case .healthChecked(.failure(let f)), .signedIn(.failure(let f)), .registered(.failure(let f)),
             .emailVerified(.failure(let f)), .codeResent(.failure(let f)), .resetRequested(.failure(let f)),
             .sessionRestored(.failure(let f)), .profileLoaded(.failure(let f)), .profileSaved(_, .failure(let f)):
            return f
        case .passwordReset(let f), .signedOut(let f):
            return f
        default:
            return nil
        }
    }
}

/// Work that leaves the UI loop. The runner performs it in a task and answers with a message.
public enum Effect: Equatable, Sendable {
    case checkHealth
    case signIn(email: String, password: String)
    case register(Components.Schemas.RegisterRequest)
    case verifyEmail(email: String, code: String)
    case resendCode(email: String)
    case forgotPassword(email: String)
    case resetPassword(token: String, newPassword: String)
    case signOut
    /// Asks who the stored session belongs to (`/auth/me`).
    case restoreSession
    case loadProfile
    case saveProfile(ProfileChange)
}

/// A change the profile screen sends. Files are named by path and read by the runner, off the UI loop.
public enum ProfileChange: Equatable, Sendable {
    case details(Components.Schemas.UpdateProfileRequest)
    case business(Components.Schemas.SellerProfileUpdate)
    case preferences(Components.Schemas.BuyerPreferences)
    case avatar(path: String)
    case document(type: Components.Schemas.KycDocumentType, path: String)
}
