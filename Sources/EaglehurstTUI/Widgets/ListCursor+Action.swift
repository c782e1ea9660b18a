/// Every list screen moves its cursor the same way.
extension ListCursor {
    /// Moves by a list action (row, page, ends); false for any other action.
    mutating func move(_ action: Action) -> Bool {
        switch action {
        case .down: moveDown()
        case .up: moveUp()
        case .pageDown: pageDown()
        case .pageUp: pageUp()
        case .top: moveToTop()
        case .bottom: moveToBottom()
        default: return false
        }
        return true
    }
}
