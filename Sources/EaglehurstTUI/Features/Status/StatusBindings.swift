import Foundation

/// The server status screen.
extension App {
    static let statusBindings: [Binding] = [
        spec(.status, .refresh, "check the server again", hint: "refresh"),
        spec(.status, .signIn, "sign in (or your profile when signed in)", hint: "sign in"),
    ]
}
