@testable import EaglehurstServer
import EaglehurstTestSupport
import Fluent
import Foundation
import Synchronization
import Vapor
import XCTest

/// `/api/v1/users` on SQLite and PostgreSQL: profiles, seller and buyer profiles, avatar and KYC
/// uploads, verification status, and who may do what.
final class UsersTests: XCTestCase {
    // MARK: fixtures

    // Real pictures: an avatar is decoded and written again without its metadata, so bytes that
    // only start like an image are refused.
    static let png = try! TestImages.png(width: 48, height: 32)
    static let jpeg = try! TestImages.jpeg(width: 48, height: 32)
    static let gif = try! TestImages.gif(width: 48, height: 32)
    static let webp = try! TestImages.webp(width: 48, height: 32)
    static let pdf = Data("%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n%%EOF\n".utf8)
    static let text = Data("just some text, not an image\n".utf8)

    func assertProblem(
        _ response: TestResponse, status: Int, detailContains: String? = nil, slug: String? = nil,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        XCTAssertEqual(response.status, status, response.text, file: file, line: line)
        XCTAssertEqual(response.headers.first(name: .contentType), "application/problem+json", file: file, line: line)
        let body = try response.json()
        XCTAssertEqual(body["status"] as? Int, status, file: file, line: line)
        if let detailContains {
            let detail = body["detail"] as? String ?? ""
            XCTAssertTrue(detail.contains(detailContains), "detail '\(detail)' lacks '\(detailContains)'", file: file, line: line)
        }
        if let slug {
            XCTAssertEqual(body["type"] as? String, "https://eaglehurst.example/problems/\(slug)", file: file, line: line)
        }
    }

    /// The fields named in a 422 problem's `errors` map.
    func errorFields(_ response: TestResponse) throws -> Set<String> {
        Set((try response.json()["errors"] as? [String: [String]] ?? [:]).keys)
    }

    func avatarForm(_ data: Data, fileName: String = "me.png") -> MultipartFormData {
        var form = MultipartFormData()
        form.addFile("file", fileName: fileName, data: data)
        return form
    }

    func kycForm(_ data: Data, type: String = "passport", fileName: String = "passport.pdf") -> MultipartFormData {
        var form = MultipartFormData()
        form.addText("document_type", type)
        form.addFile("file", fileName: fileName, data: data)
        return form
    }

