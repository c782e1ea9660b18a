import EaglehurstAPI
import Foundation

/// Which write a listing answer is for, so the right screen takes it.
package enum ListingWrite: Equatable, Sendable {
    case created, edited, submitted, approved, rejected, markedSold, archived
}

/// What the seller's screen has open over the table.
package enum SellerPanel: Equatable, Sendable {
    case detail(ListingDetailState)
    /// Create (`listingID` nil) or edit a listing.
    case form(ListingEditor)
    case media(listingID: UUID, title: String, form: Form)
    case analytics(AnalyticsState)
}

package struct ListingEditor: Equatable, Sendable {
    /// Nil for a new listing.
    package var listingID: UUID?
    package var form: Form
    /// The listing as it was when the form opened: an edit sends only what changed.
    package var original: ListingDetail?
}

package struct AnalyticsState: Equatable, Sendable {
    package var listingID: UUID
    package var title: String
    package var analytics: Components.Schemas.ListingAnalytics?
    /// The period asked for, in days.
    package var days = AnalyticsState.periods[1]
    package var isLoading = true
    package var failure: RequestFailure?
}

extension AnalyticsState {
    /// The periods `p` steps through.
    static let periods = [7, 30, 90]

    var nextPeriod: Int { Self.periods.first { $0 > days } ?? Self.periods[0] }
}

package struct SellerScreenState: Equatable, Sendable {
    package var list = PagedList<ListingSummary>()
    package var panel: SellerPanel?
    package var receivedAt: Date?
}

extension SellerPanel {
    /// The listing form, for key paths; a panel that is not the form has none to write into.
    var editorForm: Form {
        get { if case .form(let editor) = self { editor.form } else { Form([]) } }
        set { if case .form(var editor) = self { editor.form = newValue; self = .form(editor) } }
    }

    var mediaForm: Form {
        get { if case .media(_, _, let form) = self { form } else { Form([]) } }
        set { if case .media(let id, let title, _) = self { self = .media(listingID: id, title: title, form: newValue) } }
    }

    var isBusy: Bool {
        switch self {
        case .detail(let detail): detail.isLoading
        case .form(let editor): editor.form.isSubmitting
        case .media(_, _, let form): form.isSubmitting
        case .analytics(let analytics): analytics.isLoading
        }
    }
}

extension SellerPanel {
    /// A failed save or upload, shown on the panel's form.
    mutating func showFailure(_ failure: RequestFailure, doing what: String, shell: inout Shell) {
        switch self {
        case .form: editorForm.showFailure(failure, doing: what, shell: &shell)
        case .media: mediaForm.showFailure(failure, doing: what, shell: &shell)
        case .detail, .analytics: shell.message = .error("\(what) failed: \(failure.summary)")
        }
    }
}
