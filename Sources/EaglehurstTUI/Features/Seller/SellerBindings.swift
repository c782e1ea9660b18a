import Foundation

/// The seller's own listings, a listing opened, its forms and analytics.
extension Seller {
    static let bindings: [Binding] =
        listSpecs(.myListings) + [
            spec(.myListings, .open, "open the listing", hint: "open"),
            spec(.myListings, .newListing, "new listing", hint: "new"),
            spec(.myListings, .editListing, "edit the listing", hint: "edit"),
            spec(.myListings, .submitListing, "submit a draft or rejected listing for approval", hint: "submit"),
            spec(.myListings, .attachMedia, "attach a picture or document", hint: "media"),
            spec(.myListings, .showAnalytics, "views, saves and requests", hint: "stats"),
            spec(.myListings, .markSold, "mark the published listing sold", hint: "sold", dangerous: true),
            spec(.myListings, .archiveListing, "archive the listing (it leaves browse)", hint: "archive", dangerous: true),
            spec(.myListings, .deleteListing, "delete the listing", dangerous: true),
            spec(.myListings, .refresh, "reload"),
            spec(.myListings, .back, "back to your profile"),
            spec(.sellerDetail, .nextMedia, "select the next media item", hint: "media"),
            spec(.sellerDetail, .previousMedia, "select the previous media item"),
            spec(.sellerDetail, .deleteMedia, "delete the selected media item", hint: "delete media", dangerous: true),
            spec(.sellerDetail, .markSold, "mark the published listing sold", hint: "sold", dangerous: true),
            spec(.sellerDetail, .archiveListing, "archive the listing (it leaves browse)", hint: "archive", dangerous: true),
            spec(.sellerDetail, .down, "scroll down", hint: "scroll"),
            spec(.sellerDetail, .up, "scroll up"),
            spec(.sellerDetail, .refresh, "reload the listing"),
            spec(.sellerDetail, .back, "back to your listings", hint: "back"),
            spec(.listingForm, .nextField, "next field", hint: "next field"),
            spec(.listingForm, .previousField, "previous field"),
            spec(.listingForm, .editLongText, "write the description in $EDITOR (or the built-in editor)", hint: "editor"),
            spec(.listingForm, .submit, "save (a new listing is submitted for approval)", hint: "save"),
            spec(.listingForm, .cancel, "close the form without saving", hint: "cancel"),
            spec(.mediaForm, .nextField, "next field", hint: "next field"),
            spec(.mediaForm, .previousField, "previous field"),
            spec(.mediaForm, .submit, "upload", hint: "upload"),
            spec(.mediaForm, .cancel, "close without uploading", hint: "cancel"),
            spec(.analytics, .cyclePeriod, "next period: 7, 30 or 90 days", hint: "period"),
            spec(.analytics, .refresh, "reload"),
            spec(.analytics, .back, "back to your listings", hint: "back"),
        ]

    /// The workflow the server keeps: only a published listing is sold; a sold one stays sold.
    static func whyNot(_ action: Action, _ state: SellerScreenState) -> String? {
        switch action {
        case .markSold:
            guard let (_, _, status) = sellerListing(state), status != .published else { return nil }
            return "Only a published listing is marked sold; this one is \(status.label)."
        case .archiveListing:
            guard let (_, _, status) = sellerListing(state), [.sold, .archived, .pendingApproval].contains(status) else { return nil }
            return status == .pendingApproval ? "A listing waiting for approval is not archived; wait for the admin's answer."
                : "This listing is \(status.label) already."
        case .deleteMedia:
            return selectedMedia(state) == nil ? "This listing has no media to delete." : nil
        default:
            return nil
        }
    }
}

extension Seller {
    static func dangerSubject(_ action: Action, _ state: SellerScreenState) -> String? {
        action == .deleteMedia ? selectedMedia(state)?.fileName : sellerListing(state)?.1
    }
}
