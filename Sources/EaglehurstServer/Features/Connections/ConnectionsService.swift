import EaglehurstAPI
import Fluent
import Foundation
import SQLKit
import Vapor

/// Connection requests and the message threads between a buyer and a seller.
struct ConnectionsService {
    let app: Application
    let request: Request

    var db: any Database { request.db }
    var sql: any SQLDatabase { request.db.sql }
    var now: Date { app.serverEnvironment.now() }
    var notifications: NotificationService { app.notifications(on: db) }

    static let maxMessageLength = 4000

    static func checkContent(_ text: String, field: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { throw Problem.validation([field: ["must not be empty"]]) }
        if text.unicodeScalars.count > maxMessageLength { throw Problem.validation([field: ["must be at most \(maxMessageLength) characters"]]) }
        return text
    }

    // MARK: requests

    func create(listingID: UUID, message: String, buyer: User) async throws -> Connection {
        let content = try Self.checkContent(message, field: "message")
        let listing = try await ListingsService(app: app, request: request).visibleListing(listingID, viewer: buyer)
        guard listing.status == .published else {
            throw Problem(.conflict, slug: "not-published", title: "This listing is not open to requests",
                          detail: "Only published listings take connection requests; this one is \(listing.status.rawValue).")
        }
        let buyerID = try buyer.requireID()
        guard listing.$seller.id != buyerID else {
            throw Problem(.conflict, slug: "own-listing", title: "This is your own listing", detail: "You cannot ask to connect about your own listing.")
        }
        if let open = try await Connection.query(on: db).filter(\.$buyer.$id == buyerID).filter(\.$listing.$id == listingID)
            .filter(\.$status ~~ [.pending, .accepted]).first() {
            throw Problem(.conflict, slug: "already-requested", title: "You already asked about this listing",
                          detail: "Your request \(open.id?.uuidString ?? "") is \(open.status.rawValue); continue in its thread.")
        }
        let connection = Connection()
        connection.$listing.id = listingID
        connection.$buyer.id = buyerID
        connection.$seller.id = listing.$seller.id
        connection.status = .pending
        connection.initialMessage = content
        connection.lastMessageAt = now
        connection.lastMessagePreview = Self.preview(content)
        do {
            try await db.transaction { db in
                // First, so that this buyer's requests sent at once find their plan and usage one after
                // another (both may be created on first use) and SQLite never upgrades a read to a write.
                try await PlanService.serializeLimits(of: buyer, on: db)
                try await Self.lockPair(buyerID: buyerID, on: db)
                try await Self.refuseIfBlocked(buyerID: buyerID, sellerID: listing.$seller.id, sender: buyerID, on: db)
                try await PlanService(app: app, db: db).consumeConnectionRequest(for: buyer)
                try await connection.create(on: db)
                try await Message(connectionID: connection.requireID(), senderID: buyerID, content: content, kind: .text, at: now).create(on: db)
                // In the transaction: the seller is told of every request that exists, and of none that doesn't.
                await app.notifications(on: db).notify([listing.$seller.id], .init(
                    kind: .connectionRequest, title: "New request about \(listing.title)",
                    message: "\(buyer.firstName) \(buyer.lastName) asks: \(Self.preview(content))",
                    actionURL: "/api/v1/connections/\(try connection.requireID())"))
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw Problem(.conflict, slug: "already-requested", title: "You already asked about this listing",
                          detail: "A request from you about this listing is open; continue in its thread.")
        }
        app.analyticsLog.activity(buyer, .connectionRequest, ["connection_id": try connection.requireID().uuidString, "listing_id": listingID.uuidString], at: now)
        app.analyticsLog.step(buyer, .firstRequest, at: now)
        return connection
    }

    /// The connection if `user` is one of its two parties; 404 for anyone else.
    func party(_ id: UUID, _ user: User) async throws -> Connection {
        guard let connection = try await Connection.find(id, on: db), connection.isParty(user.id) else {
            throw Problem.notFound("Connection \(id)")
        }
        return connection
    }

    func respond(_ id: UUID, accept: Bool, message: String?, seller: User) async throws -> Connection {
        let connection = try await party(id, seller)
        guard connection.$seller.id == seller.id else {
            throw Problem.forbidden("Only the seller answers a connection request.")
        }
        guard connection.status == .pending else {
            throw Problem(.conflict, slug: "already-answered", title: "This request was already answered",
                          detail: "It is \(connection.status.rawValue).")
        }
        let reply = try message.flatMap { $0.isEmpty ? nil : try Self.checkContent($0, field: "message") }
        connection.status = accept ? .accepted : .rejected
        connection.responseMessage = reply
        connection.respondedAt = now
        try await db.transaction { db in
            // Under the pair's lock, so a block committed meanwhile is not undone by this answer and
            // its reply is refused as any message between a blocked pair.
            try await Self.lockPair(buyerID: connection.$buyer.id, on: db)
            if let current = try await Connection.find(id, on: db), current.status != .pending {
                if current.status == .blocked { throw Self.blocked(by: current.blockedBy, sender: try seller.requireID(), buyerID: current.$buyer.id) }
                throw Problem(.conflict, slug: "already-answered", title: "This request was already answered", detail: "It is \(current.status.rawValue).")
            }
            if reply != nil {
                try await Self.refuseIfBlocked(buyerID: connection.$buyer.id, sellerID: connection.$seller.id, sender: try seller.requireID(), on: db)
            }
            if let reply {
                connection.lastMessageAt = now
                connection.lastMessagePreview = Self.preview(reply)
                try await Message(connectionID: connection.requireID(), senderID: seller.requireID(), content: reply, kind: .text, at: now).create(on: db)
            }
            try await connection.save(on: db)
        }
        app.threadPollCache.forget(connection: id)
        // The buyer's notification names the listing only while the buyer may see it, as the detail decides.
        let listing = try await Listing.find(connection.$listing.id, on: db)
        let buyer = try await User.find(connection.$buyer.id, on: db)
        let name = listing.flatMap { $0.isVisible(to: buyer, sellerSuspended: seller.isSuspended) ? $0.title : nil }
            ?? "a listing that is no longer available"
        await notifications.notify([connection.$buyer.id], .init(
            kind: accept ? .connectionAccepted : .connectionRejected,
            title: accept ? "Your request about \(name) was accepted" : "Your request about \(name) was declined",
            message: reply ?? (accept ? "The seller accepted; you can now see the confidential details and message them." : "The seller declined this request."),
            actionURL: "/api/v1/connections/\(id)"))
        app.analyticsLog.activity(seller, accept ? .connectionAccepted : .connectionRejected, ["connection_id": id.uuidString], at: now)
        if accept { app.analyticsLog.record(.funnel(userID: connection.$buyer.id, .accepted, at: now)) }
        return connection
    }

    func block(_ id: UUID, by user: User, reason: String?) async throws -> Connection {
        let connection = try await party(id, user)
        guard connection.status != .blocked else { return connection }
        connection.status = .blocked
        connection.blockedBy = user.id
        connection.blockedReason = reason.flatMap { $0.isEmpty ? nil : String($0.prefix(500)) }
        try await db.transaction { db in
            try await Self.lockPair(buyerID: connection.$buyer.id, on: db)
            try await connection.save(on: db)
        }
        return connection
    }

    // MARK: blocks

    /// A block is between two people, not one thread: once either of them blocks a conversation, no
    /// new request and no message passes between them, in any of their threads. The buyer's `users`
    /// row is the pair's lock (a connection always goes from a buyer to a seller): a block, a request
    /// and a message each take it first in their transaction, so a request or message either commits
    /// before the block or sees it. The row is locked, not written: a write of `users` would announce
    /// the user as changed to every server's caches on each message. On SQLite the transaction already
    /// holds the one write lock (`SQLiteWriteGate`, `BEGIN IMMEDIATE`): nothing more to take.
    static func lockPair(buyerID: UUID, on db: any Database) async throws {
        try await lockUserRow(buyerID, on: db)
    }

    /// Refuses (403) what `sender` would send between a blocked pair; call it after `lockPair`.
    static func refuseIfBlocked(buyerID: UUID, sellerID: UUID, sender: UUID, on db: any Database) async throws {
        guard let block = try await db.sql.raw("""
            SELECT blocked_by FROM connections
            WHERE buyer_id = \(bind: buyerID) AND seller_id = \(bind: sellerID) AND status = \(bind: Connection.Status.blocked.rawValue)
            LIMIT 1
            """).first() else { return }
        throw blocked(by: try block.decode(column: "blocked_by", as: UUID?.self), sender: sender, buyerID: buyerID)
    }

    /// Writes a new message (its id set here) with one INSERT, without Fluent's model machinery.
    static func insert(_ message: Message, on db: any Database) async throws {
        let id = message.id ?? UUID()
        message.id = id
        try await db.sql.raw("""
            INSERT INTO messages (id, connection_id, sender_id, content, message_type, created_at, seq)
            VALUES (\(bind: id), \(bind: message.$connection.id), \(bind: message.$sender.id), \(bind: message.content),
                    \(bind: message.messageType.rawValue), \(bind: message.createdAt), \(bind: message.seq))
            """).run()
    }

    static func blocked(by blocker: UUID?, sender: UUID, buyerID: UUID) -> Problem {
        if blocker == sender {
            return Problem(.forbidden, slug: "you-blocked", title: "You blocked this person",
                           detail: "You blocked a conversation with them, so no new requests or messages pass between you, in any thread.")
        }
        let who = blocker == buyerID ? "buyer" : "seller"
        return Problem(.forbidden, slug: "blocked-by-\(who)", title: "This \(who) blocked you",
                       detail: "The \(who) blocked a conversation with you, so you cannot send them new requests, or messages in any thread.")
    }

    // MARK: lists

    enum Side { case buyer, seller, either }

    func list(for user: User, side: Side, status: Connection.Status?, listingID: UUID? = nil, page: PageRequest) async throws -> Components.Schemas.ConnectionPage {
        let userID = try user.requireID()
        let query = Connection.query(on: db)
        switch side {
        case .buyer: query.filter(\.$buyer.$id == userID)
        case .seller: query.filter(\.$seller.$id == userID)
        case .either: query.group(.or) { $0.filter(\.$buyer.$id == userID).filter(\.$seller.$id == userID) }
        }
        if let status { query.filter(\.$status == status) }
        if let listingID { query.filter(\.$listing.$id == listingID) }
        let total = try await query.copy().count()
        let rows = try await query.with(\.$listing).with(\.$buyer).with(\.$seller)
            .sort(\.$lastMessageAt, .descending).sort(\.$id)
            .range(page.offset..<(page.offset + page.perPage)).all()
        let unread = try await unreadCounts(for: userID, in: rows.map { try $0.requireID() })
        return .init(
            items: try rows.map { try $0.toDTO(unread: unread[try $0.requireID()] ?? 0, viewer: user) },
            page: page.page, perPage: page.perPage, total: total,
            unreadTotal: try await unreadTotal(for: userID))
    }

    func detail(_ connection: Connection, for user: User) async throws -> Components.Schemas.Connection {
        try await connection.$listing.load(on: db)
        try await connection.$buyer.load(on: db)
        try await connection.$seller.load(on: db)
        let id = try connection.requireID()
        if let viewerID = user.id, viewerID == connection.$buyer.id {
            app.analyticsLog.record(.profileView(profileID: connection.$seller.id, viewerID: viewerID, .connection, at: now))
        }
        return try connection.toDTO(unread: try await unreadCounts(for: user.requireID(), in: [id])[id] ?? 0, viewer: user)
    }

    func unreadCounts(for userID: UUID, in ids: [UUID]) async throws -> [UUID: Int] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await sql.raw("""
            SELECT m.connection_id AS connection_id, COUNT(*) AS n FROM messages m
            LEFT JOIN message_reads r ON r.message_id = m.id AND r.user_id = \(bind: userID)
            WHERE m.connection_id IN (\(binds: ids)) AND m.sender_id <> \(bind: userID) AND r.id IS NULL
            GROUP BY m.connection_id
            """).all()
        var counts: [UUID: Int] = [:]
        for row in rows { counts[try row.decode(column: "connection_id", as: UUID.self)] = try row.decode(column: "n", as: Int.self) }
        return counts
    }

