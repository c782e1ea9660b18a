import Foundation

/// A buyer's saved listings.
extension App {
    static let savedBindings: [Binding] =
        listSpecs(.saved) + [
            spec(.saved, .open, "open the listing", hint: "open"),
            spec(.saved, .editNote, "write or change your note on the listing", hint: "note"),
            spec(.saved, .toggleSave, "remove from your saved listings (the note goes too)", hint: "unsave"),
            spec(.saved, .refresh, "reload"),
            spec(.saved, .back, "back to your profile"),
        ]
}
