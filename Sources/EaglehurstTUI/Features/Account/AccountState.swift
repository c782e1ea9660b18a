import EaglehurstAPI
import Foundation

/// The signed-in user as the server describes it.
package typealias Account = Components.Schemas.User

extension Account {
    package var displayName: String {
        let name = "\(firstName) \(lastName)".trimmingCharacters(in: .whitespaces)
        return name.isEmpty ? email : name
    }
}

/// A successful sign-in. The tokens stay with the session keeper; the UI state never holds them.
package struct SignedIn: Equatable, Sendable {
    package var account: Account
    /// Why the session could not be saved for the next start, when it could not.
    package var storageProblem: String?
    /// Connection requests waiting for this seller's answer, asked for at sign-in: a seller with some
    /// lands on the threads.
    package var pendingRequests: Int

    package init(account: Account, storageProblem: String? = nil, pendingRequests: Int = 0) {
        self.account = account
        self.storageProblem = storageProblem
        self.pendingRequests = pendingRequests
    }
}

/// What the profile screen shows: the user, the seller or buyer profile, and identity verification.
package struct ProfileData: Equatable, Sendable {
    package var account: Account
    package var seller: Components.Schemas.SellerProfile?
    package var buyer: Components.Schemas.BuyerProfile?
    package var verification: Components.Schemas.VerificationStatusResponse?

    package init(account: Account, seller: Components.Schemas.SellerProfile? = nil, buyer: Components.Schemas.BuyerProfile? = nil, verification: Components.Schemas.VerificationStatusResponse? = nil) {
        self.account = account
        self.seller = seller
        self.buyer = buyer
        self.verification = verification
    }
}

package struct ProfileScreenState: Equatable, Sendable {
    package var data: ProfileData?
    package var isLoading = false
    package var failure: RequestFailure?
    /// The form open over the profile, if one is.
    package var editor: ProfileEditor?

    /// The data on screen is from an earlier load that has since failed.
    package var isStale: Bool { data != nil && failure != nil }
}

/// A form over the profile screen: what it edits and its fields.
package struct ProfileEditor: Equatable, Sendable {
    package enum Kind: String, Equatable, Sendable {
        case details, business, preferences, avatar, document

        var title: String {
            switch self {
            case .details: "Edit your name and phone"
            case .business: "Edit your business profile"
            case .preferences: "Edit what you are looking for"
            case .avatar: "Upload a profile picture"
            case .document: "Upload an identity or business document"
            }
        }

        var submitting: String {
            switch self {
            case .avatar, .document: "Uploading…"
            default: "Saving…"
            }
        }

        var done: String {
            switch self {
            case .details: "Profile saved."
            case .business: "Business profile saved."
            case .preferences: "Preferences saved."
            case .avatar: "Profile picture uploaded."
            case .document: "Document uploaded; it waits for review."
            }
        }
    }

    package var kind: Kind
    package var form: Form
}

/// A change the profile screen sends. Files are named by path and read by the runner, off the UI loop.
package enum ProfileChange: Equatable, Sendable {
    case details(Components.Schemas.UpdateProfileRequest)
    case business(Components.Schemas.SellerProfileUpdate)
    case preferences(Components.Schemas.BuyerPreferences)
    case avatar(path: String)
    case document(type: Components.Schemas.KycDocumentType, path: String)
}

/// The account screens' forms and what they wait for.
package struct AccountForms: Equatable, Sendable {
    package var signIn: Form
    package var registration = Form.registration()
    package var verification = Form.verification(email: "")
    package var forgotPassword = Form.forgotPassword(email: "")
    package var resetPassword = Form.resetPassword()
    package var isResendingCode = false
    package var isSigningOut = false

    /// A stored session is resumed at start; should it have expired, sign-in starts with its address.
    init(storedSessionEmail: String?) {
        signIn = Form.signIn(email: storedSessionEmail ?? "")
    }

    var isSubmitting: Bool {
        [signIn, registration, verification, forgotPassword, resetPassword].contains { $0.isSubmitting }
    }
}

/// The account forms read and written through the whole state, so app-level code reads as before.
extension AppState {
    package var signIn: Form { get { accountForms.signIn } set { accountForms.signIn = newValue } }
    package var registration: Form { get { accountForms.registration } set { accountForms.registration = newValue } }
    package var verification: Form { get { accountForms.verification } set { accountForms.verification = newValue } }
    package var forgotPassword: Form { get { accountForms.forgotPassword } set { accountForms.forgotPassword = newValue } }
    package var resetPassword: Form { get { accountForms.resetPassword } set { accountForms.resetPassword = newValue } }
    package var isResendingCode: Bool { get { accountForms.isResendingCode } set { accountForms.isResendingCode = newValue } }
    package var isSigningOut: Bool { get { accountForms.isSigningOut } set { accountForms.isSigningOut = newValue } }
}
