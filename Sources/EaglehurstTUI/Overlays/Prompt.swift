import EaglehurstAPI
import Foundation

/// A question with one line of text to answer, over any screen: a note to save with, a reason to reject or suspend with.
package struct Prompt: Equatable, Sendable {
    package enum Purpose: Equatable, Sendable {
        case saveNote(listingID: UUID)
        /// A new note on a listing already saved.
        case editNote(listingID: UUID)
        case rejectReason(listingID: UUID)
        case suspendReason(userID: UUID)
        case refusalReason(userID: UUID)
        /// A buyer's first message to a listing's seller.
        case connectionRequest(listingID: UUID)
        /// A seller's answer to a request, with an optional message.
        case respond(connectionID: UUID, accept: Bool)
        /// Where to save a service request's document.
        case saveDocument(requestID: UUID, documentID: UUID)
    }

    package var purpose: Purpose
    package var title: String
    package var form: Form
}

extension App {
    static func promptAction(_ action: Action, state: inout AppState) -> [Effect] {
        guard case .prompt(var prompt) = state.overlay else { return [] }
        guard action == .submit else {
            state.overlay = nil
            return []
        }
        guard prompt.form.validateForSubmit() else {
            state.overlay = .prompt(prompt)
            return []
        }
        state.overlay = nil
        let text = prompt.form.fields[0].value
        switch prompt.purpose {
        case .saveNote(let id):
            state.message = .info("Saving…")
            return [.listings(.saveListing(id: id, notes: text.isEmpty ? nil : text))]
        case .rejectReason(let id):
            state.message = .info("Rejecting…")
            return [.admin(.rejectListing(id: id, reason: text))]
        case .editNote(let id):
            // An empty note is sent as such: leaving it out would keep the old one.
            state.message = .info("Saving the note…")
            return [.listings(.saveListing(id: id, notes: text))]
        case .suspendReason(let id):
            state.message = .info("Suspending…")
            return [.admin(.suspendUser(id: id, suspended: true, reason: text))]
        case .refusalReason(let id):
            state.message = .info("Refusing the identity verification…")
            return [.admin(.verifyUser(id: id, verified: false, reason: text))]
        case .saveDocument(let requestID, let documentID):
            return Services.saveDocument(requestID: requestID, documentID: documentID, to: text, &state.shell)
        case .connectionRequest, .respond:
            return Conversations.conversationPrompt(prompt.purpose, text: text, &state.conversations, &state.shell)
        }
    }


    /// Typing in an overlay's field (a prompt or the text editor).
    static func editOverlay(_ key: Key, state: inout AppState) -> Bool {
        switch state.overlay {
        case .prompt(var prompt):
            guard prompt.form.edit(key) else { return false }
            state.overlay = .prompt(prompt)
            return true
        case .textEditor(var editor):
            guard editor.area.handle(key) else { return false }
            editor.area.keepCursorVisible(height: Layout.textEditorHeight(state.size))
            state.overlay = .textEditor(editor)
            return true
        default:
            return false
        }
    }

    static func drawPrompt(_ prompt: Prompt, theme: Theme, into frame: inout Frame) {
        let width = min(64, frame.size.width - 4)
        let height = 6
        let x = (frame.size.width - width) / 2
        let y = max(1, (frame.size.height - height) / 2)
        drawBox(x: x, y: y, width: width, height: height, title: prompt.title, theme: theme, border: theme[.overlayBorder], into: &frame)
        let field = prompt.form.fields[0]
        let inputX = x + 2
        let inputWidth = width - 4
        frame.fill(x: inputX, y: y + 2, width: inputWidth, style: theme[.inputFocused])
        let visible = field.input.visible(width: inputWidth - 1)
        frame.write(visible.text, x: inputX, y: y + 2, style: theme[.inputFocused])
        frame.cursor = (inputX + visible.cursorColumn, y + 2)
        let below = prompt.form.problem(at: 0).map { ($0, theme[.inputError]) } ?? (field.hint.map { ($0, theme[.textDim]) } ?? ("", theme[.overlay]))
        frame.write(below.0, x: inputX, y: y + 3, style: below.1, maxWidth: inputWidth)
    }
}
