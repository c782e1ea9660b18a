import Foundation

/// Connections, their threads and the compose box.
extension App {
    static let threadsBindings: [Binding] =
        listSpecs(.threads) + [
            spec(.threads, .compose, "write in the selected thread", hint: "write"),
            spec(.threads, .editLongText, "write the message in $EDITOR (or the built-in editor)", hint: "editor"),
            spec(.threads, .accept, "accept the request, with an optional message (sellers)", hint: "accept"),
            spec(.threads, .reject, "reject the request, with an optional reason (sellers)", hint: "reject"),
            spec(.threads, .block, "block the connection: nobody can write in it again", dangerous: true),
            spec(.threads, .notes, "your private notes on this connection", hint: "notes"),
            spec(.threads, .filter, "show all, requests, accepted, rejected or blocked", hint: "filter"),
            spec(.threads, .scrollThreadUp, "scroll the thread back", hint: "scroll"),
            spec(.threads, .scrollThreadDown, "scroll the thread forward"),
            spec(.threads, .refresh, "reload"),
            spec(.threads, .back, "back to your profile"),
            spec(.compose, .send, "send the message", hint: "send"),
            spec(.compose, .newline, "start a new line", hint: "new line"),
            spec(.compose, .editLongText, "write it in $EDITOR (or the built-in editor)", hint: "editor"),
            spec(.compose, .cancel, "back to the connections (the draft is kept)", hint: "list"),
        ]
}
