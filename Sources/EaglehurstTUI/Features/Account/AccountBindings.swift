import Foundation

/// Signing in, registering, verifying and passwords.
extension App {
    static let accountBindings: [Binding] = [
        spec(.signin, .nextField, "next field", hint: "next field"),
        spec(.signin, .previousField, "previous field"),
        spec(.signin, .submit, "sign in", hint: "sign in"),
        spec(.signin, .createAccount, "create an account"),
        spec(.signin, .forgotPassword, "forgot password: get a reset token by mail"),
        spec(.signin, .back, "back to server status", hint: "back"),
        spec(.register, .nextField, "next field", hint: "next field"),
        spec(.register, .previousField, "previous field"),
        spec(.register, .submit, "create the account", hint: "create"),
        spec(.register, .back, "back to sign in", hint: "back"),
        spec(.verify, .nextField, "next field", hint: "next field"),
        spec(.verify, .previousField, "previous field"),
        spec(.verify, .submit, "verify the code", hint: "verify"),
        spec(.verify, .resendCode, "mail a new code"),
        spec(.verify, .back, "back", hint: "back"),
        spec(.forgotPassword, .submit, "mail me a reset token", hint: "send"),
        spec(.forgotPassword, .haveToken, "I have a token: set a new password", hint: "have a token"),
        spec(.forgotPassword, .back, "back to sign in", hint: "back"),
        spec(.resetPassword, .nextField, "next field", hint: "next field"),
        spec(.resetPassword, .previousField, "previous field"),
        spec(.resetPassword, .submit, "set the new password", hint: "set password"),
        spec(.resetPassword, .back, "back to sign in", hint: "back"),
    ]
}
