import EaglehurstAPI
import Foundation

/// A listing opened over a list (the browser's, the saved list's, the admin's, the seller's). The
/// feature that opened it owns the state; these are the parts they share.
enum OpenListing {
    /// Takes a listing's answer into `detail` if it is the listing open there.
    static func take(id: UUID, _ result: Result<DetailAnswer, RequestFailure>, into detail: inout ListingDetailState?, shell: inout Shell) {
        guard var open = detail, open.id == id else { return }
        take(result, into: &open, shell: &shell)
        detail = open
    }

    static func take(_ result: Result<DetailAnswer, RequestFailure>, into detail: inout ListingDetailState, shell: inout Shell) {
        detail.isLoading = false
        switch result {
        case .success(let answer):
            detail.listing = answer.listing
            detail.title = answer.listing.title
            detail.selectedMedia = min(detail.selectedMedia, max(0, answer.listing.media.count - 1))
            detail.isStale = answer.isStale
            detail.failure = nil
            if answer.isStale { shell.connection = .unreachable }
        case .failure(let failure):
            detail.failure = failure
            detail.isStale = detail.listing != nil
            shell.message = .error("Could not load the listing: \(failure.summary)")
        }
    }

    static func scroll(_ detail: inout ListingDetailState?, by rows: Int) {
        guard var open = detail else { return }
        open.scroll = max(0, open.scroll + rows)
        detail = open
    }

    /// Saving asks for a note first; unsaving asks to confirm, since the note goes too. Buyers only.
    static func toggleSave(id: UUID, title: String, isSaved: Bool, context: Context, shell: inout Shell) -> [Effect] {
        guard shell.account?.userType == .buyer else {
            shell.message = .info(shell.account == nil ? "Sign in as a buyer to save listings." : "Only buyers save listings.")
            return []
        }
        if isSaved {
            shell.overlay = .confirm(ConfirmDialog(question: "Remove “\(title)” from your saved listings?", action: .unsave, context: context))
        } else {
            shell.overlay = .prompt(Prompt(purpose: .saveNote(listingID: id), title: "Save “\(title)”", form: .note()))
        }
        return []
    }

    /// The keys of a listing opened from the browser or the saved list (`listing_detail`).
    static func perform(_ action: Action, _ detail: inout ListingDetailState?, _ shell: inout Shell) -> [Effect] {
        guard let open = detail else { return [] }
        switch action {
        case .back:
            detail = nil
            shell.message = nil
        case .refresh:
            return [.listings(.loadListing(id: open.id))]
        case .toggleSave:
            return toggleSave(id: open.id, title: open.title, isSaved: open.listing?.isSaved == true, context: .listingDetail, shell: &shell)
        case .unsave:
            return [.listings(.unsaveListing(id: open.id))]
        case .requestConnection:
            shell.go(.connectionRequest(listingID: open.id, title: open.title))
        case .askService:
            shell.go(.serviceRequest(listingID: open.id, title: open.title))
        case .down:
            scroll(&detail, by: 1)
        case .up:
            scroll(&detail, by: -1)
        default:
            break
        }
        return []
    }
}
