import Foundation

/// The keys of every screen, and the keys every form shares.
extension App {
    static let globalBindings: [Binding] = [
        spec(.global, .help, "show all keys", hint: "help"),
        spec(.global, .commandLine, "command line (go to a screen)", hint: "command"),
        spec(.global, .quit, "quit", hint: "quit"),
        spec(.global, .goThreads, "messages: your connections and their threads"),
        spec(.global, .goNotifications, "notifications"),
    ]

    static func globalAction(_ action: Action, state: inout AppState) -> [Effect] {
        switch action {
        case .help:
            state.overlay = .help(HelpOverlay(
                bindings: state.bindings, current: state.context,
                viewportHeight: Layout.helpViewportHeight(for: state.size), textWidth: Layout.helpTextWidth(for: state.size)))
        case .commandLine:
            state.overlay = .commandLine(CommandLine())
        case .quit:
            state.isQuitting = true
        default:
            break
        }
        return []
    }

    /// Next and previous field, submit and back, in whichever form has the keyboard; nil for other actions.
    static func formKey(_ action: Action, state: inout AppState) -> [Effect]? {
        switch action {
        case .nextField:
            if let path = state.formPath { state[keyPath: path].moveFocus(by: 1) }
            return []
        case .previousField:
            if let path = state.formPath { state[keyPath: path].moveFocus(by: -1) }
            return []
        case .submit:
            return submit(&state)
        case .back:
            return goBack(&state)
        default:
            return nil
        }
    }
}

/// A row of the binding table: what an action does in a context; its keys come from the keymap.
func spec(_ context: Context, _ action: Action, _ description: String, hint: String? = nil, dangerous: Bool = false) -> Binding {
    Binding(keys: [], action: action, description: description, context: context, dangerous: dangerous, hint: hint)
}

/// Moving through a table, the same in every list.
func listSpecs(_ context: Context) -> [Binding] {
    [
        spec(context, .down, "next row", hint: "move"),
        spec(context, .up, "previous row"),
        spec(context, .pageDown, "page down"),
        spec(context, .pageUp, "page up"),
        spec(context, .top, "first row"),
        spec(context, .bottom, "last row"),
    ]
}
