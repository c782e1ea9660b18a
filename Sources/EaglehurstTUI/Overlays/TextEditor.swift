import EaglehurstAPI
import Foundation

/// The in-app editor over a form's long-text field.
package struct TextEditorOverlay: Equatable, Sendable {
    package var field: String
    package var label: String
    package var area: TextArea
}

extension App {
    static func textEditorAction(_ action: Action, state: inout AppState) -> [Effect] {
        guard case .textEditor(let editor) = state.overlay else { return [] }
        state.overlay = nil
        guard action == .done else { return [] }
        return takeLongText(editor.area.text, field: editor.field, state: &state)
    }

    /// Long text written in an editor goes to the field it was opened for: a message, notes, or the
    /// listing form's description.
    static func takeLongText(_ text: String, field: String, state: inout AppState) -> [Effect] {
        if let effects = Conversations.conversationText(text, field: field, &state.conversations, &state.shell) { return effects }
        if let effects = Services.takeLongText(text, field: field, &state.services) { return effects }
        Seller.setLongText(text, field: field, &state.seller)
        return []
    }

    static func drawTextEditor(_ editor: TextEditorOverlay, theme: Theme, into frame: inout Frame) {
        let width = max(20, frame.size.width - 4)
        let height = Layout.textEditorHeight(frame.size) + 2
        let x = 2, y = 1
        drawBox(x: x, y: y, width: width, height: height, title: editor.label, theme: theme, border: theme[.overlayBorder], into: &frame)
        let area = editor.area
        let inner = width - 4
        for (index, line) in area.lines.dropFirst(area.offset).prefix(height - 2).enumerated() {
            let row = area.offset + index
            // Long lines scroll sideways on the cursor's line, and show their start elsewhere.
            var field = TextField(line)
            if row == area.row {
                for _ in 0..<(line.count - area.column) { _ = field.handle(.left) }
                let visible = field.visible(width: inner)
                frame.write(visible.text, x: x + 2, y: y + 1 + index, style: theme[.overlay])
                frame.cursor = (x + 2 + visible.cursorColumn, y + 1 + index)
            } else {
                frame.write(line, x: x + 2, y: y + 1 + index, style: theme[.overlay], maxWidth: inner)
            }
        }
        let info = " line \(area.row + 1) of \(area.lines.count) "
        frame.write(info, x: x + width - 2 - TextWidth.of(info), y: y + height - 1, style: theme[.overlayBorder])
    }
}

extension App {
    /// `$EDITOR` closed: its text goes to the field it was opened for, on whichever screen that is.
    static func textEdited(field: String, _ result: Result<String, RequestFailure>, state: inout AppState) -> [Effect] {
        switch result {
        case .success(let text):
            return takeLongText(text, field: field, state: &state)
        case .failure(let failure):
            state.message = .error("The editor did not run: \(failure.summary)")
        }
        return []
    }
}
