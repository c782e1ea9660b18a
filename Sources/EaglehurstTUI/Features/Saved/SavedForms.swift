import EaglehurstAPI
import Foundation

extension Form {
    static func note() -> Form {
        Form([FormField("notes", "Note", .text(required: false, maxLength: 2000), hint: "private to you; optional")])
    }

    static func note(_ text: String) -> Form {
        Form([FormField("notes", "Note", .text(required: false, maxLength: 2000), text: text, hint: "private to you; empty clears it")])
    }
}
