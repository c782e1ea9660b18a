import Foundation
import Vapor

/// An account made through the API, with a signed-in access token.
public struct TestAccount: Sendable {
    public let email: String
    public let password: String
    public let userID: String
    public let token: String
}

public enum TestAccounts {
    /// Meets the registration rules (length, lower, upper, digit).
    public static let password = "Correct1Horse"

    /// Registers a `buyer` or `seller`, verifies the email with the code from the outbox (unless
    /// `verifyEmail` is false) and signs in.
    public static func signUp(
        _ server: TestServer, email: String, type: String = "buyer", verifyEmail: Bool = true,
        firstName: String = "Test", lastName: String = "User"
    ) async throws -> TestAccount {
        let registered = try await server.request(.POST, "/auth/register", body: json([
            "email": email, "password": password, "user_type": type, "first_name": firstName, "last_name": lastName,
        ]))
        guard registered.status == 201 else { throw TestSupportError("register \(email): \(registered.status) \(registered.text)") }
        if verifyEmail {
            let code = try latestCode(server, for: email)
            let verified = try await server.request(.POST, "/auth/verify-email", body: json(["email": email, "otp_code": code]))
            guard verified.status == 200 else { throw TestSupportError("verify \(email): \(verified.status) \(verified.text)") }
        }
        return try await signIn(server, email: email)
    }

    public static func signIn(_ server: TestServer, email: String, password: String = TestAccounts.password) async throws -> TestAccount {
        let response = try await server.request(.POST, "/auth/login", body: json(["email": email, "password": password]))
        let body = try response.json()
        guard response.status == 200, let token = body["access_token"] as? String,
              let user = body["user"] as? [String: Any], let id = user["id"] as? String else {
            throw TestSupportError("login \(email): \(response.status) \(response.text)")
        }
        return TestAccount(email: email, password: password, userID: id, token: token)
    }

    /// The 6-digit code of the newest verification mail to `email` in the server's outbox.
    public static func latestCode(_ server: TestServer, for email: String) throws -> String {
        let outbox = server.sandbox.directory.appendingPathComponent("outbox", isDirectory: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: outbox.path).filter { $0.hasSuffix(".eml") }.sorted()
        for name in names.reversed() {
            let text = try String(contentsOf: outbox.appendingPathComponent(name), encoding: .utf8)
            guard text.contains("<\(email)>") else { continue }
            let lines = text.components(separatedBy: .newlines).map { $0.trimmingCharacters(in: .whitespaces) }
            if let code = lines.first(where: { $0.count == 6 && $0.allSatisfy { $0.isASCII && $0.isNumber } }) {
                return code
            }
        }
        throw TestSupportError("no verification code for \(email) in \(outbox.path)")
    }

    static func json(_ object: [String: String]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }
}
