import Foundation

extension Drawing {
    /// The compose box under a conversation: `Layout.composeLines` rows of the text being written,
    /// scrolled to the cursor's line, with the terminal cursor in it while it has the keyboard.
    static func drawComposeBox(_ area: TextArea, focused: Bool, x: Int, top: Int, width: Int, theme: Theme, into frame: inout Frame) {
        let style = focused ? theme[.inputFocused] : theme[.input]
        for index in 0..<Layout.composeLines {
            let row = area.offset + index
            frame.fill(x: x, y: top + index, width: width, style: style)
            guard row < area.lines.count else { continue }
            var field = TextField(area.lines[row])
            if row == area.row {
                for _ in 0..<(area.lines[row].count - area.column) { _ = field.handle(.left) }
                let visible = field.visible(width: width - 1)
                frame.write(visible.text, x: x, y: top + index, style: style)
                if focused { frame.cursor = (x + visible.cursorColumn, top + index) }
            } else {
                frame.write(area.lines[row], x: x, y: top + index, style: style, maxWidth: width)
            }
        }
    }
}
