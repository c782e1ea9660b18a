import EaglehurstAPI
import Foundation

/// A generic yes/no question before a dangerous action. No is highlighted first, so Enter is safe.
package struct ConfirmDialog: Equatable, Sendable {
    package var question: String
    package var action: Action
    package var context: Context
    package var yesHighlighted = false
}

extension App {
    static func drawConfirm(_ dialog: ConfirmDialog, bindings: BindingTable, theme: Theme, into frame: inout Frame) {
        let width = min(56, frame.size.width - 4)
        let height = 7
        let x = (frame.size.width - width) / 2
        let y = max(1, (frame.size.height - height) / 2)
        drawBox(x: x, y: y, width: width, height: height, title: "Confirm", theme: theme, border: theme[.dialogDanger], into: &frame)
        frame.write(dialog.question, x: x + 2, y: y + 2, style: theme[.dialogDanger], maxWidth: width - 4)
        let yesKey = bindings.binding(for: .confirm, in: .confirm)?.keys.first.map { " (\($0))" } ?? ""
        let noKey = bindings.binding(for: .cancel, in: .confirm)?.keys.first.map { " (\($0))" } ?? ""
        let yes = "[ Yes\(yesKey) ]"
        let no = "[ No\(noKey) ]"
        let buttonsX = x + (width - TextWidth.of(yes) - TextWidth.of(no) - 2) / 2
        frame.write(yes, x: buttonsX, y: y + 4, style: dialog.yesHighlighted ? theme[.buttonFocused] : theme[.button])
        frame.write(no, x: buttonsX + TextWidth.of(yes) + 2, y: y + 4, style: dialog.yesHighlighted ? theme[.button] : theme[.buttonFocused])
    }
}

extension App {
    static func confirmAction(_ action: Action, state: inout AppState) -> [Effect] {
        guard case .confirm(var dialog) = state.overlay else { return [] }
        switch action {
        case .cancel:
            state.overlay = nil
        case .confirm:
            return confirm(&state)
        case .toggleChoice:
            dialog.yesHighlighted.toggle()
            state.overlay = .confirm(dialog)
        case .choose:
            if dialog.yesHighlighted { return confirm(&state) }
            state.overlay = nil
        default:
            break
        }
        return []
    }

    private static func confirm(_ state: inout AppState) -> [Effect] {
        guard case .confirm(let dialog) = state.overlay else { return [] }
        state.overlay = nil
        return perform(dialog.action, in: dialog.context, state: &state)
    }
}
