import EaglehurstAPI
import Fluent
import Foundation
import Vapor

/// The user's stored cards: added from a gateway token, listed default first, removed by their owner.
struct PaymentMethodsService {
    let app: Application
    let db: any Database
    var gateway: any PaymentGateway { app.paymentGateway }

    func add(token rawToken: String, setDefault: Bool, for user: User) async throws -> PaymentMethod {
        let userID = try user.requireID()
        let token = rawToken.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...255).contains(token.count) else { throw Problem.validation(["token": ["must be 1 to 255 characters"]]) }
        if let existing = try await PaymentMethod.query(on: db).filter(\.$gateway == gateway.name).filter(\.$gatewayID == token).first() {
            guard existing.$user.id == userID else {
                throw Problem.validation(["token": ["has been used already; make a new token for this card"]])
            }
            return existing
        }
        let customer = try await customerID(for: user)
        let card: GatewayCard
        do {
            card = try await gateway.attach(token: token, customerID: customer, idempotencyKey: "attach:\(userID):\(token)")
        } catch {
            switch error {
            case .invalidToken(let detail): throw Problem.validation(["token": [detail]])
            case .cardRefused(let code, let reason): throw SubscriptionService.refusalProblem(code: code, reason: reason)
            case .unavailable: throw SubscriptionService.gatewayProblem(error)
            }
        }
        let method = PaymentMethod()
        method.$user.id = userID
        method.gateway = gateway.name
        method.gatewayID = card.gatewayID
        method.brand = card.brand
        method.last4 = card.last4
        method.expMonth = card.expMonth
        method.expYear = card.expYear
        method.fingerprint = card.fingerprint
        let hasDefault = try await PaymentMethod.query(on: db).filter(\.$user.$id == userID).filter(\.$isDefault == true).count() > 0
        method.isDefault = setDefault || !hasDefault
        do {
            try await db.transaction { db in
                if method.isDefault {
                    try await PaymentMethod.query(on: db).filter(\.$user.$id == userID).set(\.$isDefault, to: false).update()
                }
                try await method.create(on: db)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw Problem.validation(["token": ["has been used already; make a new token for this card"]])
        }
        return method
    }

    func page(of user: User, page: PageRequest) async throws -> Components.Schemas.PaymentMethodPage {
        let query = PaymentMethod.query(on: db).filter(\.$user.$id == (try user.requireID()))
        let total = try await query.copy().count()
        let rows = try await query.sort(\.$isDefault, .descending).sort(\.$createdAt, .descending).sort(\.$id)
            .range(page.offset..<(page.offset + page.perPage)).all()
        return .init(items: try rows.map { try $0.toDTO() }, page: page.page, perPage: page.perPage, total: total)
    }

    /// Removes the card at the gateway and here; the newest remaining card becomes the default, and a
    /// subscription that renewed with it renews with the default.
    func delete(_ id: UUID, of user: User) async throws {
        let userID = try user.requireID()
        guard let method = try await PaymentMethod.query(on: db).filter(\.$id == id).filter(\.$user.$id == userID).first() else {
            throw Problem.notFound("Payment method \(id)")
        }
        // A card of a gateway this server no longer uses is only forgotten here.
        if method.gateway == gateway.name {
            do {
                try await gateway.detach(method.gatewayID)
            } catch {
                throw SubscriptionService.gatewayProblem(error)
            }
        }
        try await db.transaction { db in
            try await UserSubscription.query(on: db).filter(\.$paymentMethodID == id).set(\.$paymentMethodID, to: nil).update()
            try await method.delete(on: db)
            if method.isDefault, let next = try await PaymentMethod.query(on: db).filter(\.$user.$id == userID)
                .sort(\.$createdAt, .descending).first() {
                next.isDefault = true
                try await next.save(on: db)
            }
        }
    }

    /// The user's customer at the gateway, made on first use (nil for gateways without customers).
    private func customerID(for user: User) async throws -> String? {
        let userID = try user.requireID()
        if let stored = try await PaymentCustomer.query(on: db).filter(\.$user.$id == userID).filter(\.$gateway == gateway.name).first() {
            return stored.customerID
        }
        let made: String?
        do {
            made = try await gateway.createCustomer(email: user.email, userID: userID, idempotencyKey: "customer:\(userID)")
        } catch {
            throw SubscriptionService.gatewayProblem(error)
        }
        guard let made else { return nil }
        let customer = PaymentCustomer()
        customer.$user.id = userID
        customer.gateway = gateway.name
        customer.customerID = made
        do {
            try await customer.create(on: db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return try await PaymentCustomer.query(on: db).filter(\.$user.$id == userID).filter(\.$gateway == gateway.name).first()?.customerID
        }
        return made
    }
}
