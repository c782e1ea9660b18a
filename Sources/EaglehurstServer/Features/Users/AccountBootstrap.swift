import EaglehurstAPI
import Fluent
import Foundation
import Vapor

/// Accounts made from the command line, never through the API: admins and the demo accounts.
public enum AccountBootstrap {
    public struct DemoAccount: Sendable, Equatable {
        public let email: String
        public let password: String
        public let role: String
    }

    public static let demoAccounts: [DemoAccount] = [
        .init(email: "buyer@demo.eaglehurst.test", password: "DemoBuyer1", role: "buyer"),
        .init(email: "seller@demo.eaglehurst.test", password: "DemoSeller1", role: "seller"),
        .init(email: "admin@demo.eaglehurst.test", password: "DemoAdmin1", role: "admin"),
    ]

    public enum Outcome: Sendable, Equatable {
        case created
        case alreadyExists
    }

    /// Creates an admin. Validates the email and password with the API's rules.
    public static func createAdmin(
        on app: Application, email: String, password: String, firstName: String = "Admin", lastName: String = "User"
    ) async throws -> Outcome {
        let errors = Validation.collect([("email", Validation.email(email)), ("password", Validation.password(password))])
        guard errors.isEmpty else {
            throw BootstrapError(message: errors.keys.sorted().map { "\($0) \(errors[$0]!.joined(separator: ", "))" }.joined(separator: "; "))
        }
        return try await createUser(on: app, email: email, password: password, kind: .admin, firstName: firstName, lastName: lastName)
    }

    /// Creates the demo buyer, seller and admin, verified, if they do not exist yet.
    @discardableResult
    public static func seedDemo(on app: Application) async throws -> [DemoAccount] {
        let names: [String: (String, String)] = ["buyer": ("Beatrice", "Buyer"), "seller": ("Samuel", "Seller"), "admin": ("Ada", "Admin")]
        for account in demoAccounts {
            let (first, last) = names[account.role]!
            _ = try await createUser(
                on: app, email: account.email, password: account.password,
                kind: User.Kind(rawValue: account.role)!, firstName: first, lastName: last)
        }
        return demoAccounts
    }

    static func createUser(
        on app: Application, email: String, password: String, kind: User.Kind, firstName: String, lastName: String
    ) async throws -> Outcome {
        let normalized = email.trimmingCharacters(in: .whitespaces).lowercased()
        if try await User.query(on: app.db).filter(\.$email == normalized).first() != nil {
            return .alreadyExists
        }
        let hash = try await app.password.async.hash(password)
        let user = User(
            email: normalized, passwordHash: hash, userType: kind,
            firstName: firstName, lastName: lastName, emailVerified: true)
        try await user.create(on: app.db)
        return .created
    }
}

public struct BootstrapError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
