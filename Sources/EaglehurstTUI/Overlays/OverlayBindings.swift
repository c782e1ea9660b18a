import Foundation

/// Help, the command line, the confirm dialog, prompts and the built-in editor.
extension App {
    static let overlayBindings: [Binding] = [
        spec(.help, .close, "close help", hint: "close"),
        spec(.help, .down, "scroll down", hint: "scroll"),
        spec(.help, .up, "scroll up"),
        spec(.help, .pageDown, "page down"),
        spec(.help, .pageUp, "page up"),
        spec(.help, .top, "go to top"),
        spec(.help, .bottom, "go to bottom"),
        spec(.command, .complete, "complete the screen name", hint: "complete"),
        spec(.command, .run, "run", hint: "run"),
        spec(.command, .cancel, "cancel", hint: "cancel"),
        spec(.confirm, .confirm, "yes, do it", hint: "yes"),
        spec(.confirm, .cancel, "no, keep things as they are", hint: "no"),
        spec(.confirm, .toggleChoice, "switch between yes and no"),
        spec(.confirm, .choose, "choose the highlighted answer", hint: "choose"),
        spec(.prompt, .submit, "send", hint: "send"),
        spec(.prompt, .cancel, "cancel", hint: "cancel"),
        spec(.textEditor, .done, "keep the text", hint: "done"),
        spec(.textEditor, .cancel, "throw the changes away", hint: "cancel"),
    ]
}
