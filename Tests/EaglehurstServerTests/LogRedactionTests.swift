@testable import EaglehurstServer
import EaglehurstTestSupport
import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers
import SQLKit
import Vapor
import XCTest

/// Issue 28: a server error is logged with its operation, problem, request id and the underlying
/// error's type and message — never with what the client sent (bodies, passwords, tokens, card
/// numbers, the Authorization header), in either log format, on either database.
final class LogRedactionTests: XCTestCase {
    static let webhookSecret = "whsec_redaction_test_secret"

    /// One request that carries secrets, sent while the database cannot answer it.
    struct Case {
        let operation: String
        let method: HTTPMethod
        let path: String
        let body: String
        var headers: HTTPHeaders = [:]
        var bearer: String?
        /// What must not reach the log.
        let secrets: [String]
    }

    func testAServerErrorLogsNoSecretOfTheRequestInEitherFormat() async throws {
        for format in [Settings.LogFormat.text, .json] {
            try await forEachDatabase(customize: {
                $0.logFormat = format
                $0.stripeWebhookSecret = Self.webhookSecret
            }) { server in
                try await checkServerErrorsLogNoSecrets(server, format: format)
            }
        }
    }

    private func checkServerErrorsLogNoSecrets(_ server: TestServer, format: Settings.LogFormat) async throws {
        let label = "[\(format), \(server.sandbox.database)]"
        _ = try await account(server, .buyer, "signed-in@example.com")
        let login = try await server.request(.POST, "/auth/login", body: json(["email": "signed-in@example.com", "password": "Passw0rdX"]))
        let access = try XCTUnwrap(try login.json()["access_token"] as? String, login.text)
        let refresh = try XCTUnwrap(try login.json()["refresh_token"] as? String, login.text)
        await XCTAssertEqualAsync(try await server.request(.GET, "/auth/me", bearer: access).status, 200)

        // The event's id is stored, so the database layer's debug lines name it; the invoice's id is not.
        let event = json(["id": "evt_redaction_7c1f", "type": "invoice.paid", "data": ["object": ["id": "in_redaction_marker_2b9e"]]])
        let timestamp = Int(Date().timeIntervalSince1970)
        let signature = StripeSignature.sign(payload: Data(event.utf8), timestamp: timestamp, secret: Self.webhookSecret)
        let cases = [
            Case(operation: "authRegister", method: .POST, path: "/auth/register", body: json([
                "email": "new@example.com", "password": "Regist3rSecretPw", "user_type": "buyer", "first_name": "Ann", "last_name": "Lee",
            ]), secrets: ["Regist3rSecretPw"]),
            Case(operation: "authLogin", method: .POST, path: "/auth/login",
                 body: json(["email": "signed-in@example.com", "password": "L0ginSecretPw"]), secrets: ["L0ginSecretPw"]),
            Case(operation: "authVerifyEmail", method: .POST, path: "/auth/verify-email",
                 body: json(["email": "signed-in@example.com", "otp_code": "482913"]), secrets: ["482913"]),
            Case(operation: "authRefresh", method: .POST, path: "/auth/refresh", body: json(["refresh_token": refresh]), secrets: [refresh]),
            Case(operation: "authLogout", method: .POST, path: "/auth/logout", body: json(["refresh_token": refresh]), secrets: [refresh]),
            Case(operation: "authResetPassword", method: .POST, path: "/auth/reset-password",
                 body: json(["token": "ResetTokenSecret0123456789abcdefghijklmnop", "new_password": "N3wSecretPassword"]),
                 secrets: ["ResetTokenSecret0123456789abcdefghijklmnop", "N3wSecretPassword"]),
            // There is no change-password operation; a signed-in write carries the same Authorization header.
            Case(operation: "usersUpdateProfile", method: .PUT, path: "/users/profile",
                 body: json(["first_name": "Renamed", "phone": "+447700900123"]), bearer: access, secrets: [access]),
            Case(operation: "paymentsLocalCreateToken", method: .POST, path: "/payments/local/tokens",
                 body: json(["number": "4000056655665556", "exp_month": 12, "exp_year": 2034, "cvc": "987"]),
                 secrets: ["4000056655665556"]),
            Case(operation: "subscriptionsWebhook", method: .POST, path: "/subscriptions/webhook", body: event,
                 headers: ["Stripe-Signature": "t=\(timestamp),v1=\(signature)"],
                 secrets: [signature, "in_redaction_marker_2b9e"]),
        ]

        // One level below the default (info), so that debug lines are held to the rule too. At trace,
        // Vapor writes every request part it decodes, headers and body: that level is for a developer's machine.
        let lines = NIOLockedValueBox<[String]>([])
        let logFile = server.sandbox.directory.appendingPathComponent("server.log").path
        switch format {
        case .json:
            server.app.logger = Logger(label: "redaction") { JSONLogHandler(label: $0, level: .debug) { line in lines.withLockedValue { $0.append(line) } } }
        case .text:
            server.app.logger = Logger(label: "redaction", factory: try FileLogHandler.factory(path: logFile, level: .debug))
        }
        try await breakTheAccountTables(server)

        for (index, item) in cases.enumerated() {
            var headers = item.headers
            headers.replaceOrAdd(name: "X-Request-ID", value: "redaction-\(index)")
            let response = try await server.request(item.method, item.path, headers: headers, body: item.body, bearer: item.bearer)
            XCTAssertGreaterThanOrEqual(response.status, 500, "\(label) \(item.operation) must fail on the server for this test to mean anything: \(response.text)")
        }

        let log = format == .json ? lines.withLockedValue { $0.joined(separator: "\n") } : try String(contentsOfFile: logFile, encoding: .utf8)
        XCTAssertFalse(log.contains("Bearer "), "\(label) an Authorization header was logged:\n\(log)")
        XCTAssertNil(log.range(of: #"cvc\W{0,4}987"#, options: .regularExpression), "\(label) a card's CVC was logged:\n\(log)")
        for (index, item) in cases.enumerated() {
            for secret in item.secrets {
                XCTAssertFalse(log.contains(secret), "\(label) \(item.operation) logged \(secret):\n\(log)")
            }
            // Still logged, with what an operator needs: the request, the operation and the error's type.
            let line = log.split(separator: "\n").first { $0.contains("request failed") && $0.contains("redaction-\(index)") }
            XCTAssertNotNil(line, "\(label) \(item.operation) was not logged as a failed request:\n\(log)")
            if let line {
                XCTAssertTrue(line.contains(item.operation), "\(label) no operation in: \(line)")
                XCTAssertTrue(line.contains("error_type"), "\(label) no error type in: \(line)")
            }
        }
    }

    /// Every operation above reads or writes one of these first; renamed away, each one fails with a 500.
    private func breakTheAccountTables(_ server: TestServer) async throws {
        let sql = server.app.db.sql
        for table in ["users", "rate_limit_events", "auth_sessions", "refresh_tokens", "password_resets",
                      "email_verifications", "local_card_tokens", "payment_events"] {
            try await sql.raw("ALTER TABLE \(ident: table) RENAME TO \(ident: "broken_" + table)").run()
        }
    }
}
