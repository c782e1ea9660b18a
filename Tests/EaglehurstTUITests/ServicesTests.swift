@testable import EaglehurstTUI
import EaglehurstAPI
import Foundation
import Synchronization
import XCTest

/// Service requests, templates, providers, messages and documents as the server sends them, built
/// from the contract's types so a change of the contract breaks them at compile time.
enum ServiceFixture {
    static let now = ListingFixture.now
    static let userID = UUID(uuidString: Fixture.userID)!
    static let listingID = ListingFixture.uuid(1)

    static let valuation = ServiceTemplate(
        id: ListingFixture.uuid(501), templateName: "Business valuation", serviceType: .valuation,
        description: "An independent valuation of the practice", content: "Please value the business: goodwill, fixtures and the lease.")
    static let lease = ServiceTemplate(
        id: ListingFixture.uuid(502), templateName: "Lease assignment", serviceType: .legal,
        description: "The landlord's consent and the deed of assignment", content: "Please handle the assignment of the lease.")

    static let knight = ServiceProvider(
        id: ListingFixture.uuid(511), companyName: "Knight & Co Valuers", services: [.valuation], regions: ["London", "South East"],
        contactEmail: "desk@knight.example", rating: 4.8, reviewCount: 31, isActive: true)
    static let harbour = ServiceProvider(
        id: ListingFixture.uuid(512), companyName: "Harbour Healthcare Valuations", services: [.valuation], regions: ["North West"],
        rating: 4.2, reviewCount: 9, isActive: true)

    static func request(_ n: Int, status: ServiceStatus = .submitted, title: String = "Business valuation: Dental practice in Harrogate",
                        listing: Bool = true, provider: ServiceProvider? = nil, unread: Int = 0) -> ServiceRequest {
        let created = now.addingTimeInterval(-86_400 * Double(3 - n))
        return ServiceRequest(
            id: ListingFixture.uuid(520 + n), userId: userID,
            user: .init(id: userID, firstName: "Bob", lastName: "Smith", userType: .buyer),
            listingId: listing ? listingID : nil, listingTitle: listing ? "Dental practice in Harrogate" : nil,
            providerId: provider?.id, provider: provider, serviceType: .valuation, title: title,
            description: "Please value the business: goodwill, fixtures and the lease.", urgency: .high, status: status,
            reviewedAt: [.inReview, .assigned, .inProgress, .completed].contains(status) ? created.addingTimeInterval(3600) : nil,
            assignedAt: [.assigned, .inProgress, .completed].contains(status) ? created.addingTimeInterval(7200) : nil,
            unreadCount: unread, createdAt: created, updatedAt: created.addingTimeInterval(7200))
    }

    static func message(_ n: Int, request: UUID, from sender: ServiceSender, _ text: String, read: Bool = false) -> ServiceCommunication {
        ServiceCommunication(
            id: ListingFixture.uuid(540 + n), serviceRequestId: request, senderType: sender,
            senderName: sender == .user ? "Bob Smith" : sender == .provider ? "Knight & Co Valuers" : "Eaglehurst service desk",
            message: text, isRead: read, createdAt: now.addingTimeInterval(Double(n) * 60))
    }

    static func document(_ n: Int, request: UUID, name: String, type: Components.Schemas.ServiceDocumentType, from sender: ServiceSender) -> ServiceDocument {
        ServiceDocument(
            id: ListingFixture.uuid(560 + n), serviceRequestId: request, documentType: type, fileName: name, contentType: "application/pdf",
            sizeBytes: 48_213, url: "/api/v1/services/\(request)/documents/\(ListingFixture.uuid(560 + n))", senderType: sender,
            createdAt: now.addingTimeInterval(Double(n) * 120))
    }
}

/// The server's side of the services screen, changed by the requests the screen makes.
struct ServiceWorld: Sendable {
    var requests: [ServiceRequest] = [ServiceFixture.request(1, status: .inReview, title: "Lease review for the Leeds pharmacy", listing: false)]
    var messages: [UUID: [ServiceCommunication]] = [:]
    var documents: [UUID: [ServiceDocument]] = [:]
    var bytes: [UUID: Data] = [:]
    var createRefusal: StubTransport.Answer?

