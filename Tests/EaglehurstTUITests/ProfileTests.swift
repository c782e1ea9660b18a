@testable import EaglehurstTUI
import EaglehurstAPI
import Foundation
import XCTest

/// The profile screen: what it shows for a buyer and a seller, editing, and uploads by file path.
final class ProfileTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("eaglehurst-profile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A signed-in user on the profile screen, loaded through the stub.
    func profile(type: String = "buyer", extra: [String: StubTransport.Answer] = [:]) async throws -> (Harness, EffectRunner, StubTransport) {
        let stub = StubTransport(answers: Fixture.profileAnswers(type: type).merging(extra) { _, new in new })
        let (runner, _) = try await makeRunner(stub, session: StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref"))
        var app = Harness()
        app.send(.account(.signedIn(.success(SignedIn(account: Fixture.account(Fixture.userJSON(type: type)))))))
        // Signing in lands where the role's work is; the profile is one command away.
        app.effects = []
        app.press(":profile<enter>")
        XCTAssertEqual(app.effects, [.profile(.loadProfile)])
        await app.run(runner)
        XCTAssertEqual(app.state.screen, .profile)
        return (app, runner, stub)
    }

    func testABuyersProfile() async throws {
        let (app, _, _) = try await profile()
        XCTAssertEqual(app.line(containing: "Email"), "  Email          bob@example.com  ✓ verified")
        XCTAssertEqual(app.line(containing: "Phone"), "  Phone          —")
        XCTAssertEqual(app.line(containing: "Account"), "  Account        buyer · active")
        XCTAssertEqual(app.line(containing: "Looking for"), "  Looking for    pharmacy, dental_practice")
        XCTAssertEqual(app.line(containing: "Regions"), "  Regions        Leeds")
        XCTAssertEqual(app.line(containing: "Price"), "  Price          £100,000 – £750,000")
        XCTAssertEqual(app.line(containing: "Notes"), "  Notes          NHS contract preferred")
        XCTAssertEqual(app.line(containing: "Identity"), "  Identity       pending")
        XCTAssertEqual(app.line(containing: "Documents"), "  Documents      passport  passport.pdf  20 KB  pending")
        XCTAssertTrue(app.statusBar.hasPrefix(" Profile "))
        XCTAssertTrue(app.statusBar.contains("bob@example.com (buyer)"))
    }

    func testASellersProfileShowsTheBusiness() async throws {
        let (app, _, stub) = try await profile(type: "seller")
        XCTAssertEqual(app.line(containing: "Business"), "  Business       Harbour Dental")
        XCTAssertEqual(app.line(containing: "Company no."), "  Company no.    01234567")
        XCTAssertEqual(app.line(containing: "Years trading"), "  Years trading  12")
        XCTAssertNil(app.line(containing: "Looking for"))
        XCTAssertEqual(stub.requests("usersGetBuyerProfile").count, 0, "a seller's screen never asks for a buyer profile")
    }

    func testAnUnverifiedEmailSaysHowToVerify() async throws {
        var app = Harness()
        app.send(.account(.signedIn(.success(SignedIn(account: Fixture.account())))))
        app.press(":profile<enter>")
        app.send(.profile(.profileLoaded(.success(ProfileData(account: Fixture.account(Fixture.userJSON(verified: false)))))))
        XCTAssertEqual(app.line(containing: "Email"), "  Email          bob@example.com  ✕ not verified: verify it (v)")
        app.press("v")
        XCTAssertEqual(app.state.screen, .verify)
        XCTAssertEqual(app.state.verification["email"].value, "bob@example.com")
    }

    func testAFailedReloadKeepsTheProfileMarkedStale() async throws {
        var (app, _, _) = try await profile()
        app.press("r")
        app.send(.profile(.profileLoaded(.failure(.unreachable("connection refused")))))
        XCTAssertEqual(app.errorLine, " Could not load your profile: server unreachable: connection refused")
        XCTAssertNotNil(app.line(containing: "Bob Smith  stale: the latest load failed"))
        XCTAssertEqual(app.line(containing: "Regions"), "  Regions        Leeds")
        XCTAssertTrue(app.statusBar.hasSuffix("✕ unreachable 127.0.0.1:8080"))
    }

    func testEditingNameAndPhone() async throws {
        var (app, runner, stub) = try await profile(extra: ["usersUpdateProfile": .json(status: 200, body: Fixture.userJSON(phone: "+447700900123"))])
        app.press("e")
        XCTAssertEqual(app.state.context, .profileEdit)
        XCTAssertNotNil(app.line(containing: "Edit your name and phone"))
        XCTAssertEqual(app.state.profile.editor?.form["first_name"].value, "Bob", "the form starts with what is there")
        app.press("<tab><tab>07<enter>")
        XCTAssertEqual(app.line(containing: "phone must"), "              phone must be 9 to 15 digits, optionally starting with +")
        XCTAssertEqual(app.effects, [])
        app.press("<c-u>+447700900123<enter>")
        XCTAssertEqual(app.effects, [.profile(.saveProfile(.details(.init(firstName: "Bob", lastName: "Smith", phone: "+447700900123"))))])
        XCTAssertNotNil(app.line(containing: "Saving…"))
        await app.run(runner)
        XCTAssertNil(app.state.profile.editor)
        XCTAssertEqual(app.errorLine, " Profile saved.")
        XCTAssertEqual(stub.requests("usersUpdateProfile").first?.field("phone"), "+447700900123")
        XCTAssertEqual(stub.requests("usersGetProfile").count, 2, "the profile is read again after saving")

        app.press("e<esc>")
        XCTAssertNil(app.state.profile.editor, "Esc closes the form without saving")
        XCTAssertEqual(app.state.context, .profile)
    }

    func testEditingBuyerPreferencesAndServerErrors() async throws {
        let errors = ["preferences.max_price": ["must be at least min_price"]]
        var (app, runner, _) = try await profile(extra: ["usersUpdateBuyerProfile": .json(status: 422, body: StubTransport.problem(422, "Unprocessable Content", errors: errors))])
        app.press("b")
        XCTAssertNotNil(app.line(containing: "Edit what you are looking for"))
        XCTAssertEqual(app.state.profile.editor?.form["business_types"].value, "pharmacy, dental_practice")
        app.press("<c-u>pharmacy,<space>bakery<enter>")
        XCTAssertTrue(app.state.profile.editor?.form.problem(at: 0)?.hasPrefix("business types has 'bakery', which is not one of pharmacy, dental_practice") == true)
        app.press("<c-u>pharmacy<tab><tab><tab><c-u>1000<enter>")
        guard case .profile(.saveProfile(.preferences(let preferences))) = app.effects.first else { return XCTFail("\(app.effects)") }
        XCTAssertEqual(preferences.businessTypes, [.pharmacy])
        XCTAssertEqual(preferences.regions, ["Leeds"])
        XCTAssertEqual(preferences.minPrice, 100_000)
        XCTAssertEqual(preferences.maxPrice, 1000)
        await app.run(runner)
        XCTAssertEqual(app.line(containing: "max price £ must"), "                  max price £ must be at least min_price", "a nested field's error finds its field")
        XCTAssertEqual(app.state.profile.editor?.form.isSubmitting, false)
    }

    func testEditingTheSellersBusiness() async throws {
        let (initial, _, _) = try await profile(type: "seller", extra: ["usersUpdateSellerProfile": .json(status: 200, body: Fixture.sellerProfileJSON)])
        var app = initial
        app.press("b")
        XCTAssertEqual(app.state.profile.editor?.form["business_name"].value, "Harbour Dental")
        app.press("<tab><tab><tab><tab><tab><tab><c-u>300<enter>")
        XCTAssertEqual(app.line(containing: "years trading must"), "                 years trading must be a whole number from 0 to 200")
        app.press("<c-u>13<enter>")
        guard case .profile(.saveProfile(.business(let update))) = app.effects.last else { return XCTFail("\(app.effects)") }
        XCTAssertEqual(update.businessName, "Harbour Dental")
        XCTAssertEqual(update.yearsInBusiness, 13)
    }

    // MARK: uploads

    func testAnAvatarIsSentAsMultipartOctetStream() async throws {
        let file = directory.appendingPathComponent("me.png")
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]).write(to: file)
        var (app, runner, stub) = try await profile(extra: ["usersUploadAvatar": .json(status: 200, body: Fixture.userJSON())])
        app.press("a")
        XCTAssertNotNil(app.line(containing: "Upload a profile picture"))
        app.press(file.path + "<enter>")
        XCTAssertEqual(app.effects, [.profile(.saveProfile(.avatar(path: file.path)))], "the file is read by the runner, off the UI loop")
        XCTAssertNotNil(app.line(containing: "Uploading…"))
        await app.run(runner)
        XCTAssertEqual(app.errorLine, " Profile picture uploaded.")
        let upload = try XCTUnwrap(stub.requests("usersUploadAvatar").first)
        XCTAssertTrue(upload.contentType?.hasPrefix("multipart/form-data; boundary=") == true, upload.contentType ?? "")
        XCTAssertEqual(upload.authorization, "Bearer acc")
        let text = String(decoding: upload.body, as: UTF8.self)
        XCTAssertTrue(text.contains(#"content-disposition: form-data; filename="me.png"; name="file""#) || text.contains(#"name="file"; filename="me.png""#), text)
        XCTAssertTrue(text.lowercased().contains("content-type: application/octet-stream"), text)
        XCTAssertNotNil(upload.body.range(of: try Data(contentsOf: file)), "the bytes are sent as they are")
    }

    func testAKYCDocumentCarriesItsType() async throws {
        let file = directory.appendingPathComponent("licence.pdf")
        try Data("%PDF-1.4 fake".utf8).write(to: file)
        let document = #"{"id":"0b7d8e52-51a3-4c0e-9d0f-000000000009","document_type":"driving_licence","file_name":"licence.pdf","content_type":"application/pdf","size_bytes":13,"status":"pending","uploaded_at":"2025-11-26T10:00:00Z"}"#
        var (app, runner, stub) = try await profile(extra: ["usersKycUpload": .json(status: 201, body: document)])
        app.press("k")
        XCTAssertNotNil(app.line(containing: "‹ passport ›"), "six kinds do not fit: the chosen one shows between arrows")
        app.press("<right><tab>\(file.path)<enter>")
        XCTAssertEqual(app.effects, [.profile(.saveProfile(.document(type: .drivingLicence, path: file.path)))])
        await app.run(runner)
        XCTAssertEqual(app.errorLine, " Document uploaded; it waits for review.")
        let text = try XCTUnwrap(stub.requests("usersKycUpload").first?.bodyText)
        XCTAssertTrue(text.contains(#"name="document_type""#) && text.contains("driving_licence"), text)
        XCTAssertTrue(text.contains(#"name="file""#) && text.contains("%PDF-1.4 fake"), text)
    }

    func testAMissingOrUnreadableFileIsAnInlineError() async throws {
        var (app, runner, stub) = try await profile()
        app.press("a<enter>")
        XCTAssertEqual(app.line(containing: "picture file is"), "                picture file is required: type the path of a file")
        app.press("/nonexistent/me.png<enter>")
        await app.run(runner)
        XCTAssertEqual(app.state.profile.editor?.form.problem(at: 0), "picture file cannot be read: /nonexistent/me.png: No such file or directory")
        XCTAssertNotNil(app.line(containing: "                picture file cannot be read: /nonexistent/me.png"))
        XCTAssertEqual(app.errorLine, " Please fix the marked fields.")
        XCTAssertNotNil(app.state.profile.editor, "the form stays open to fix the path")
        XCTAssertTrue(stub.requests("usersUploadAvatar").isEmpty, "nothing is sent")

        app.press("<c-u>\(directory.path)<enter>")
        await app.run(runner)
        XCTAssertEqual(app.state.profile.editor?.form.problem(at: 0), "picture file cannot be read: \(directory.path) is not a regular file")
    }

    func testATildePathIsTheHomeDirectory() {
        let home = NSString(string: "~").expandingTildeInPath
        guard case .failure(.file(let reason)) = EffectRunner.readFile("~/surely-not-here-\(UUID().uuidString).png") else { return XCTFail("no such file") }
        XCTAssertTrue(reason.hasPrefix("~/surely-not-here-"), "the message names the path as typed")
        XCTAssertFalse(home.hasPrefix("~"))
    }

    func testAdminsHaveNoBuyerOrSellerProfile() {
        var app = Harness()
        app.send(.account(.signedIn(.success(SignedIn(account: Fixture.account(Fixture.userJSON(type: "admin")))))))
        app.press(":profile<enter>")
        app.press("b")
        XCTAssertEqual(app.errorLine, " Admin accounts have no seller or buyer profile.")
        XCTAssertNil(app.state.profile.editor)
    }
}
