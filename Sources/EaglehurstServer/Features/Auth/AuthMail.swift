import Foundation

/// The text of the account mails. Codes and tokens appear in plain text in the body.
enum AuthMail {
    static func verification(to user: User, code: String, from: String) -> MailMessage {
        MailMessage(
            from: MailAddress(from, name: "Eaglehurst"),
            to: [MailAddress(user.email, name: "\(user.firstName) \(user.lastName)")],
            subject: "Your Eaglehurst verification code: \(code)",
            body: """
            Hello \(user.firstName),

            Your Eaglehurst verification code is:

                \(code)

            Enter it in Eaglehurst to verify your email address. The code is valid for 10 minutes
            and can be used once. If you did not create an account, ignore this message.

            — Eaglehurst
            """)
    }

    static func passwordReset(to user: User, token: String, from: String) -> MailMessage {
        MailMessage(
            from: MailAddress(from, name: "Eaglehurst"),
            to: [MailAddress(user.email, name: "\(user.firstName) \(user.lastName)")],
            subject: "Reset your Eaglehurst password",
            body: """
            Hello \(user.firstName),

            Someone asked to reset the password of your Eaglehurst account. To choose a new
            password, enter this reset token in Eaglehurst:

                \(token)

            The token is valid for 1 hour and can be used once. Resetting signs you out everywhere.
            If you did not ask for this, ignore this message; your password stays as it is.

            — Eaglehurst
            """)
    }
}