    func id(in path: String) -> UUID? {
        let parts = path.split(separator: "?")[0].split(separator: "/")
        guard let index = parts.firstIndex(where: { $0 == "services" || $0 == "service-requests" }), index + 1 < parts.count else { return nil }
        return UUID(uuidString: String(parts[index + 1]))
    }

    mutating func answer(_ request: StubTransport.Request) -> StubTransport.Answer {
        func ok<T: Encodable>(_ value: T, status: Int = 200, etag: String? = nil) -> StubTransport.Answer {
            .json(status: status, body: PlanFixture.json(value), headers: etag.map { ["ETag": $0] } ?? [:])
        }
        let requestID = id(in: request.path)
        switch request.operationID {
        case "servicesList", "adminListServiceRequests":
            return ok(Components.Schemas.ServiceRequestPage(items: requests.reversed(), page: 1, perPage: 100, total: requests.count))
        case "servicesTemplates":
            return ok(Components.Schemas.ServiceTemplatePage(items: [ServiceFixture.valuation, ServiceFixture.lease], page: 1, perPage: 100, total: 2))
        case "servicesProviders":
            let providers = request.query("service_type") == ["valuation"] ? [ServiceFixture.knight, ServiceFixture.harbour] : []
            return ok(Components.Schemas.ServiceProviderPage(items: providers, page: 1, perPage: 100, total: providers.count))
        case "servicesCreate":
            if let refusal = createRefusal { return refusal }
            var made = ServiceFixture.request(requests.count + 1, listing: request.field("listing_id") != nil)
            made.title = request.field("title") ?? ""
            made.preferredProviderId = request.field("provider_id").flatMap(UUID.init(uuidString:))
            requests.append(made)
            return ok(made, status: 201)
        case "servicesGet":
            guard let found = requests.first(where: { $0.id == requestID }) else { return .json(status: 404, body: StubTransport.problem(404, "Not Found")) }
            let tag = "\"r\(found.status.rawValue)-\(found.providerId?.uuidString ?? "none")\""
            if request.ifNoneMatch == tag { return .json(status: 304, body: "", headers: ["ETag": tag]) }
            return ok(found, etag: tag)
        case "servicesUpdate", "adminUpdateServiceRequest":
            guard let index = requests.firstIndex(where: { $0.id == requestID }) else { return .json(status: 404, body: StubTransport.problem(404, "Not Found")) }
            if let status = request.field("status").flatMap(ServiceStatus.init(rawValue:)) { requests[index].status = status }
            if let provider = request.field("provider_id").flatMap(UUID.init(uuidString:)) {
                requests[index].providerId = provider
                requests[index].provider = [ServiceFixture.knight, ServiceFixture.harbour].first { $0.id == provider }
            }
            return ok(requests[index])
        case "servicesCommunications":
            let all = messages[requestID!] ?? []
            let after = request.query("after").first.flatMap(UUID.init(uuidString:))
            let items = after.flatMap { after in all.firstIndex { $0.id == after }.map { Array(all[($0 + 1)...]) } } ?? all
            let tag = "\"m\(all.count)\""
            if request.ifNoneMatch == tag { return .json(status: 304, body: "", headers: ["ETag": tag]) }
            return ok(Components.Schemas.ServiceCommunicationPage(items: items, page: 1, perPage: 100, total: items.count), etag: tag)
        case "servicesAddCommunication":
            let sender = request.field("sender_type").flatMap(ServiceSender.init(rawValue:)) ?? .user
            let message = ServiceFixture.message((messages[requestID!] ?? []).count + 1, request: requestID!, from: sender, request.field("message") ?? "")
            messages[requestID!, default: []].append(message)
            return ok(message, status: 201)
        case "servicesMarkCommunicationRead":
            return .empty(status: 204)
        case "servicesDocuments":
            let items = documents[requestID!] ?? []
            return ok(Components.Schemas.ServiceDocumentPage(items: items, page: 1, perPage: 100, total: items.count))
        case "servicesUploadDocument":
            let text = request.bodyText
            let type: Components.Schemas.ServiceDocumentType = text.contains("valuation_report") ? .valuationReport : .accounts
            let document = ServiceFixture.document((documents[requestID!] ?? []).count + 1, request: requestID!, name: "accounts-2024.pdf", type: type,
                                                   from: text.contains("provider") ? .provider : .user)
            documents[requestID!, default: []].insert(document, at: 0)
            return ok(document, status: 201)
        case "servicesDownloadDocument":
            let documentID = UUID(uuidString: String(request.path.split(separator: "/").last ?? ""))
            guard let documentID, let data = bytes[documentID] else { return .json(status: 404, body: StubTransport.problem(404, "Not Found")) }
            return .data(status: 200, body: data, headers: ["Content-Disposition": "attachment; filename=\"report.pdf\""])
        default:
            return .unreachable
        }
    }
}

