import EaglehurstAPI
import Foundation

extension App {
    /// Goes to a screen, or says why not: the profile needs a session, and signing in or registering
    /// while signed in would leave a session behind.
    static func show(_ screen: ScreenID, state: inout AppState) -> [Effect] {
        state.message = nil
        switch screen {
        case .profile:
            guard state.account != nil else {
                state.screen = .signin
                state.message = .info("Sign in to see your profile.")
                return []
            }
        case .signin, .register:
            if let account = state.account {
                state.message = .info("You are signed in as \(account.email); :signout first to use another account.")
                return []
            }
        case .verify:
            if state.verification["email"].value.isEmpty, let account = state.account {
                state.verification = .verification(email: account.email)
            } else if state.verification["email"].value.isEmpty {
                state.verification["email"].input.setText(state.signIn["email"].value)
            }
        case .listings, .saved, .myListings, .admin:
            return showListingScreen(screen, state: &state)
        case .threads, .notifications:
            return Conversations.show(screen, &state.conversations, &state.shell)
        case .subscriptions:
            return Subscriptions.open(&state.subscriptions, &state.shell)
        case .services:
            return Services.open(&state.services, &state.shell)
        case .dashboard:
            return Dashboard.open(&state.dashboard, &state.shell)
        case .status, .forgotPassword, .resetPassword:
            break
        }
        state.screen = screen
        guard screen == .profile else { return [] }
        state.profile.editor = nil
        return Profile.load(&state.profile)
    }

    static func goBack(_ state: inout AppState) -> [Effect] {
        if state.screen == .signin {
            state.screen = state.account == nil ? .status : .profile
        } else if state.account == nil {
            // Browsing signed out: back is the server status, where signing in starts.
            state.screen = state.screen == .listings ? .status : .signin
        } else {
            state.screen = .profile
        }
        state.message = nil
        return []
    }

    /// Takes the user where a feature asked to go; the features concerned each do their part.
    static func go(_ destination: Destination, state: inout AppState) -> [Effect] {
        switch destination {
        case .screen(let screen):
            return show(screen, state: &state)
        case .listing(let id, let title):
            if state.account?.userType == .seller {
                return show(.myListings, state: &state) + Seller.open(listing: id, title: title, &state.seller)
            }
            return show(.listings, state: &state) + Browse.open(listing: id, title: title, &state.browser)
        case .moderationQueue(let queue):
            return show(.admin, state: &state) + Admin.openQueue(queue, &state.admin, state.shell)
        case .back:
            return goBack(&state)
        case .signOut:
            return signOut(&state)
        case .verification(let email):
            state.verification = .verification(email: email)
            return show(.verify, state: &state)
        case .connectionRequest(let id, let title):
            return Conversations.requestConnection(listingID: id, title: title, &state.conversations, &state.shell)
        case .serviceRequest(let id, let title):
            return Services.ask(about: id, title: title, &state.services, &state.shell)
        case .serviceRequestOpened(let id, let title):
            return Services.open(id, title: title, &state.services, &state.shell)
        case .adminTab(let tab):
            return show(.admin, state: &state) + Admin.openTab(tab, &state.admin, state.shell)
        }
    }

    /// Opens a listings screen, or says who it is for. A list already loaded stays, and is revalidated.
    static func showListingScreen(_ screen: ScreenID, state: inout AppState) -> [Effect] {
        let role = state.account?.userType
        switch screen {
        case .saved where role != .buyer, .myListings where role != .seller, .admin where role != .admin:
            let who = screen == .saved ? "buyers" : screen == .myListings ? "sellers" : "admins"
            state.message = .info(state.account == nil ? "Sign in to see \(screen.title.lowercased())." : "\(screen.title) is for \(who).")
            if state.account == nil { state.screen = .signin }
            return []
        default:
            break
        }
        state.screen = screen
        resizeLists(&state)
        return reload(&state)
    }

}