    func storedFiles(_ server: TestServer, _ area: String) throws -> [URL] {
        let folder = server.sandbox.directory.appendingPathComponent("files/\(area)", isDirectory: true)
        guard FileManager.default.fileExists(atPath: folder.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
    }

    func user(_ server: TestServer, _ account: TestAccount) async throws -> User {
        let found = try await User.find(UUID(uuidString: account.userID), on: server.app.db)
        return try XCTUnwrap(found)
    }

    /// Every operation of `/users`, sent with `token` and a body that would otherwise succeed.
    func sendEveryOperation(_ server: TestServer, token: String?) async throws -> [(String, TestResponse)] {
        var answers: [(String, TestResponse)] = []
        for path in ["/users/profile", "/users/seller/profile", "/users/buyer/profile", "/users/verification-status"] {
            answers.append(("GET \(path)", try await server.request(.GET, path, bearer: token)))
        }
        answers.append(("PUT /users/profile", try await server.request(.PUT, "/users/profile", body: #"{"first_name":"Eve"}"#, bearer: token)))
        answers.append(("PUT /users/seller/profile", try await server.request(
            .PUT, "/users/seller/profile", body: #"{"business_name":"Eve Ltd"}"#, bearer: token)))
        answers.append(("PUT /users/buyer/profile", try await server.request(
            .PUT, "/users/buyer/profile", body: #"{"preferences":{}}"#, bearer: token)))
        answers.append(("POST /users/upload-avatar", try await server.upload("/users/upload-avatar", avatarForm(Self.png), bearer: token)))
        answers.append(("POST /users/kyc-upload", try await server.upload("/users/kyc-upload", kycForm(Self.pdf), bearer: token)))
        return answers
    }

    // MARK: who may ask

    func testEveryOperationRequiresSignIn() async throws {
        try await forEachDatabase { server in
            for (operation, response) in try await sendEveryOperation(server, token: nil) {
                XCTAssertEqual(response.status, 401, "\(operation): \(response.text)")
                XCTAssertEqual(response.headers.first(name: .contentType), "application/problem+json", operation)
            }
            for (operation, response) in try await sendEveryOperation(server, token: "not.a.token") {
                XCTAssertEqual(response.status, 401, "\(operation): \(response.text)")
            }
            XCTAssertEqual(try storedFiles(server, "avatars"), [])
            XCTAssertEqual(try storedFiles(server, "kyc"), [])
        }
    }

    func testUnverifiedEmailIsRefusedEverywhere() async throws {
        try await forEachDatabase { server in
            let account = try await TestAccounts.signUp(server, email: "new@example.com", type: "seller", verifyEmail: false)
            for (operation, response) in try await sendEveryOperation(server, token: account.token) {
                XCTAssertEqual(response.status, 403, "\(operation): \(response.text)")
                XCTAssertEqual(try response.json()["type"] as? String, "https://eaglehurst.example/problems/email-not-verified", operation)
            }
            let stored = try await user(server, account)
            XCTAssertEqual(stored.firstName, "Test")
            XCTAssertNil(stored.avatarPath)
            XCTAssertEqual(stored.verificationStatus, .unverified)
        }
    }

    func testSuspendedUserIsRefusedEverywhere() async throws {
        try await forEachDatabase { server in
            let account = try await TestAccounts.signUp(server, email: "gone@example.com", type: "buyer")
            let stored = try await user(server, account)
            stored.isSuspended = true
            stored.suspendedReason = "fraud review"
            try await stored.save(on: server.app.db)
            for (operation, response) in try await sendEveryOperation(server, token: account.token) {
                XCTAssertEqual(response.status, 403, "\(operation): \(response.text)")
                XCTAssertEqual(try response.json()["type"] as? String, "https://eaglehurst.example/problems/account-suspended", operation)
                XCTAssertTrue((try response.json()["detail"] as? String ?? "").contains("fraud review"), operation)
            }
        }
    }

    func testSellerAndBuyerProfilesAreOnlyForTheirAccountType() async throws {
        try await forEachDatabase { server in
            let buyer = try await TestAccounts.signUp(server, email: "b@example.com", type: "buyer")
            let seller = try await TestAccounts.signUp(server, email: "s@example.com", type: "seller")
            try assertProblem(try await server.request(.GET, "/users/seller/profile", bearer: buyer.token),
                              status: 403, detailContains: "for seller accounts; you are signed in as a buyer")
            try assertProblem(try await server.request(.PUT, "/users/seller/profile", body: #"{"business_name":"X"}"#, bearer: buyer.token),
                              status: 403, detailContains: "for seller accounts")
            try assertProblem(try await server.request(.GET, "/users/buyer/profile", bearer: seller.token),
                              status: 403, detailContains: "for buyer accounts; you are signed in as a seller")
            try assertProblem(try await server.request(.PUT, "/users/buyer/profile", body: #"{"preferences":{}}"#, bearer: seller.token),
                              status: 403, detailContains: "for buyer accounts")
        }
    }

    func testAnotherUsersTokenNeverReadsOrChangesSomeoneElsesData() async throws {
        try await forEachDatabase { server in
            let alice = try await TestAccounts.signUp(server, email: "alice@example.com", type: "buyer", firstName: "Alice")
            let bob = try await TestAccounts.signUp(server, email: "bob@example.com", type: "buyer", firstName: "Bob")
            _ = try await server.request(.PUT, "/users/buyer/profile", body: #"{"preferences":{"regions":["Leeds"]}}"#, bearer: alice.token)
            let upload1 = try await server.upload("/users/kyc-upload", kycForm(Self.pdf), bearer: alice.token)
            XCTAssertEqual(upload1.status, 201, upload1.text)
            let upload2 = try await server.upload("/users/upload-avatar", avatarForm(Self.png), bearer: alice.token)
            XCTAssertEqual(upload2.status, 200, upload2.text)

            let profile = try await server.request(.GET, "/users/profile", bearer: bob.token).json()
            XCTAssertEqual(profile["id"] as? String, bob.userID)
            XCTAssertEqual(profile["first_name"] as? String, "Bob")
            XCTAssertNil(profile["avatar_url"])
            let preferences = try await server.request(.GET, "/users/buyer/profile", bearer: bob.token).json()
            XCTAssertEqual(preferences["user_id"] as? String, bob.userID)
            XCTAssertNil((preferences["preferences"] as? [String: Any])?["regions"])
            let status = try await server.request(.GET, "/users/verification-status", bearer: bob.token).json()
            XCTAssertEqual(status["user_id"] as? String, bob.userID)
            XCTAssertEqual((status["documents"] as? [Any])?.count, 0)
            XCTAssertEqual(status["verification_status"] as? String, "unverified")

            let renamed = try await server.request(.PUT, "/users/profile", body: #"{"first_name":"Robert"}"#, bearer: bob.token)
            XCTAssertEqual(try renamed.json()["id"] as? String, bob.userID)
            let aliceAfter = try await server.request(.GET, "/users/profile", bearer: alice.token).json()
            XCTAssertEqual(aliceAfter["first_name"] as? String, "Alice")
            XCTAssertEqual(aliceAfter["verification_status"] as? String, "pending")
            let aliceStatus = try await server.request(.GET, "/users/verification-status", bearer: alice.token).json()
            XCTAssertEqual((aliceStatus["documents"] as? [Any])?.count, 1)
        }
    }

    // MARK: profile

    func testProfileReadAndUpdate() async throws {
        try await forEachDatabase { server in
            let account = try await TestAccounts.signUp(server, email: "pat@example.com", type: "buyer")
            let read = try await server.request(.GET, "/users/profile", bearer: account.token)
            XCTAssertEqual(read.status, 200, read.text)
            XCTAssertEqual(try read.json()["email"] as? String, "pat@example.com")
            XCTAssertEqual(try read.json()["email_verified"] as? Bool, true)

            let updated = try await server.request(
                .PUT, "/users/profile", body: #"{"first_name":"  Patricia ","last_name":"Jones","phone":"+447700900123"}"#, bearer: account.token)
            XCTAssertEqual(updated.status, 200, updated.text)
            XCTAssertEqual(try updated.json()["first_name"] as? String, "Patricia")
            XCTAssertEqual(try updated.json()["last_name"] as? String, "Jones")
            XCTAssertEqual(try updated.json()["phone"] as? String, "+447700900123")

            let onlyLast = try await server.request(.PUT, "/users/profile", body: #"{"last_name":"Smith"}"#, bearer: account.token)
            XCTAssertEqual(try onlyLast.json()["first_name"] as? String, "Patricia", "absent fields stay")
            XCTAssertEqual(try onlyLast.json()["phone"] as? String, "+447700900123")

            let cleared = try await server.request(.PUT, "/users/profile", body: #"{"phone":""}"#, bearer: account.token)
            XCTAssertEqual(cleared.status, 200, cleared.text)
            XCTAssertNil(try cleared.json()["phone"])
            let reread = try await server.request(.GET, "/users/profile", bearer: account.token).json()
            XCTAssertEqual(reread["last_name"] as? String, "Smith")
            XCTAssertNil(reread["phone"])
        }
    }

    func testProfileUpdateValidationNamesEveryField() async throws {
        try await forEachDatabase { server in
            let account = try await TestAccounts.signUp(server, email: "val@example.com", type: "seller")
            let long = String(repeating: "x", count: 51)
            let response = try await server.request(
                .PUT, "/users/profile", body: #"{"first_name":"  ","last_name":"\#(long)","phone":"call me"}"#, bearer: account.token)
            try assertProblem(response, status: 422, slug: "validation")
            XCTAssertEqual(try errorFields(response), ["first_name", "last_name", "phone"])
            let wrongType = try await server.request(.PUT, "/users/profile", body: #"{"first_name":5}"#, bearer: account.token)
            try assertProblem(wrongType, status: 422)
            XCTAssertEqual(try errorFields(wrongType), ["first_name"])
            let unchanged = try await server.request(.GET, "/users/profile", bearer: account.token).json()
            XCTAssertEqual(unchanged["first_name"] as? String, "Test")
            XCTAssertEqual(unchanged["last_name"] as? String, "User")
        }
    }

    // MARK: seller profile

    func testSellerProfileReadAndUpdate() async throws {
        try await forEachDatabase { server in
            let seller = try await TestAccounts.signUp(server, email: "seller@example.com", type: "seller")
            let initial = try await server.request(.GET, "/users/seller/profile", bearer: seller.token)
            XCTAssertEqual(initial.status, 200, initial.text)
            XCTAssertEqual(try initial.json()["user_id"] as? String, seller.userID)
            XCTAssertEqual(try initial.json()["verification_status"] as? String, "unverified")
            XCTAssertNil(try initial.json()["business_name"])

            let body = #"""
            {"business_name":" Harbour Pharmacy Ltd ","business_description":"Community pharmacy with NHS contract.",
             "business_address":"1 Quay St, Bristol","company_number":"sc 123456","vat_number":"gb 123 4567 89",
             "website":"harbour-pharmacy.co.uk","years_in_business":12}
            """#
            let updated = try await server.request(.PUT, "/users/seller/profile", body: body, bearer: seller.token)
            XCTAssertEqual(updated.status, 200, updated.text)
            let profile = try updated.json()
            XCTAssertEqual(profile["business_name"] as? String, "Harbour Pharmacy Ltd")
            XCTAssertEqual(profile["company_number"] as? String, "SC123456")
            XCTAssertEqual(profile["vat_number"] as? String, "GB123456789")
            XCTAssertEqual(profile["website"] as? String, "https://harbour-pharmacy.co.uk")
            XCTAssertEqual(profile["years_in_business"] as? Int, 12)

            let partial = try await server.request(
                .PUT, "/users/seller/profile", body: #"{"company_number":"1234567","website":""}"#, bearer: seller.token)
            XCTAssertEqual(partial.status, 200, partial.text)
            let reread = try await server.request(.GET, "/users/seller/profile", bearer: seller.token).json()
            XCTAssertEqual(reread["company_number"] as? String, "01234567", "leading zeros restored")
            XCTAssertNil(reread["website"], "an empty string clears")
            XCTAssertEqual(reread["business_name"] as? String, "Harbour Pharmacy Ltd", "absent fields stay")
            XCTAssertEqual(reread["id"] as? String, profile["id"] as? String)
        }
    }

    func testSellerProfileValidation() async throws {
        try await forEachDatabase { server in
            let seller = try await TestAccounts.signUp(server, email: "seller@example.com", type: "seller")
            let body = #"""
            {"business_name":"   ","company_number":"12AB3456","vat_number":"GB-12!","website":"javascript:alert(1)",
             "years_in_business":201,"business_address":"\#(String(repeating: "a", count: 501))"}
            """#
            let response = try await server.request(.PUT, "/users/seller/profile", body: body, bearer: seller.token)
            try assertProblem(response, status: 422, slug: "validation")
            XCTAssertEqual(try errorFields(response),
                           ["business_name", "company_number", "vat_number", "website", "years_in_business", "business_address"])
            for website in ["http://localhost", "https://exa mple.com", "ftp://example.com", "https://user:pw@example.com"] {
                let rejected = try await server.request(.PUT, "/users/seller/profile", body: #"{"website":"\#(website)"}"#, bearer: seller.token)
                XCTAssertEqual(rejected.status, 422, "\(website): \(rejected.text)")
            }
            let unchanged = try await server.request(.GET, "/users/seller/profile", bearer: seller.token).json()
            XCTAssertNil(unchanged["business_name"])
            XCTAssertNil(unchanged["website"])
        }
    }

    // MARK: buyer profile

    func testBuyerPreferencesAreStoredAndReadBack() async throws {
        try await forEachDatabase { server in
            let buyer = try await TestAccounts.signUp(server, email: "buyer@example.com", type: "buyer")
            let initial = try await server.request(.GET, "/users/buyer/profile", bearer: buyer.token)
            XCTAssertEqual(initial.status, 200, initial.text)
            XCTAssertEqual(try initial.json()["user_id"] as? String, buyer.userID)
            XCTAssertEqual((try initial.json()["preferences"] as? [String: Any])?.count, 0)

            let body = #"""
            {"preferences":{"business_types":["pharmacy","dental_practice","pharmacy"],"regions":[" Leeds ","York","leeds"],
             "min_price":250000,"max_price":1500000,"min_revenue":400000,"notes":"NHS contract preferred"}}
            """#
            let updated = try await server.request(.PUT, "/users/buyer/profile", body: body, bearer: buyer.token)
            XCTAssertEqual(updated.status, 200, updated.text)
            let reread = try await server.request(.GET, "/users/buyer/profile", bearer: buyer.token).json()
            let preferences = try XCTUnwrap(reread["preferences"] as? [String: Any])
            XCTAssertEqual(preferences["business_types"] as? [String], ["pharmacy", "dental_practice"])
            XCTAssertEqual(preferences["regions"] as? [String], ["Leeds", "York"])
            XCTAssertEqual(preferences["min_price"] as? Int, 250_000)
            XCTAssertEqual(preferences["max_price"] as? Int, 1_500_000)
            XCTAssertEqual(preferences["min_revenue"] as? Int, 400_000)
            XCTAssertEqual(preferences["notes"] as? String, "NHS contract preferred")

            let replaced = try await server.request(.PUT, "/users/buyer/profile", body: #"{"preferences":{"regions":["Bath"]}}"#, bearer: buyer.token)
            XCTAssertEqual(replaced.status, 200, replaced.text)
            let replacedPreferences = try XCTUnwrap(try replaced.json()["preferences"] as? [String: Any])
            XCTAssertEqual(replacedPreferences["regions"] as? [String], ["Bath"])
            XCTAssertNil(replacedPreferences["min_price"], "PUT replaces the preferences")
        }
    }

    func testBuyerPreferencesValidation() async throws {
        try await forEachDatabase { server in
            let buyer = try await TestAccounts.signUp(server, email: "buyer@example.com", type: "buyer")
            let inverted = try await server.request(
                .PUT, "/users/buyer/profile", body: #"{"preferences":{"min_price":900000,"max_price":100000,"min_revenue":-1,"regions":[""]}}"#,
                bearer: buyer.token)
            try assertProblem(inverted, status: 422, slug: "validation")
            XCTAssertEqual(try errorFields(inverted), ["preferences.min_price", "preferences.min_revenue", "preferences.regions"])
            let unknownType = try await server.request(
                .PUT, "/users/buyer/profile", body: #"{"preferences":{"business_types":["spaceport"]}}"#, bearer: buyer.token)
            try assertProblem(unknownType, status: 422)
            XCTAssertTrue(try errorFields(unknownType).contains { $0.hasPrefix("preferences.business_types") }, unknownType.text)
            let missing = try await server.request(.PUT, "/users/buyer/profile", body: "{}", bearer: buyer.token)
            try assertProblem(missing, status: 422)
            XCTAssertEqual(try errorFields(missing), ["preferences"])
            let stored = try await server.request(.GET, "/users/buyer/profile", bearer: buyer.token).json()
            XCTAssertEqual((stored["preferences"] as? [String: Any])?.count, 0, "nothing was saved")
        }
    }

    // MARK: avatar

    func testAvatarUploadStoresReplacesAndDeletesThePreviousOne() async throws {
        try await forEachDatabase { server in
            let account = try await TestAccounts.signUp(server, email: "face@example.com", type: "seller")
            let first = try await server.upload("/users/upload-avatar", avatarForm(Self.png), bearer: account.token)
            XCTAssertEqual(first.status, 200, first.text)
            XCTAssertEqual(try first.json()["avatar_url"] as? String, "/api/v1/users/\(account.userID)/avatar")
            let stored = try storedFiles(server, "avatars")
            XCTAssertEqual(stored.count, 1)
            XCTAssertEqual(DetectedFileType.detect(try Data(contentsOf: stored[0])), .png, "written again in its own format")
            let mode = try FileManager.default.attributesOfItem(atPath: stored[0].path)[.posixPermissions] as? Int
            XCTAssertEqual(mode, 0o600)
            XCTAssertFalse(stored[0].lastPathComponent.contains("me"), "the client's name is never the key")

            for (data, name) in [(Self.jpeg, "b.jpg"), (Self.webp, "c.webp"), (Self.gif, "d.gif")] {
                let replaced = try await server.upload("/users/upload-avatar", avatarForm(data, fileName: name), bearer: account.token)
                XCTAssertEqual(replaced.status, 200, "\(name): \(replaced.text)")
                let files = try storedFiles(server, "avatars")
                XCTAssertEqual(files.count, 1, "the previous avatar is deleted")
                XCTAssertEqual(DetectedFileType.detect(try Data(contentsOf: files[0])), DetectedFileType.detect(data), name)
            }
            let profile = try await server.request(.GET, "/users/profile", bearer: account.token).json()
            XCTAssertEqual(profile["avatar_url"] as? String, "/api/v1/users/\(account.userID)/avatar")
            let user = try await user(server, account)
            XCTAssertEqual(try storedFiles(server, "avatars").map(\.lastPathComponent), [String(user.avatarPath!.split(separator: "/").last!)])
        }
    }

    func testAvatarURLServesThePictureToSignedInUsers() async throws {
        try await forEachDatabase { server in
            let owner = try await TestAccounts.signUp(server, email: "face@example.com", type: "seller")
            let viewer = try await TestAccounts.signUp(server, email: "viewer@example.com", type: "buyer")
            let missing = try await server.request(.GET, "/users/\(owner.userID)/avatar", bearer: viewer.token)
            try assertProblem(missing, status: 404)
            _ = try await server.upload("/users/upload-avatar", avatarForm(Self.jpeg, fileName: "me.jpg"), bearer: owner.token)
            let profile = try await server.request(.GET, "/users/profile", bearer: owner.token)
            let url = try XCTUnwrap(try profile.json()["avatar_url"] as? String)
            let picture = try await server.request(.GET, "/" + url, bearer: viewer.token)
            XCTAssertEqual(picture.status, 200, picture.text)
            XCTAssertEqual(picture.headers.first(name: .contentType), "image/jpeg")
            XCTAssertEqual(picture.body, try Data(contentsOf: try XCTUnwrap(try storedFiles(server, "avatars").first)), "the stored picture")
            let anonymous = try await server.request(.GET, "/" + url)
            XCTAssertEqual(anonymous.status, 401)
        }
    }

    func testAvatarTypeIsCheckedByContentNotName() async throws {
        try await forEachDatabase { server in
            let account = try await TestAccounts.signUp(server, email: "face@example.com", type: "buyer")
            let text = try await server.upload("/users/upload-avatar", avatarForm(Self.text, fileName: "avatar.png"), bearer: account.token)
            try assertProblem(text, status: 415, detailContains: "PNG, JPEG, WebP or GIF", slug: "unsupported-file-type")
            XCTAssertEqual(try errorFields(text), ["file"])
            let pdf = try await server.upload("/users/upload-avatar", avatarForm(Self.pdf, fileName: "avatar.jpg"), bearer: account.token)
            try assertProblem(pdf, status: 415, detailContains: "this file is a PDF file")
            let empty = try await server.upload("/users/upload-avatar", avatarForm(Data()), bearer: account.token)
            try assertProblem(empty, status: 422)
            XCTAssertEqual(try errorFields(empty), ["file"])
            let fake = Self.png.prefix(8) + Data(repeating: 0x42, count: 120)
            let unreadable = try await server.upload("/users/upload-avatar", avatarForm(fake), bearer: account.token)
            try assertProblem(unreadable, status: 422, detailContains: "could not be decoded")
            XCTAssertEqual(try storedFiles(server, "avatars"), [])
            let profile = try await server.request(.GET, "/users/profile", bearer: account.token)
            XCTAssertNil(try profile.json()["avatar_url"])
        }
    }

    func testAvatarOverFiveMegabytesIs413() async throws {
        try await forEachDatabase { server in
            let account = try await TestAccounts.signUp(server, email: "big@example.com", type: "buyer")
            let big = Self.png + Data(repeating: 0, count: (5 << 20) - Self.png.count + 1)
            let response = try await server.upload("/users/upload-avatar", avatarForm(big), bearer: account.token)
            try assertProblem(response, status: 413, detailContains: "at most 5 MB", slug: "file-too-large")
            let exact = Self.png + Data(repeating: 0, count: (5 << 20) - Self.png.count)
            let upload3 = try await server.upload("/users/upload-avatar", avatarForm(exact), bearer: account.token)
            XCTAssertEqual(upload3.status, 200, upload3.text)
            XCTAssertEqual(try storedFiles(server, "avatars").count, 1)
        }
    }

    func testMultipartWithoutTheRequiredPartsIs422() async throws {
        try await forEachDatabase { server in
            let account = try await TestAccounts.signUp(server, email: "parts@example.com", type: "seller")
            var noFile = MultipartFormData()
            noFile.addText("caption", "me")
            let avatar = try await server.upload("/users/upload-avatar", noFile, bearer: account.token)
            try assertProblem(avatar, status: 422)
            XCTAssertEqual(try errorFields(avatar), ["file"])

            var typeOnly = MultipartFormData()
            typeOnly.addText("document_type", "passport")
            let kycNoFile = try await server.upload("/users/kyc-upload", typeOnly, bearer: account.token)
            try assertProblem(kycNoFile, status: 422)
            XCTAssertEqual(try errorFields(kycNoFile), ["file"])

            var fileOnly = MultipartFormData()
            fileOnly.addFile("file", fileName: "a.pdf", data: Self.pdf)
            let kycNoType = try await server.upload("/users/kyc-upload", fileOnly, bearer: account.token)
            try assertProblem(kycNoType, status: 422)
            XCTAssertEqual(try errorFields(kycNoType), ["document_type"])

            let badType = try await server.upload("/users/kyc-upload", kycForm(Self.pdf, type: "library_card"), bearer: account.token)
            try assertProblem(badType, status: 422)
            XCTAssertEqual(try errorFields(badType), ["document_type"])

            let notMultipart = try await server.request(
                .POST, "/users/upload-avatar", contentType: "multipart/form-data; boundary=xyz", data: Data("garbage".utf8), bearer: account.token)
            XCTAssertTrue([400, 422].contains(notMultipart.status), notMultipart.text)
            XCTAssertEqual(notMultipart.headers.first(name: .contentType), "application/problem+json")
            XCTAssertEqual(try storedFiles(server, "kyc"), [])
            XCTAssertEqual(try storedFiles(server, "avatars"), [])
        }
    }

    // MARK: KYC and verification status

    func testKYCUploadStoresTheDocumentAndMakesVerificationPending() async throws {
        try await forEachDatabase { server in
            let seller = try await TestAccounts.signUp(server, email: "kyc@example.com", type: "seller")
            let response = try await server.upload(
                "/users/kyc-upload", kycForm(Self.pdf, type: "passport", fileName: "../../etc/my passport.pdf"), bearer: seller.token)
            XCTAssertEqual(response.status, 201, response.text)
            let document = try response.json()
            XCTAssertEqual(document["document_type"] as? String, "passport")
            XCTAssertEqual(document["file_name"] as? String, "my passport.pdf")
            XCTAssertEqual(document["content_type"] as? String, "application/pdf")
            XCTAssertEqual(document["size_bytes"] as? Int, Self.pdf.count)
            XCTAssertEqual(document["status"] as? String, "pending")
            XCTAssertNil(document["storage_key"])

            let stored = try storedFiles(server, "kyc")
            XCTAssertEqual(stored.count, 1)
            XCTAssertEqual(try Data(contentsOf: stored[0]), Self.pdf)
            XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: stored[0].path)[.posixPermissions] as? Int, 0o600)
            XCTAssertFalse(FileManager.default.fileExists(atPath: server.sandbox.directory.appendingPathComponent("etc").path))

            let second = try await server.upload(
                "/users/kyc-upload", kycForm(Self.png, type: "company_registration", fileName: "scan.png"), bearer: seller.token)
            XCTAssertEqual(second.status, 201, second.text)
            XCTAssertEqual(try second.json()["content_type"] as? String, "image/png")

            let status = try await server.request(.GET, "/users/verification-status", bearer: seller.token)
            XCTAssertEqual(status.status, 200, status.text)
            let body = try status.json()
            XCTAssertEqual(body["user_id"] as? String, seller.userID)
            XCTAssertEqual(body["email_verified"] as? Bool, true)
            XCTAssertEqual(body["verification_status"] as? String, "pending")
            XCTAssertNil(body["verified_at"])
            let documents = try XCTUnwrap(body["documents"] as? [[String: Any]])
            XCTAssertEqual(Set(documents.compactMap { $0["document_type"] as? String }), ["passport", "company_registration"])
            let storageKeys = try await UserDocument.query(on: server.app.db).all(\.$storageKey)
            XCTAssertEqual(storageKeys.count, 2)
            XCTAssertFalse(storageKeys.contains { status.text.contains($0) }, "no storage keys on the wire: \(status.text)")
            XCTAssertFalse(documents.contains { $0["storage_key"] != nil })

            let profile = try await server.request(.GET, "/users/profile", bearer: seller.token).json()
            XCTAssertEqual(profile["verification_status"] as? String, "pending")
            let sellerProfile = try await server.request(.GET, "/users/seller/profile", bearer: seller.token).json()
            XCTAssertEqual(sellerProfile["verification_status"] as? String, "pending")
        }
    }

    func testKYCUploadAfterRejectionIsPendingAgainAndVerifiedStaysVerified() async throws {
        try await forEachDatabase { server in
            let rejected = try await TestAccounts.signUp(server, email: "rejected@example.com", type: "buyer")
            let rejectedUser = try await user(server, rejected)
            rejectedUser.verificationStatus = .rejected
            rejectedUser.verificationNotes = "The passport scan is unreadable."
            try await rejectedUser.save(on: server.app.db)
            let before = try await server.request(.GET, "/users/verification-status", bearer: rejected.token).json()
            XCTAssertEqual(before["verification_status"] as? String, "rejected")
            XCTAssertEqual(before["notes"] as? String, "The passport scan is unreadable.")
            let upload4 = try await server.upload("/users/kyc-upload", kycForm(Self.jpeg, fileName: "p.jpg"), bearer: rejected.token)
            XCTAssertEqual(upload4.status, 201, upload4.text)
            let after = try await server.request(.GET, "/users/verification-status", bearer: rejected.token).json()
            XCTAssertEqual(after["verification_status"] as? String, "pending")
            let buyerProfile = try await server.request(.GET, "/users/buyer/profile", bearer: rejected.token).json()
            XCTAssertEqual(buyerProfile["verification_status"] as? String, "pending")

            let verified = try await TestAccounts.signUp(server, email: "verified@example.com", type: "seller")
            let verifiedUser = try await user(server, verified)
            let verifiedAt = Date(timeIntervalSince1970: 1_760_000_000)
            verifiedUser.verificationStatus = .verified
            verifiedUser.verifiedAt = verifiedAt
            try await verifiedUser.save(on: server.app.db)
            let upload5 = try await server.upload("/users/kyc-upload", kycForm(Self.pdf, type: "other"), bearer: verified.token)
            XCTAssertEqual(upload5.status, 201, upload5.text)
            let status = try await server.request(.GET, "/users/verification-status", bearer: verified.token).json()
            XCTAssertEqual(status["verification_status"] as? String, "verified")
            XCTAssertEqual((status["verified_at"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) }, verifiedAt)
        }
    }

    func testKYCTypeIsCheckedByContentAndSizeIsLimited() async throws {
        try await forEachDatabase { server in
            let account = try await TestAccounts.signUp(server, email: "kyc@example.com", type: "buyer")
            let gif = try await server.upload("/users/kyc-upload", kycForm(Self.gif, fileName: "passport.pdf"), bearer: account.token)
            try assertProblem(gif, status: 415, detailContains: "PDF, PNG or JPEG", slug: "unsupported-file-type")
            let text = try await server.upload("/users/kyc-upload", kycForm(Self.text, fileName: "passport.pdf"), bearer: account.token)
            try assertProblem(text, status: 415, detailContains: "not its name")
            let huge = Self.pdf + Data(repeating: 0x20, count: 10 << 20)
            let tooLarge = try await server.upload("/users/kyc-upload", kycForm(huge), bearer: account.token)
            try assertProblem(tooLarge, status: 413, detailContains: "\(10 << 20) bytes")
            let status = try await server.request(.GET, "/users/verification-status", bearer: account.token).json()
            XCTAssertEqual((status["documents"] as? [Any])?.count, 0)
            XCTAssertEqual(status["verification_status"] as? String, "unverified")
            XCTAssertEqual(try storedFiles(server, "kyc"), [])
        }
    }

    // MARK: the file store

    func testTheFileStoreIsInjected() async throws {
        let store = MemoryFileStore()
        try await forEachDatabase(environment: ServerEnvironment(now: { Date() }, fileStore: store)) { server in
            let account = try await TestAccounts.signUp(server, email: "mem-\(server.sandbox.database)@example.com", type: "buyer")
            let upload6 = try await server.upload("/users/upload-avatar", avatarForm(Self.png), bearer: account.token)
            XCTAssertEqual(upload6.status, 200, upload6.text)
            let avatarPath = try await user(server, account).avatarPath
            let key = try XCTUnwrap(FileKey(rawValue: avatarPath ?? ""))
            let data = try await store.get(key)
            XCTAssertEqual(data.flatMap(DetectedFileType.detect), .png)
            XCTAssertEqual(try storedFiles(server, "avatars"), [], "nothing went to disk")
        }
    }

    func testLocalFileStoreWritesPrivateFilesAndDeletes() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("eaglehurst-files-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = LocalFileStore(root: root)
        let key = FileKey.make(in: "kyc")
        try await store.put(Data("one".utf8), at: key)
        try await store.put(Data("two".utf8), at: key)
        let stored = try await store.get(key)
        XCTAssertEqual(stored, Data("two".utf8))
        let folder = root.appendingPathComponent("kyc")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [key.rawValue.components(separatedBy: "/")[1]],
                       "no partial files left behind")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(key.rawValue.components(separatedBy: "/")[1]).path)[.posixPermissions] as? Int, 0o600)
        try await store.delete(key)
        let deleted = try await store.get(key)
        XCTAssertNil(deleted)
        try await store.delete(key)
    }

    func testFileKeysCannotEscapeTheStore() {
        for bad in ["../etc/passwd", "avatars/../../x", "avatars/a/b", "/avatars/x", "Avatars/x", "avatars/", "avatars/x y", "avatars/.."] {
            XCTAssertNil(FileKey(rawValue: bad), bad)
        }
        let key = FileKey.make(in: "avatars")
        XCTAssertTrue(key.rawValue.hasPrefix("avatars/"))
        XCTAssertEqual(FileKey(rawValue: key.rawValue), key)
    }

    func testFileTypesAreDetectedFromMagicNumbers() {
        XCTAssertEqual(DetectedFileType.detect(Self.png), .png)
        XCTAssertEqual(DetectedFileType.detect(Self.jpeg), .jpeg)
        XCTAssertEqual(DetectedFileType.detect(Self.gif), .gif)
        XCTAssertEqual(DetectedFileType.detect(Data("GIF87a".utf8)), .gif)
        XCTAssertEqual(DetectedFileType.detect(Self.webp), .webp)
        XCTAssertEqual(DetectedFileType.detect(Self.pdf), .pdf)
        XCTAssertNil(DetectedFileType.detect(Self.text))
        XCTAssertNil(DetectedFileType.detect(Data("RIFF\0\0\0\0WAVE".utf8)), "RIFF alone is not WebP")
        XCTAssertNil(DetectedFileType.detect(Data([0x89, 0x50, 0x4E])), "a truncated signature is nothing")
        XCTAssertEqual(DetectedFileType.list([.png, .jpeg, .webp, .gif]), "PNG, JPEG, WebP or GIF")
    }

    func testCompanyNumberAndWebsiteRules() {
        XCTAssertEqual(ProfileRules.companyNumber("sc123456"), .valid("SC123456"))
        XCTAssertEqual(ProfileRules.companyNumber("00012345"), .valid("00012345"))
        XCTAssertEqual(ProfileRules.companyNumber("12345"), .valid("00012345"))
        XCTAssertEqual(ProfileRules.companyNumber(""), .valid(nil))
        for bad in ["123456789", "S1234567", "SC12345", "SC1234567", "12AB3456", "SC-12345"] {
            if case .valid = ProfileRules.companyNumber(bad) { XCTFail("\(bad) accepted") }
        }
        XCTAssertEqual(ProfileRules.website("https://www.example.co.uk/about"), .valid("https://www.example.co.uk/about"))
        XCTAssertEqual(ProfileRules.website("example.com"), .valid("https://example.com"))
        for bad in ["example", "http://192.168.0.1", "mailto:a@b.com", "https://-"] {
            if case .valid = ProfileRules.website(bad) { XCTFail("\(bad) accepted") }
        }
    }
}

/// A `FileStore` in memory, to show the server takes whichever store it is given.
final class MemoryFileStore: FileStore {
    private let files = Mutex<[FileKey: Data]>([:])

    func put(_ data: Data, at key: FileKey) async throws { files.withLock { $0[key] = data } }
    func put(contentsOf file: URL, at key: FileKey) async throws { try await put(Data(contentsOf: file), at: key) }
    func get(_ key: FileKey) async throws -> Data? { files.withLock { $0[key] } }
    func delete(_ key: FileKey) async throws { _ = files.withLock { $0.removeValue(forKey: key) } }
}