final class ServiceServer: Sendable {
    let world: Mutex<ServiceWorld>

    init(_ world: ServiceWorld = ServiceWorld()) { self.world = Mutex(world) }

    var stub: StubTransport {
        StubTransport { [self] request in world.withLock { $0.answer(request) } }
    }
}

final class ServicesTests: XCTestCase {
    static let size = Size(width: 120, height: 40)

    /// A signed-in user who pressed `gv`, with every answer in.
    func open(_ server: ServiceServer, as type: String = "buyer") async throws -> (Harness, EffectRunner, StubTransport) {
        let stub = server.stub
        let (runner, _) = try await makeRunner(stub, session: StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref"))
        var app = Harness.signedIn(type, size: Self.size)
        app.press("gv")
        XCTAssertEqual(app.state.screen, .services)
        await app.run(runner)
        return (app, runner, stub)
    }

    /// Runs the open request's held poll once, as if its pause were over.
    func poll(_ app: inout Harness, _ runner: EffectRunner) async {
        let held = (app.background + app.effects).last { if case .services(.poll) = $0 { return true } else { return false } }
        app.background.removeAll { if case .services(.poll) = $0 { return true } else { return false } }
        app.effects.removeAll { if case .services(.poll) = $0 { return true } else { return false } }
        guard let held else { return XCTFail("no poll is waiting") }
        app.send(await runner.perform(held))
        await app.run(runner)
    }

    func testABuyerSeesTheirRequestsAndAsksForAValuationFromATemplate() async throws {
        let server = ServiceServer()
        var (app, runner, stub) = try await open(server)
        XCTAssertEqual(stub.requests("servicesList").count, 1)
        XCTAssertNotNil(app.line(containing: "[in review]"), app.text)
        XCTAssertNotNil(app.line(containing: "Lease review for the Leeds"), app.text)
        XCTAssertTrue(app.hints.contains("n new"), app.hints)
        XCTAssertFalse(app.hints.contains("listings"), "the desk's keys are not offered to a buyer: \(app.hints)")

        app.press("n")
        await app.run(runner)
        XCTAssertEqual(app.state.context, .serviceChooser)
        try assertGolden(app.lines, "services-templates-120x40")
        app.press("<enter>")
        await app.run(runner)
        XCTAssertEqual(app.state.context, .serviceForm)
        XCTAssertEqual(stub.requests("servicesProviders").last?.query("service_type"), ["valuation"], "the providers of the template's kind")
        let form = try XCTUnwrap(app.state.services.draft?.form)
        XCTAssertEqual(form["title"].value, "Business valuation")
        XCTAssertEqual(form["description"].value, ServiceFixture.valuation.content, "the template's text, ready to edit")
        XCTAssertEqual(form["urgency"].value, "normal")
        XCTAssertEqual(form["provider_id"].value, ServiceForms.anyProvider)

        // A preferred firm: the first one offered.
        app.press("<tab><tab><tab><right>")
        XCTAssertEqual(app.state.services.draft?.form?["provider_id"].value, "Knight & Co Valuers ★4.8")
        app.press("<enter>")
        await app.run(runner)
        let sent = try XCTUnwrap(stub.requests("servicesCreate").last)
        XCTAssertEqual(sent.field("service_type"), "valuation")
        XCTAssertEqual(sent.field("title"), "Business valuation")
        XCTAssertEqual(sent.field("provider_id")?.lowercased(), ServiceFixture.knight.id.uuidString.lowercased())
        XCTAssertNil(sent.field("listing_id"), "not about a listing")
        XCTAssertEqual(app.state.context, .serviceDetail, "the new request opens")
        XCTAssertTrue(app.errorLine.contains("Sent: the service desk reviews"), app.errorLine)
        XCTAssertNotNil(app.line(containing: "● submitted"), app.text)
        XCTAssertNotNil(app.line(containing: "○ in review → ○ assigned"), app.text)
    }

    func testVOnAListingAsksAboutThatListing() async throws {
        let server = ServiceServer()
        let stub = server.stub
        let (runner, _) = try await makeRunner(stub, session: StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref"))
        var app = Harness.signedIn("buyer", size: Self.size)
        app.state.screen = .listings
        app.state.browser.detail = ListingDetailState(id: ServiceFixture.listingID, title: "Dental practice in Harrogate")
        app.press("v")
        XCTAssertEqual(app.state.screen, .services)
        await app.run(runner)
        XCTAssertNotNil(app.line(containing: "About “Dental practice in Harrogate”"), app.text)
        app.press("<enter>")
        await app.run(runner)
        XCTAssertEqual(app.state.services.draft?.form?["title"].value, "Business valuation: Dental practice in Harrogate")
        app.press("<enter>")
        await app.run(runner)
        XCTAssertEqual(stub.requests("servicesCreate").last?.field("listing_id")?.lowercased(), ServiceFixture.listingID.uuidString.lowercased())
    }

    func testTheServersRefusalLandsOnItsField() async throws {
        let server = ServiceServer()
        server.world.withLock { $0.createRefusal = .json(status: 422, body: StubTransport.problem(422, "Unprocessable Content", errors: ["title": ["must be at least 5 characters"]])) }
        var (app, runner, _) = try await open(server)
        app.press("n")
        await app.run(runner)
        app.press("<enter>")
        await app.run(runner)
        app.press("<enter>")
        await app.run(runner)
        XCTAssertEqual(app.state.context, .serviceForm, "the form stays with what was typed")
        XCTAssertEqual(app.state.services.draft?.form?.problem(at: 1), "title must be at least 5 characters")
        XCTAssertFalse(app.state.services.draft?.form?.isSubmitting ?? true)
    }

    func testTheConversationPollsMarksReadAndSends() async throws {
        let server = ServiceServer()
        let id = server.world.withLock { world in
            let id = world.requests[0].id
            world.messages[id] = [ServiceFixture.message(1, request: id, from: .admin, "We are reviewing your request.")]
            return id
        }
        var (app, runner, stub) = try await open(server)
        app.press("<enter>")
        await app.run(runner)
        XCTAssertNotNil(app.line(containing: "We are reviewing your request."), app.text)
        XCTAssertEqual(stub.requests("servicesMarkCommunicationRead").count, 1, "the desk's message on screen is read")
        try assertGolden(app.lines, "service-detail-120x40")

        // Nothing new: the poll asks with its tags and gets 304s.
        await poll(&app, runner)
        XCTAssertEqual(stub.requests("servicesCommunications").last?.ifNoneMatch, "\"m1\"")
        XCTAssertNotNil(stub.requests("servicesGet").last?.ifNoneMatch)
        // The provider answers through the desk: it appears by itself.
        server.world.withLock { $0.messages[id]!.append(ServiceFixture.message(2, request: id, from: .provider, "The valuation is under way.")) }
        await poll(&app, runner)
        XCTAssertNotNil(app.line(containing: "The valuation is under way."), app.text)
        XCTAssertEqual(stub.requests("servicesCommunications").last?.query("after").first?.lowercased(), ServiceFixture.uuid541.lowercased(), "only what came after")

        app.press("<enter>")
        XCTAssertEqual(app.state.context, .serviceCompose)
        app.press("Thank<space>you")
        app.press("<enter>")
        await app.run(runner)
        XCTAssertEqual(stub.requests("servicesAddCommunication").last?.field("message"), "Thank you")
        XCTAssertNil(stub.requests("servicesAddCommunication").last?.field("sender_type"), "the requester writes as themself")
        XCTAssertNotNil(app.line(containing: "You · "), app.text)
        XCTAssertEqual(app.state.services.detail?.compose.text, "")
    }

    func testDocumentsAttachAndDownloadWithoutOverwriting() async throws {
        let server = ServiceServer()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("eaglehurst-services-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let accounts = directory.appendingPathComponent("accounts-2024.pdf")
        try Data("%PDF-1.4 accounts".utf8).write(to: accounts)
        let id = server.world.withLock { $0.requests[0].id }
        var (app, runner, stub) = try await open(server)
        app.press("<enter>")
        await app.run(runner)

        app.press("a")
        XCTAssertEqual(app.state.context, .serviceForm)
        app.press(accounts.path)
        app.press("<enter>")
        await app.run(runner)
        let upload = try XCTUnwrap(stub.requests("servicesUploadDocument").last)
        XCTAssertTrue(upload.bodyText.contains("%PDF-1.4 accounts"), "the file's bytes")
        XCTAssertTrue(upload.bodyText.contains("accounts"), "its kind")
        XCTAssertEqual(app.state.context, .serviceDocuments)
        XCTAssertNotNil(app.line(containing: "accounts-2024.pdf"), app.text)

        // The provider's report arrives; the buyer saves it.
        let report = ServiceFixture.document(9, request: id, name: "valuation-report.pdf", type: .valuationReport, from: .provider)
        server.world.withLock {
            $0.documents[id]!.insert(report, at: 0)
            $0.bytes[report.id] = Data("%PDF-1.7 the report".utf8)
        }
        await poll(&app, runner)
        XCTAssertEqual(app.state.services.detail?.selectedDocument?.fileName, "accounts-2024.pdf", "the selection stays on its document")
        app.press("<up>")
        XCTAssertEqual(app.state.services.detail?.selectedDocument?.fileName, "valuation-report.pdf")
        app.press("d")
        guard case .prompt(var prompt) = app.state.overlay else { return XCTFail("no prompt") }
        XCTAssertEqual(prompt.form["path"].value, "./valuation-report.pdf")
        let target = directory.appendingPathComponent("report.pdf").path
        prompt.form["path"].input.setText(target)
        app.state.overlay = .prompt(prompt)
        app.press("<enter>")
        await app.run(runner)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: target)), Data("%PDF-1.7 the report".utf8))
        XCTAssertEqual(app.state.message?.text, "Saved to \(target).")

        // Again to the same path: nothing is overwritten.
        app.press("d")
        guard case .prompt(var again) = app.state.overlay else { return XCTFail("no prompt") }
        again.form["path"].input.setText(target)
        app.state.overlay = .prompt(again)
        app.press("<enter>")
        await app.run(runner)
        XCTAssertEqual(app.state.message?.text, "Not saved: \(target) exists already: choose another name.")
        XCTAssertEqual(stub.requests("servicesDownloadDocument").count, 1, "refused before asking the server")
    }

