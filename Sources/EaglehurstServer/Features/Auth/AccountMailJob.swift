import Fluent
import Foundation
import Vapor

/// The per-account half of forgot-password and resend-otp, run by the job queue.
///
/// Both operations only queue this job and answer, for known and unknown emails alike, so the answer
/// takes the same time either way. Finding the account, making its token or code and queueing the mail
/// happen here, where no client can time them: done while the client waited, they made a known email
/// answer 35–40 % slower than an unknown one, which told accounts apart (issue 28).
struct AccountMailJob: Codable, Sendable {
    enum Purpose: String, Codable, Sendable {
        /// A reset token, unless the account is suspended.
        case passwordReset = "password_reset"
        /// A new verification code replacing the pending ones, unless the email is verified already.
        case verificationCode = "verification_code"
    }

    var purpose: Purpose
    /// Normalized (`AuthService.normalize`); no account may have it.
    var email: String

    /// Makes the token or code and queues its mail, all on `db` (the job's transaction). An email
    /// without an account, or one the purpose does not apply to, does nothing.
    func run(app: Application, on db: any Database) async throws {
        guard let user = try await User.query(on: db).filter(\.$email == email).first() else { return }
        let now = app.serverEnvironment.now()
        let userID = try user.requireID()
        switch purpose {
        case .passwordReset:
            guard !user.isSuspended else { return }
            let token = Secrets.randomToken()
            try await PasswordReset(
                userID: userID, tokenHash: Secrets.sha256(token), expiresAt: now.addingTimeInterval(AuthService.resetLifetime)
            ).create(on: db)
            try await app.jobs.enqueue(.mail, MailJob(AuthMail.passwordReset(to: user, token: token, from: app.settings.mailFrom)), on: db)
        case .verificationCode:
            guard !user.emailVerified else { return }
            let code = Secrets.otp()
            try await EmailVerification.query(on: db).filter(\.$user.$id == userID).filter(\.$isUsed == false)
                .set(\.$isUsed, to: true).update()
            try await EmailVerification(
                userID: userID, otpHash: Secrets.hmac(code, key: app.codeKey), expiresAt: now.addingTimeInterval(AuthService.otpLifetime)
            ).create(on: db)
            try await app.jobs.enqueue(.mail, MailJob(AuthMail.verification(to: user, code: code, from: app.settings.mailFrom)), on: db)
        }
    }
}
