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
    /// Typing in the search line paused; only the pause after the latest keystroke counts.
    case searchSettled(generation: Int)
    case listingPageLoaded(ListingSource, page: Int, generation: Int, Result<PageAnswer<ListingSummary>, RequestFailure>)
    case savedPageLoaded(page: Int, generation: Int, Result<PageAnswer<SavedListing>, RequestFailure>)
    case usersPageLoaded(UserFilter, page: Int, generation: Int, Result<PageAnswer<Account>, RequestFailure>)
    case listingLoaded(id: UUID, Result<DetailAnswer, RequestFailure>)
    /// The listing's saved state now, after a save or unsave.
    case saveChanged(id: UUID, saved: Bool, Result<Bool, RequestFailure>)
    /// A listing the seller created, edited or submitted, or an admin approved or rejected.
    case listingWritten(ListingWrite, Result<ListingDetail, RequestFailure>)
    case listingDeleted(id: UUID, RequestFailure?)
    case mediaUploaded(listingID: UUID, Result<Components.Schemas.ListingMedia, RequestFailure>)
    case mediaDeleted(listingID: UUID, mediaID: UUID, RequestFailure?)
    /// A listing's analytics over the last `days` days.
    case analyticsLoaded(id: UUID, days: Int, Result<Components.Schemas.ListingAnalytics, RequestFailure>)
    case userModerated(Result<Account, RequestFailure>)
    /// `$EDITOR` closed: the new text of a form's field, or the reason it could not run.
    case textEdited(field: String, Result<String, RequestFailure>)
    /// Threads, notifications and the background poll.
    case conversations(ConversationsMessage)

    /// The failure this message carries, if it is the answer to a request that failed.
    var failure: RequestFailure? {
        switch self {
        case .healthChecked(.failure(let f)), .signedIn(.failure(let f)), .registered(.failure(let f)),
             .emailVerified(.failure(let f)), .codeResent(.failure(let f)), .resetRequested(.failure(let f)),
             .sessionRestored(.failure(let f)), .profileLoaded(.failure(let f)), .profileSaved(_, .failure(let f)):
            return f
        case .passwordReset(let f), .signedOut(let f), .listingDeleted(_, let f), .mediaDeleted(_, _, let f):
            return f
        case .listingPageLoaded(_, _, _, .failure(let f)), .savedPageLoaded(_, _, .failure(let f)),
             .usersPageLoaded(_, _, _, .failure(let f)), .listingLoaded(_, .failure(let f)), .saveChanged(_, _, .failure(let f)),
             .listingWritten(_, .failure(let f)), .mediaUploaded(_, .failure(let f)), .analyticsLoaded(_, _, .failure(let f)),
             .userModerated(.failure(let f)):
            return f
        case .conversations(let message):
            return message.failure
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
    /// Waits for typing to pause, then answers `searchSettled`.
    case settleSearch(generation: Int)
    case loadListingPage(ListingSource, page: Int, perPage: Int, generation: Int)
    case loadSavedPage(page: Int, perPage: Int, generation: Int)
    case loadUsersPage(UserFilter, page: Int, perPage: Int, generation: Int)
    case loadListing(id: UUID)
    case saveListing(id: UUID, notes: String?)
    case unsaveListing(id: UUID)
    case createListing(Components.Schemas.ListingCreate)
    case updateListing(id: UUID, Components.Schemas.ListingUpdate, ListingWrite)
    case deleteListing(id: UUID)
    case uploadMedia(listingID: UUID, path: String, caption: String?, confidential: Bool)
    case deleteMedia(listingID: UUID, mediaID: UUID)
    case loadAnalytics(id: UUID, days: Int)
    case approveListing(id: UUID)
    case rejectListing(id: UUID, reason: String)
    /// Verifies a user's identity, or (`verified` false) refuses it with a reason for the user.
    case verifyUser(id: UUID, verified: Bool, reason: String? = nil)
    case suspendUser(id: UUID, suspended: Bool, reason: String?)
    /// Suspends the screen and opens `$EDITOR` on `text`; runs on the UI thread, which owns the terminal.
    case editExternally(field: String, text: String)
    case conversations(ConversationsEffect)
}

/// Which write a listing answer is for, so the right screen takes it.
public enum ListingWrite: Equatable, Sendable {
    case created, edited, submitted, approved, rejected, markedSold, archived
}

/// A change the profile screen sends. Files are named by path and read by the runner, off the UI loop.
public enum ProfileChange: Equatable, Sendable {
    case details(Components.Schemas.UpdateProfileRequest)
    case business(Components.Schemas.SellerProfileUpdate)
    case preferences(Components.Schemas.BuyerPreferences)
    case avatar(path: String)
    case document(type: Components.Schemas.KycDocumentType, path: String)
}