    func testCancellingAsksFirstAndOnlyBeforeWorkStarts() async throws {
        let server = ServiceServer()
        var (app, runner, stub) = try await open(server)
        app.press("<enter>")
        await app.run(runner)
        app.press("X")
        guard case .confirm = app.state.overlay else { return XCTFail("cancelling asks first") }
        app.press("y")
        await app.run(runner)
        XCTAssertEqual(stub.requests("servicesUpdate").last?.field("status"), "cancelled")
        XCTAssertNotNil(app.line(containing: "✕ cancelled"), app.text)
        app.press("X")
        XCTAssertNil(app.state.overlay)
        XCTAssertEqual(app.errorLine, " A request cancelled cannot be cancelled.")
    }

    func testTheDeskReviewsAssignsAndWritesAsTheProvider() async throws {
        let server = ServiceServer(ServiceWorld(requests: [ServiceFixture.request(1, status: .submitted)]))
        var (app, runner, stub) = try await open(server, as: "admin")
        XCTAssertEqual(stub.requests("adminListServiceRequests").last?.query("open"), ["true"], "the desk starts on open requests")
        XCTAssertNotNil(app.line(containing: "Service desk · open"), app.text)
        XCTAssertNotNil(app.line(containing: "Bob Smith"), "who asked")
        app.press("<enter>")
        await app.run(runner)
        app.press("m")
        await app.run(runner)
        XCTAssertEqual(stub.requests("adminUpdateServiceRequest").last?.field("status"), "in_review")
        // Assigning with no preferred provider opens the list of firms for the request's kind.
        app.press("m")
        await app.run(runner)
        XCTAssertEqual(app.state.context, .serviceChooser)
        XCTAssertNotNil(app.line(containing: "Harbour Healthcare Valuations"), app.text)
        app.press("<enter>")
        await app.run(runner)
        let assign = try XCTUnwrap(stub.requests("adminUpdateServiceRequest").last)
        XCTAssertEqual(assign.field("status"), "assigned")
        XCTAssertEqual(assign.field("provider_id")?.lowercased(), ServiceFixture.knight.id.uuidString.lowercased())
        XCTAssertNotNil(app.line(containing: "provider Knight & Co Valuers"), app.text)

        app.press("w")
        app.press("i")
        app.press("Our<space>valuation<space>is<space>attached.")
        app.press("<enter>")
        await app.run(runner)
        XCTAssertEqual(stub.requests("servicesAddCommunication").last?.field("sender_type"), "provider")
        XCTAssertNotNil(app.line(containing: "Knight & Co Valuers (written by the desk)"), app.text)

        app.press("<esc>")
        app.press("<esc>")
        XCTAssertEqual(app.state.context, .services)
        app.press("l")
        await app.run(runner)
        XCTAssertEqual(app.state.screen, .admin, "the desk is a tab beside the moderation queue")
        app.press("d")
        await app.run(runner)
        XCTAssertEqual(app.state.screen, .services)
    }

