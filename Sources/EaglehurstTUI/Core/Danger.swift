import Foundation

/// Dangerous actions ask first; these route the question of what they act on, and why they cannot
/// be done now, to the feature of the context. Every context is routed.
extension App {
    /// Words for the confirm dialog: what a dangerous action is about to act on.
    static func dangerSubject(_ action: Action, in context: Context, state: AppState) -> String? {
        switch context {
        case .adminQueue, .adminDetail, .adminUsers:
            Admin.dangerSubject(action, in: context, state.admin)
        case .myListings, .sellerDetail:
            Seller.dangerSubject(action, state.seller)
        case .subscriptions, .paymentMethods:
            Subscriptions.dangerSubject(action, state.subscriptions)
        case .serviceDetail:
            Services.dangerSubject(action, state.services)
        case .global, .status, .signin, .register, .verify, .forgotPassword, .resetPassword, .profile, .profileEdit,
             .help, .command, .confirm, .listings, .listingsSearch, .listingsFilter, .listingDetail, .saved,
             .listingForm, .mediaForm, .analytics, .queueFilter, .userFilter,
             .prompt, .textEditor, .threads, .compose, .notifications, .preferences,
             .invoices, .checkout, .checkoutReview, .cardForm,
             .services, .serviceCompose, .serviceDocuments, .serviceChooser, .serviceForm, .dashboard, .gallery:
            nil
        }
    }

    /// Why a dangerous action cannot be done now, said instead of asking to confirm it.
    static func whyNot(_ action: Action, in context: Context, state: AppState) -> String? {
        switch context {
        case .adminUsers:
            Admin.whyNot(action, state.admin)
        case .myListings, .sellerDetail:
            Seller.whyNot(action, state.seller)
        case .subscriptions, .paymentMethods:
            Subscriptions.whyNot(action, state.subscriptions)
        case .serviceDetail:
            Services.whyNot(action, state.services, state.shell)
        case .global, .status, .signin, .register, .verify, .forgotPassword, .resetPassword, .profile, .profileEdit,
             .help, .command, .confirm, .listings, .listingsSearch, .listingsFilter, .listingDetail, .saved,
             .listingForm, .mediaForm, .analytics, .adminQueue, .queueFilter, .adminDetail, .userFilter,
             .prompt, .textEditor, .threads, .compose, .notifications, .preferences,
             .invoices, .checkout, .checkoutReview, .cardForm,
             .services, .serviceCompose, .serviceDocuments, .serviceChooser, .serviceForm, .dashboard, .gallery:
            nil
        }
    }
}