    func unreadTotal(for userID: UUID) async throws -> Int {
        try await sql.raw("""
            SELECT COUNT(*) AS n FROM messages m
            JOIN connections c ON c.id = m.connection_id
            LEFT JOIN message_reads r ON r.message_id = m.id AND r.user_id = \(bind: userID)
            WHERE (c.buyer_id = \(bind: userID) OR c.seller_id = \(bind: userID)) AND m.sender_id <> \(bind: userID) AND r.id IS NULL
            """).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    // MARK: messages

    func messages(_ id: UUID, for user: User, after: UUID?, page: PageRequest) async throws -> Components.Schemas.MessagePage {
        let connection = try await party(id, user)
        let connectionID = try connection.requireID()
        let query = Message.query(on: db).filter(\.$connection.$id == connectionID)
        if let after {
            guard let anchor = try await Message.query(on: db).filter(\.$id == after).filter(\.$connection.$id == connectionID).first() else {
                throw Problem.validation(["after": ["is not a message of this thread"]])
            }
            let anchorID = try anchor.requireID()
            query.group(.or) { group in
                group.filter(\.$seq > anchor.seq)
                group.group(.and) { $0.filter(\.$seq == anchor.seq).filter(\.$id > anchorID) }
            }
        }
        let total = try await query.copy().count()
        let rows = try await query.sort(\.$seq, .ascending).sort(\.$id, .ascending)
            .range(page.offset..<(page.offset + page.perPage)).all()
        let ids = try rows.map { try $0.requireID() }
        var reads: [UUID: Date] = [:]
        if !ids.isEmpty {
            // "Read" means read by the recipient: the other party of each message.
            for read in try await MessageRead.query(on: db).filter(\.$message.$id ~~ ids).all() {
                let message = rows.first { $0.id == read.$message.id }
                if let message, message.$sender.id != read.$user.id { reads[read.$message.id] = read.readAt }
            }
        }
        return .init(
            items: try rows.map { try $0.toDTO(readAt: reads[try $0.requireID()]) },
            page: page.page, perPage: page.perPage, total: total)
    }

    func send(_ id: UUID, content: String, from user: User) async throws -> Message {
        let text = try Self.checkContent(content, field: "content")
        let connection = try await party(id, user)
        let userID = try user.requireID()
        guard connection.status != .blocked else {
            throw Self.blocked(by: connection.blockedBy, sender: userID, buyerID: connection.$buyer.id)
        }
        guard [.pending, .accepted].contains(connection.status) else {
            throw Problem(.conflict, slug: "thread-closed", title: "This thread is closed",
                          detail: "The connection is \(connection.status.rawValue); no more messages can be sent.")
        }
        if connection.status == .pending, connection.$buyer.id == user.id {
            throw Problem(.conflict, slug: "awaiting-answer", title: "Waiting for the seller",
                          detail: "Your request is pending; you can write again once the seller accepts it.")
        }
        let message = Message(connectionID: try connection.requireID(), senderID: try user.requireID(), content: text, kind: .text, at: now)
        connection.lastMessageAt = now
        connection.lastMessagePreview = Self.preview(text)
        let recipient = connection.otherParty(of: try user.requireID())
        try await db.transaction { db in
            // Any thread of the pair may hold the block (`lockPair`).
            try await Self.lockPair(buyerID: connection.$buyer.id, on: db)
            try await Self.refuseIfBlocked(buyerID: connection.$buyer.id, sellerID: connection.$seller.id, sender: userID, on: db)
            // Plain SQL, not the models: a message is the busiest write there is, and Fluent reads each
            // model's fields through reflection on every create and update (see Benchmarks/README.md).
            try await Self.insert(message, on: db)
            try await db.sql.raw("""
                UPDATE connections SET last_message_at = \(bind: now), last_message_preview = \(bind: connection.lastMessagePreview),
                    updated_at = \(bind: Date())
                WHERE id = \(bind: id)
                """).run()
            await app.notifications(on: db).notify([recipient], .init(
                kind: .newMessage, title: "New message from \(user.firstName) \(user.lastName)",
                message: Self.preview(text), actionURL: "/api/v1/connections/\(id)"))
        }
        app.threadPollCache.forget(connection: id)
        app.analyticsLog.activity(user, .message, ["connection_id": id.uuidString], at: now)
        return message
    }

    /// Changes whenever a message is added to the thread or read: the number and the newest of its
    /// messages, and the number of read marks on them.
    func threadVersion(_ id: UUID, for user: User) async throws -> (version: String, connection: Connection) {
        let connection = try await party(id, user)
        let connectionID = try connection.requireID()
        let row = try await sql.raw("""
            SELECT COUNT(*) AS n, COALESCE(MAX(seq), 0) AS last,
                   (SELECT COUNT(*) FROM message_reads r JOIN messages m2 ON m2.id = r.message_id
                    WHERE m2.connection_id = \(bind: connectionID)) AS reads
            FROM messages WHERE connection_id = \(bind: connectionID)
            """).first()
        let count = try row?.decode(column: "n", as: Int.self) ?? 0
        let last = try row?.decode(column: "last", as: Int64.self) ?? 0
        let reads = try row?.decode(column: "reads", as: Int.self) ?? 0
        return ("\(connectionID):\(count):\(last):\(reads)", connection)
    }

    /// Marks the message, and every earlier message the other party sent in the thread, read.
    func markRead(_ id: UUID, messageID: UUID, by user: User) async throws {
        let connection = try await party(id, user)
        let connectionID = try connection.requireID()
        guard let message = try await Message.query(on: db).filter(\.$id == messageID).filter(\.$connection.$id == connectionID).first() else {
            throw Problem.notFound("Message \(messageID) in connection \(id)")
        }
        let userID = try user.requireID()
        let unread = try await sql.raw("""
            SELECT m.id AS id FROM messages m
            LEFT JOIN message_reads r ON r.message_id = m.id AND r.user_id = \(bind: userID)
            WHERE m.connection_id = \(bind: connectionID) AND m.sender_id <> \(bind: userID) AND r.id IS NULL
              AND m.seq <= \(bind: message.seq)
            """).all().map { try $0.decode(column: "id", as: UUID.self) }
        for messageID in unread {
            try await sql.raw("""
                INSERT INTO message_reads (id, message_id, user_id, read_at)
                VALUES (\(bind: UUID()), \(bind: messageID), \(bind: userID), \(bind: now))
                ON CONFLICT (message_id, user_id) DO NOTHING
                """).run()
        }
        app.threadPollCache.forget(connection: connectionID)
        // A thread read to its end leaves nothing to be told about: its new-message notifications are read too.
        let left = try await sql.raw("""
            SELECT COUNT(*) AS n FROM messages m
            LEFT JOIN message_reads r ON r.message_id = m.id AND r.user_id = \(bind: userID)
            WHERE m.connection_id = \(bind: connectionID) AND m.sender_id <> \(bind: userID) AND r.id IS NULL
            """).first()?.decode(column: "n", as: Int.self) ?? 0
        if left == 0 {
            try await Notification.query(on: db).filter(\.$user.$id == userID).filter(\.$isRead == false)
                .filter(\.$type == NotificationService.Kind.newMessage.rawValue).filter(\.$actionURL == "/api/v1/connections/\(connectionID)")
                .set(\.$isRead, to: true).set(\.$readAt, to: now).update()
        }
    }

    // MARK: private notes

    func notes(_ id: UUID, of user: User) async throws -> ConnectionNote? {
        let connection = try await party(id, user)
        return try await ConnectionNote.query(on: db).filter(\.$connection.$id == connection.requireID())
            .filter(\.$user.$id == user.requireID()).first()
    }

    func saveNotes(_ id: UUID, of user: User, text: String) async throws -> ConnectionNote {
        guard text.unicodeScalars.count <= 10_000 else { throw Problem.validation(["notes": ["must be at most 10000 characters"]]) }
        let note = try await notes(id, of: user) ?? ConnectionNote()
        note.$connection.id = id
        note.$user.id = try user.requireID()
        note.notes = text
        try await note.save(on: db)
        return note
    }

    static func preview(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > 120 ? String(flat.prefix(119)) + "…" : flat
    }
}