    func testAServiceNotificationOpensItsRequest() async throws {
        let server = ServiceServer()
        let id = server.world.withLock { $0.requests[0].id }
        let stub = server.stub
        let (runner, _) = try await makeRunner(stub, session: StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref"))
        var app = Harness.signedIn("buyer", size: Self.size)
        let json = ConversationsTests.notificationJSON(1, type: "service_request", title: "Your request is in review", read: true, url: "/api/v1/services/\(id)")
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let notification = try decoder.decode(AppNotification.self, from: Data(json.utf8))
        app.state.screen = .notifications
        app.state.conversations.notifications.items = [notification]
        app.state.conversations.notifications.cursor.setCount(1)
        app.press("<enter>")
        await app.run(runner)
        XCTAssertEqual(app.state.screen, .services)
        XCTAssertEqual(app.state.services.detail?.id, id, "the request it is about, opened")
        XCTAssertNotNil(app.line(containing: "Lease review for the Leeds pharmacy"), app.text)
    }

    func testABuyerCannotUseTheDesksKeys() async throws {
        var (app, runner, stub) = try await open(ServiceServer())
        app.press("<enter>")
        await app.run(runner)
        app.press("m")
        XCTAssertEqual(app.errorLine, " The service desk (admins) does that.")
        XCTAssertTrue(stub.requests("adminUpdateServiceRequest").isEmpty)
    }
}

extension ServiceFixture {
    static let uuid541 = ListingFixture.uuid(541).uuidString
}
