import EaglehurstAPI
import Fluent
import FluentSQLiteDriver
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
            try await retryingStaleSnapshot {
                _ = try await createUser(
                    on: app, email: account.email, password: account.password,
                    kind: User.Kind(rawValue: account.role)!, firstName: first, lastName: last)
            }
        }
        try await retryingStaleSnapshot { try await seedDemoListings(on: app) }
        if let seller = try await User.query(on: app.db).filter(\.$email == demoAccounts.first { $0.role == "seller" }!.email).first() {
            let sellerID = try seller.requireID()
            try await retryingStaleSnapshot { try await DemoPhotos.seed(on: app, sellerID: sellerID) }
        }
        try await retryingStaleSnapshot { try await seedDemoConversations(on: app) }
        try await retryingStaleSnapshot { try await seedDemoSellerPlan(on: app) }
        try await retryingStaleSnapshot { try await seedDemoServices(on: app) }
        try await retryingStaleSnapshot { try await DemoAnalytics.seed(on: app) }
        return demoAccounts
    }

    /// The embedded server seeds while it runs, and its background writers (the search and analytics
    /// logs, the job worker, the roll-up) commit on connections of their own. A SQLite transaction
    /// that waited for one of them fails with SQLITE_BUSY_SNAPSHOT, which no busy timeout retries, or
    /// with SQLITE_BUSY once the timeout is over on a loaded machine; each seeding step is one
    /// transaction that checks what exists first, so it is simply run again.
    static func retryingStaleSnapshot(_ step: () async throws -> Void) async throws {
        for attempt in 1...5 {
            do {
                return try await step()
            } catch let error as SQLiteError where [.busyInSnapshot, .busy].contains(error.reason) && attempt < 5 {
                try await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
    }

    /// The demo seller has more listings than a free seller may, so they are on the Premium plan
    /// (a year, no charge: demo data). Added once: a seller already on a paid plan is left alone.
    static func seedDemoSellerPlan(on app: Application) async throws {
        let email = demoAccounts.first { $0.role == "seller" }!.email
        guard let seller = try await User.query(on: app.db).filter(\.$email == email).first(),
              let premium = try await Plan.query(on: app.db).filter(\.$code == "seller_premium").first() else { return }
        let plans = PlanService(app: app, db: app.db)
        let (current, plan) = try await plans.current(for: seller)
        guard plan.isFree else { return }
        let now = app.serverEnvironment.now()
        let subscription = UserSubscription()
        subscription.$user.id = try seller.requireID()
        subscription.$plan.id = try premium.requireID()
        subscription.status = .active
        subscription.startedAt = now
        subscription.billingCycle = .yearly
        subscription.currentPeriodStart = now
        subscription.currentPeriodEnd = BillingCycle.yearly.periodEnd(from: now)
        subscription.cancelAtPeriodEnd = true
        subscription.expiresAt = subscription.currentPeriodEnd
        subscription.cancelledAt = now
        subscription.failedPaymentAttempts = 0
        try await app.db.transaction { db in
            current.status = .cancelled
            current.cancelledAt = now
            current.expiresAt = now
            try await current.save(on: db)
            try await subscription.create(on: db)
            try await PlanService.placementMayHaveChanged(forUserType: premium.userType, on: db)
        }
    }

    /// The demo seller's listings: published ones to browse and search, and one waiting for the admin.
    /// Added once: a seller who already has listings is left as they are.
    static func seedDemoListings(on app: Application) async throws {
        let email = demoAccounts.first { $0.role == "seller" }!.email
        guard let seller = try await User.query(on: app.db).filter(\.$email == email).first() else { return }
        let sellerID = try seller.requireID()
        guard try await Listing.query(on: app.db).filter(\.$seller.$id == sellerID).count() == 0 else { return }
        let now = Date()
        try await app.db.transaction { db in
            for (index, demo) in DemoListing.all.enumerated() {
                let listing = Listing()
                listing.fields = demo.fields
                listing.status = .published
                listing.viewCount = (index * 37) % 211
                listing.saveCount = 0
                // Spread over the last weeks so "newest" has an order and ages differ.
                listing.publishedAt = now.addingTimeInterval(-Double(index) * 36 * 3600)
                listing.$seller.id = sellerID
                try await listing.create(on: db)
            }
            let pending = Listing()
            pending.fields = DemoListing.waiting.fields
            pending.status = .pendingApproval
            pending.viewCount = 0
            pending.saveCount = 0
            pending.$seller.id = sellerID
            try await pending.create(on: db)
        }
    }

    /// A conversation under way and a request waiting for the seller, so the threads and notifications
    /// screens have something to show. Added once: a buyer who already has connections is left alone.
    /// The requests count against the buyer's plan like any others.
    static func seedDemoConversations(on app: Application) async throws {
        func user(_ role: String) async throws -> User? {
            try await User.query(on: app.db).filter(\.$email == demoAccounts.first { $0.role == role }!.email).first()
        }
        guard let buyer = try await user("buyer"), let seller = try await user("seller") else { return }
        let buyerID = try buyer.requireID(), sellerID = try seller.requireID()
        guard try await Connection.query(on: app.db).filter(\.$buyer.$id == buyerID).count() == 0 else { return }
        let listings = try await Listing.query(on: app.db).filter(\.$seller.$id == sellerID).filter(\.$status == .published)
            .sort(\.$publishedAt, .descending).range(0..<2).all()
        guard listings.count == 2 else { return }
        let now = Date()
        let talk: [(UUID, String, TimeInterval)] = [
            (buyerID, "Hello Samuel, is the NHS dispensing contract transferable with the sale?", -26 * 3600),
            (sellerID, "Yes, it transfers with the premises; the change of ownership takes about three months.", -25 * 3600),
            (buyerID, "Thank you. Could we see the last two years of accounts?", -3 * 3600),
        ]
        let accepted = Connection()
        accepted.$listing.id = try listings[0].requireID()
        accepted.$buyer.id = buyerID
        accepted.$seller.id = sellerID
        accepted.status = .accepted
        accepted.initialMessage = talk[0].1
        accepted.responseMessage = talk[1].1
        accepted.respondedAt = now.addingTimeInterval(talk[1].2)
        accepted.lastMessageAt = now.addingTimeInterval(talk[2].2)
        accepted.lastMessagePreview = ConnectionsService.preview(talk[2].1)
        let pending = Connection()
        pending.$listing.id = try listings[1].requireID()
        pending.$buyer.id = buyerID
        pending.$seller.id = sellerID
        pending.status = .pending
        pending.initialMessage = "Is the practice's lease renewable, and on what terms?"
        pending.lastMessageAt = now.addingTimeInterval(-2 * 3600)
        pending.lastMessagePreview = ConnectionsService.preview(pending.initialMessage)
        try await app.db.transaction { db in
            let plans = PlanService(app: app, db: db)
            for connection in [accepted, pending] {
                try await plans.consumeConnectionRequest(for: buyer)
                try await connection.create(on: db)
            }
            for (index, (sender, text, offset)) in talk.enumerated() {
                let message = Message(connectionID: try accepted.requireID(), senderID: sender, content: text, kind: .text, at: now.addingTimeInterval(offset))
                try await message.create(on: db)
                // Each has read what came before their own answer; the buyer's last question is new.
                guard index < talk.count - 1 else { continue }
                let read = MessageRead()
                read.readAt = now.addingTimeInterval(talk[index + 1].2)
                read.$message.id = try message.requireID()
                read.$user.id = sender == buyerID ? sellerID : buyerID
                try await read.create(on: db)
            }
            try await Message(connectionID: pending.requireID(), senderID: buyerID, content: pending.initialMessage, kind: .text, at: now.addingTimeInterval(-2 * 3600)).create(on: db)
        }
        let notifications = app.notifications(on: app.db)
        await notifications.notify([sellerID], .init(
            kind: .connectionRequest, title: "New request about \(listings[1].title)",
            message: "Beatrice Buyer asks: \(pending.initialMessage)", actionURL: "/api/v1/connections/\(try pending.requireID())"))
        await notifications.notify([sellerID], .init(
            kind: .newMessage, title: "New message from Beatrice Buyer", message: ConnectionsService.preview(talk[2].1),
            actionURL: "/api/v1/connections/\(try accepted.requireID())"))
    }

    /// The service providers, and a valuation the demo buyer asked for about the listing they are
    /// talking to the seller about, which the desk is reviewing. Added once: a buyer who already has
    /// service requests is left alone.
    static func seedDemoServices(on app: Application) async throws {
        try await DemoServiceProviders.seed(on: app.db)
        let email = demoAccounts.first { $0.role == "buyer" }!.email
        guard let buyer = try await User.query(on: app.db).filter(\.$email == email).first() else { return }
        let buyerID = try buyer.requireID()
        guard try await ServiceRequest.query(on: app.db).filter(\.$user.$id == buyerID).count() == 0,
              let connection = try await Connection.query(on: app.db).filter(\.$buyer.$id == buyerID)
                .filter(\.$status == .accepted).with(\.$listing).first(),
              let admin = try await User.query(on: app.db).filter(\.$userType == .admin).first(),
              let valuer = try await ServiceProvider.query(on: app.db).filter(\.$companyName == DemoServiceProviders.firms[0].name).first()
        else { return }
        let now = Date()
        let request = ServiceRequest()
        request.$user.id = buyerID
        request.$listing.id = connection.$listing.id
        request.$connection.id = try connection.requireID()
        request.$preferredProvider.id = try valuer.requireID()
        request.serviceType = .valuation
        request.title = "Valuation of \(connection.listing.title)"
        request.description = "Please value this practice before I make an offer. The seller has offered the last two years of accounts."
        request.urgency = .high
        request.urgencyRank = ServiceRequest.Urgency.high.rank
        request.status = .inReview
        request.requesterReadSeq = 0
        request.deskReadSeq = 0
        request.reviewedAt = now.addingTimeInterval(-3600)
        request.createdAt = now.addingTimeInterval(-5 * 3600)
        request.updatedAt = request.reviewedAt!
        try await app.db.transaction { db in
            try await request.create(on: db)
            try await ServiceCommunication(
                requestID: request.requireID(), senderID: admin.requireID(), as: .admin,
                message: "Thank you, we are reviewing your request and will assign a valuer shortly.", at: now.addingTimeInterval(-3600)
            ).create(on: db)
        }
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
        let now = app.serverEnvironment.now()
        app.analyticsLog.step(user, .registered, at: now)
        app.analyticsLog.step(user, .emailVerified, at: now)
        return .created
    }
}

public struct BootstrapError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Realistic listings for the demo: made from a few towns, kinds of practice and figures.
struct DemoListing {
    let fields: ListingRules.Fields

    private static let places: [(town: String, region: String, postcode: String)] = [
        ("Leeds", "Yorkshire and the Humber", "LS1 4AP"), ("Harrogate", "Yorkshire and the Humber", "HG1 2RL"),
        ("Manchester", "North West", "M2 5DB"), ("Chester", "North West", "CH1 2HT"), ("Bristol", "South West", "BS1 5TR"),
        ("Exeter", "South West", "EX1 1HB"), ("Norwich", "East of England", "NR2 1TL"), ("Cambridge", "East of England", "CB2 3QZ"),
        ("Birmingham", "West Midlands", "B3 2PP"), ("Nottingham", "East Midlands", "NG1 5FS"), ("Brighton", "South East", "BN1 1UB"),
        ("Oxford", "South East", "OX1 2JD"), ("Newcastle upon Tyne", "North East", "NE1 7RU"), ("Camden", "London", "NW1 7JR"),
        ("Croydon", "London", "CR0 1NX"), ("Edinburgh", "Scotland", "EH2 4AD"), ("Cardiff", "Wales", "CF10 1EP"),
        ("Belfast", "Northern Ireland", "BT1 5GS"),
    ]

    private static let kinds: [(type: String, name: String, about: String, basePrice: Int64, baseRevenue: Int64)] = [
        ("pharmacy", "Community pharmacy", "An NHS community pharmacy with a steady prescription volume, a consultation room and a busy over-the-counter trade.", 420_000, 1_350_000),
        ("dental_practice", "Dental practice", "A mixed NHS and private dental practice with modern surgeries, digital X-ray and a loyal patient list.", 780_000, 1_100_000),
        ("gp_practice", "GP surgery premises", "Purpose-built GP surgery premises let to a long-standing partnership, with room for additional clinical services.", 1_250_000, 640_000),
        ("optician", "Independent opticians", "A well-regarded independent opticians with two testing rooms, OCT scanning and a strong frame and contact lens business.", 310_000, 720_000),
        ("clinic", "Physiotherapy clinic", "A private physiotherapy and sports injury clinic with four treatment rooms, a rehab gym and insurer recognition.", 265_000, 540_000),
        ("care_home", "Residential care home", "A registered residential care home rated Good, with en-suite rooms, landscaped gardens and high occupancy.", 2_400_000, 1_900_000),
        ("veterinary_practice", "Veterinary practice", "A small-animal veterinary practice with an operating theatre, in-house lab and a growing pet health plan.", 950_000, 1_250_000),
        ("other", "Hearing care centre", "An audiology and hearing care centre with soundproof booths, ear wax removal and a strong referral network.", 185_000, 390_000),
    ]

    private static let reasons = ["Retirement", "Relocation abroad", "Owner focusing on another practice", "Partner dissolution", "Health reasons"]
    private static let tradingSuffixes = ["Ltd", "Healthcare Ltd", "& Partners", "Group Ltd"]

    /// Three dozen published listings: every kind of practice, spread over the regions.
    static let all: [DemoListing] = (0..<36).map { index in
        let kind = kinds[index % kinds.count]
        let place = places[(index * 5) % places.count]
        let step = Int64((index * 7) % 11)
        let price = kind.basePrice + step * kind.basePrice / 20
        let revenue = kind.baseRevenue + step * kind.baseRevenue / 25
        let margin: Int64 = index % 9 == 4 ? -2 : 8 + step
        return DemoListing(fields: ListingRules.Fields(
            title: "\(kind.name) in \(place.town)",
            description: "\(kind.about) Located in \(place.town) with good transport links and parking. "
                + "Established staff who are happy to stay on, and a seller willing to support a handover.",
            businessType: kind.type, location: place.town, region: place.region,
            askingPrice: price, annualRevenue: revenue, netProfit: revenue * margin / 100,
            staffCount: 4 + (index * 3) % 23, tenure: index % 3 == 0 ? "freehold" : "leasehold",
            yearEstablished: 1962 + (index * 13) % 58, reasonForSale: reasons[index % reasons.count],
            exactAddress: "\(10 + index) High Street, \(place.town)", postcode: place.postcode,
            tradingName: "\(place.town) \(kind.name.split(separator: " ").last!) \(tradingSuffixes[index % tradingSuffixes.count])"
        ))
    }

    /// Waits for the admin in the moderation queue.
    static let waiting = DemoListing(fields: ListingRules.Fields(
        title: "Orthodontic practice in York",
        description: "A specialist orthodontic practice with three chairs, an intraoral scanner and referrals from twenty local dentists.",
        businessType: "dental_practice", location: "York", region: "Yorkshire and the Humber",
        askingPrice: 1_150_000, annualRevenue: 1_480_000, netProfit: 310_000, staffCount: 14, tenure: "leasehold",
        yearEstablished: 2004, reasonForSale: "Retirement", exactAddress: "3 Micklegate, York", postcode: "YO1 6JH",
        tradingName: "York Orthodontics Ltd"
    ))
}
