import EaglehurstAPI
import Foundation

/// The account screens: the forms (sign in, register, verify, forgot and reset password) and the profile.
extension App {

    static func drawFormScreen(_ state: AppState, theme: Theme, body: Body, into frame: inout Frame) {
        guard let path = state.formPath else { return }
        let form = state[keyPath: path]
        func key(_ action: Action) -> String? {
            state.bindings.binding(for: action, in: state.context)?.keys.first?.description
        }
        let host = state.server.hostLabel
        let (title, intro, waiting): (String, String?, String)
        var footnotes: [String] = []
        switch state.screen {
        case .register:
            (title, intro, waiting) = ("Create an account on \(host)", "We will mail you a 6-digit code to confirm the address.", "Creating your account…")
        case .verify:
            (title, intro, waiting) = ("Verify your email address", "Enter the 6-digit code from the mail we sent.", "Checking the code…")
            if state.isResendingCode { footnotes.append("\(spinner(state.shell)) Asking for a new code…") }
            else if let resend = key(.resendCode) { footnotes.append("No mail? \(resend) sends a new code.") }
        case .forgotPassword:
            (title, intro, waiting) = ("Forgot your password?", "We will mail a reset token to this address.", "Sending…")
            if let token = key(.haveToken) { footnotes.append("Already have a token? \(token)") }
        case .resetPassword:
            (title, intro, waiting) = ("Set a new password", "Paste the reset token from the mail and choose a new password.", "Setting the password…")
        default:
            (title, intro, waiting) = ("Sign in to \(host)", nil, "Signing in…")
            if let create = key(.createAccount) { footnotes.append("No account yet? \(create) creates one.") }
            if let forgot = key(.forgotPassword) { footnotes.append("Forgot your password? \(forgot)") }
        }
        var y = body.top
        frame.write(title, x: 2, y: y, style: theme[.title], maxWidth: frame.size.width - 4)
        y += 1
        if let intro { frame.write(intro, x: 2, y: y, style: theme[.textDim], maxWidth: frame.size.width - 4) }
        y += 1
        y = drawForm(form, focused: state.overlay == nil, top: y, bottom: body.bottom, theme: theme, into: &frame)
        if form.isSubmitting {
            frame.write("\(spinner(state.shell)) \(waiting)", x: 2, y: y, style: theme[.spinner])
        } else {
            frame.write(footnotes.joined(separator: "   "), x: 2, y: y, style: theme[.textDim], maxWidth: frame.size.width - 4)
        }
    }
}
