@testable import EaglehurstServer
import EaglehurstTestSupport
import Fluent
import Foundation
import Vapor
import XCTest

/// Photos and documents by signed URL: who gets a URL, what the URL serves and for how long, media
/// waiting for an admin, and documents encrypted at rest.
final class FilesTests: XCTestCase {
    // Real images: an upload is decoded whole, so bytes that only start like a PNG are refused.
    static let png = try! TestImages.png(width: 48, height: 32)
    static let jpeg = try! TestImages.jpeg(width: 48, height: 32)
    /// Each test on the local store and on an S3 bucket (moto), on SQLite and PostgreSQL. The
    /// thumbnail job stays off, so a test says when a card or view exists (ListingMediaStorageTests runs it).
    func forEachStoreAndDatabase(environment: ServerEnvironment = .live(), _ body: (TestServer) async throws -> Void) async throws {
        for s3 in [nil, try MotoServer.shared().settings()] {
            try await forEachDatabase(environment: environment, customize: { settings in
                settings.jobWorker = false
                settings.s3 = s3
            }) { server in
                let base = try XCTUnwrap(server.app.fileStore as? EncryptingFileStore).base
                XCTAssertTrue(s3 == nil ? base is LocalFileStore : base is S3FileStore, "the store under test")
                try await body(server)
            }
        }
    }
    static let pdf = Data("%PDF-1.7\n1 0 obj\n<<>>\nendobj\nSECRET-PASSPORT-NUMBER-4711\n%%EOF\n".utf8)

    // MARK: listing media

    func testListingPhotosAreServedBySignedURLsWithETagRangesAndCaching() async throws {
        try await forEachStoreAndDatabase { server in
            let seller = try await account(server, .seller, "s@example.com")
            let id = try await listing(server, seller, status: .draft)
            let photo = try await upload(server, id, seller, file: Self.png, name: "front.png", extra: ["caption": "Shop front"])
            XCTAssertEqual(photo.status, 201, photo.text)
            XCTAssertEqual(try photo.json()["review_status"] as? String, "approved", "media on a draft goes live with the listing")
            try await setStatus(server, id, .published)

            let media = try await onlyMedia(server, id, token: nil)
            XCTAssertNil(media["review_status"], "the review status is for the owner and admins")
            XCTAssertNil(media["thumbnail_url"], "no card is made yet")
            let url = try XCTUnwrap(media["url"] as? String)
            XCTAssertTrue(url.hasPrefix("/api/v1/files/listing-media/"), url)
            let expiresAt = try XCTUnwrap((media["url_expires_at"] as? String).flatMap(ISO8601DateFormatter().date(from:)))
            XCTAssertGreaterThanOrEqual(expiresAt.timeIntervalSinceNow, 14 * 60, "a URL lasts at least 15 minutes")
            XCTAssertLessThanOrEqual(expiresAt.timeIntervalSinceNow, 30 * 60 + 1)
            let again = try await onlyMedia(server, id, token: nil)
            XCTAssertEqual(again["url"] as? String, url, "the same answer carries the same URL within its window")

            let whole = try await server.request(.GET, "/" + url)
            XCTAssertEqual(whole.status, 200, whole.text)
            XCTAssertEqual(whole.body, Self.png)
            XCTAssertEqual(whole.headers.first(name: .contentType), "image/png")
            XCTAssertEqual(whole.headers.first(name: .acceptRanges), "bytes")
            XCTAssertTrue(whole.headers.first(name: .contentDisposition)?.hasPrefix("inline; filename=\"front.png\"") == true)
            let cacheControl = try XCTUnwrap(whole.headers.first(name: .cacheControl))
            let maxAge = try XCTUnwrap(Int(cacheControl.replacingOccurrences(of: "private, max-age=", with: "")), cacheControl)
            XCTAssertTrue((14 * 60...30 * 60).contains(maxAge), cacheControl)
            let tag = try XCTUnwrap(whole.headers.first(name: .eTag))
            XCTAssertFalse(tag.hasPrefix("W/"), "byte ranges need a strong validator")

            let notModified = try await server.request(.GET, "/" + url, headers: ["If-None-Match": tag])
            XCTAssertEqual(notModified.status, 304)
            XCTAssertTrue(notModified.body.isEmpty)

            let head = try await server.request(.GET, "/" + url, headers: ["Range": "bytes=0-7"])
            XCTAssertEqual(head.status, 206)
            XCTAssertEqual(head.body, Self.png.prefix(8))
            XCTAssertEqual(head.headers.first(name: .contentRange), "bytes 0-7/\(Self.png.count)")
            let tail = try await server.request(.GET, "/" + url, headers: ["Range": "bytes=-4"])
            XCTAssertEqual(tail.status, 206)
            XCTAssertEqual(tail.body, Self.png.suffix(4))
            let open = try await server.request(.GET, "/" + url, headers: ["Range": "bytes=70-"])
            XCTAssertEqual(open.body, Self.png.suffix(from: 70))
            let beyond = try await server.request(.GET, "/" + url, headers: ["Range": "bytes=5000-"])
            try assertProblem(beyond, status: 416)
            XCTAssertEqual(beyond.headers.first(name: "Content-Range"), "bytes */\(Self.png.count)")
            let stale = try await server.request(.GET, "/" + url, headers: ["Range": "bytes=0-7", "If-Range": "\"other\""])
            XCTAssertEqual(stale.status, 200, "a range of another version of the file gets the whole file")
        }
    }

    func testForgedOrExpiredURLsAreRefused() async throws {
        let clock = TestClock()
        try await forEachStoreAndDatabase(environment: clock.environment) { server in
            clock.set(Date())
            let seller = try await account(server, .seller, "s@example.com")
            let id = try await listing(server, seller, status: .draft)
            _ = try await upload(server, id, seller, file: Self.png, name: "a.png")
            _ = try await upload(server, id, seller, file: Self.jpeg, name: "b.jpg")
            try await setStatus(server, id, .published)
            let items = try await mediaList(server, id, token: nil)
            let first = try XCTUnwrap(items.first?["url"] as? String)
            let second = try XCTUnwrap(items.last?["url"] as? String)
            await XCTAssertEqualAsync(try await server.request(.GET, "/" + first).status, 200)

            let signature = try XCTUnwrap(first.components(separatedBy: "signature=").last)
            let tampered = String(first.dropLast()) + (signature.last == "A" ? "Q" : "A")
            try assertProblem(try await server.request(.GET, "/" + tampered), status: 403)
            // The last character's two unused bits changed: the same bytes, but not the URL given.
            let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
            let last = try XCTUnwrap(alphabet.firstIndex(of: try XCTUnwrap(signature.last)))
            let respelled = String(first.dropLast()) + String(alphabet[last ^ 1])
            try assertProblem(try await server.request(.GET, "/" + respelled), status: 403, "only the canonical spelling of a signature")
            let otherID = second.components(separatedBy: "?")[0] + "?" + first.components(separatedBy: "?")[1]
            try assertProblem(try await server.request(.GET, "/" + otherID), status: 403, "a signature is for one file")
            let later = first.replacingOccurrences(of: "expires=", with: "expires=9")
            try assertProblem(try await server.request(.GET, "/" + later), status: 403, "the expiry is signed")
            try assertProblem(try await server.request(.GET, "/" + first + "&variant=card"), status: 403, "the variant is signed")
            try assertProblem(try await server.request(.GET, "/" + first.components(separatedBy: "&signature=")[0]), status: 422)

            clock.advance(by: 31 * 60)
            let expired = try await server.request(.GET, "/" + first)
            try assertProblem(expired, status: 403)
            XCTAssertTrue((try expired.json()["detail"] as? String ?? "").contains("fetch the listing"), expired.text)
            let fresh = try await XCTUnwrapAsync(try await mediaList(server, id, token: nil).first?["url"] as? String)
            XCTAssertNotEqual(fresh, first)
            await XCTAssertEqualAsync(try await server.request(.GET, "/" + fresh).status, 200, "a new answer gives a working URL")
        }
    }

    func testEachViewerGetsURLsOnlyForWhatTheyMaySeeAndPublicURLsEndWithThePublicListing() async throws {
        try await forEachStoreAndDatabase { server in
            let seller = try await account(server, .seller, "s@example.com")
            let buyer = try await account(server, .buyer, "b@example.com")
            let accepted = try await account(server, .buyer, "accepted@example.com")
            let admin = try await account(server, .admin, "admin@example.com")
            let id = try await listing(server, seller, status: .draft)
            _ = try await upload(server, id, seller, file: Self.png, name: "front.png")
            let accounts = try await upload(server, id, seller, file: Self.pdf, name: "accounts 2025.pdf", extra: ["is_confidential": "true"])
            XCTAssertEqual(accounts.status, 201, accounts.text)
            let draftURL = try await XCTUnwrapAsync(try await mediaList(server, id, token: seller.token).first?["url"] as? String)
            await XCTAssertEqualAsync(try await server.request(.GET, "/listings/\(id)", bearer: buyer.token).status, 404, "a draft is the owner's")
            try await setStatus(server, id, .published)
            try await connect(server, accepted, to: id, seller: seller)

            let names = { (token: String?) in try await self.mediaList(server, id, token: token).compactMap { $0["file_name"] as? String }.sorted() }
            await XCTAssertEqualAsync(try await names(nil), ["front.png"])
            await XCTAssertEqualAsync(try await names(buyer.token), ["front.png"])
            await XCTAssertEqualAsync(try await names(accepted.token), ["accounts 2025.pdf", "front.png"])
            await XCTAssertEqualAsync(try await names(admin.token), ["accounts 2025.pdf", "front.png"])

            let confidential = try await XCTUnwrapAsync(try await mediaList(server, id, token: accepted.token).first { $0["is_confidential"] as? Bool == true })
            let document = try await server.request(.GET, "/" + (confidential["url"] as? String ?? ""))
            XCTAssertEqual(document.status, 200, document.text)
            XCTAssertEqual(document.body, Self.pdf)
            XCTAssertEqual(document.headers.first(name: .contentType), "application/pdf")
            XCTAssertEqual(document.headers.first(name: .contentDisposition),
                           "attachment; filename=\"accounts 2025.pdf\"; filename*=UTF-8''accounts%202025.pdf")

            let publicURL = try await XCTUnwrapAsync(try await mediaList(server, id, token: nil).first?["url"] as? String)
            let ownerURL = try await XCTUnwrapAsync(try await mediaList(server, id, token: seller.token).first { $0["file_name"] as? String == "front.png" }?["url"] as? String)
            await XCTAssertEqualAsync(try await server.request(.GET, "/" + publicURL).status, 200)

            // The seller is suspended: the public's URLs stop at once; the owner's and admins' do not.
            try await User.query(on: server.app.db).filter(\.$id == seller.id).set(\.$isSuspended, to: true).update()
            try assertProblem(try await server.request(.GET, "/" + publicURL), status: 404)
            await XCTAssertEqualAsync(try await server.request(.GET, "/" + ownerURL).status, 200)
            try await User.query(on: server.app.db).filter(\.$id == seller.id).set(\.$isSuspended, to: false).update()
            await XCTAssertEqualAsync(try await server.request(.GET, "/" + publicURL).status, 200)

            // Taken off the market: the same.
            try await setStatus(server, id, .draft)
            try assertProblem(try await server.request(.GET, "/" + publicURL), status: 404)
            await XCTAssertEqualAsync(try await server.request(.GET, "/" + draftURL).status, 200)

            // A deleted item is gone for everyone.
            let mediaID = try await XCTUnwrapAsync(try await mediaList(server, id, token: seller.token).first { $0["file_name"] as? String == "front.png" }?["id"] as? String)
            await XCTAssertEqualAsync(try await server.request(.DELETE, "/listings/\(id)/media/\(mediaID)", bearer: seller.token).status, 204)
            try assertProblem(try await server.request(.GET, "/" + ownerURL), status: 404)
            try assertProblem(try await server.request(.GET, "//api/v1/files/listing-media/not-a-uuid?expires=1&signature=x"), status: 404)
        }
    }

    func testThumbnailAndPreviewURLsServeTheMadePictures() async throws {
        try await forEachStoreAndDatabase { server in
            let seller = try await account(server, .seller, "s@example.com")
            let id = try await listing(server, seller, status: .draft)
            let photo = try await upload(server, id, seller, file: Self.png, name: "front.png")
            let mediaID = try XCTUnwrap(UUID(uuidString: try photo.json()["id"] as? String ?? ""))
            let card = FileKey.make(in: "listing-media")
            try await server.app.fileStore.put(Self.jpeg, at: card)
            try await ListingMedia.query(on: server.app.db).filter(\.$id == mediaID)
                .set(\.$cardKey, to: card.rawValue).set(\.$width, to: 4000).set(\.$height, to: 3000).update()
            try await setStatus(server, id, .published)

            let media = try await onlyMedia(server, id, token: nil)
            XCTAssertEqual(media["width"] as? Int, 4000)
            XCTAssertEqual(media["height"] as? Int, 3000)
            XCTAssertNil(media["preview_url"], "the view is not made yet")
            let thumbnail = try await server.request(.GET, "/" + (try XCTUnwrap(media["thumbnail_url"] as? String)))
            XCTAssertEqual(thumbnail.status, 200, thumbnail.text)
            XCTAssertEqual(thumbnail.body, Self.jpeg)
            XCTAssertEqual(thumbnail.headers.first(name: .contentType), "image/jpeg")
            let original = try await server.request(.GET, "/" + (try XCTUnwrap(media["url"] as? String)))
            XCTAssertNotEqual(thumbnail.headers.first(name: .eTag), original.headers.first(name: .eTag))
        }
    }

    // MARK: moderation

    func testMediaAddedToAPublishedListingWaitsForAnAdmin() async throws {
        try await forEachStoreAndDatabase { server in
            let seller = try await account(server, .seller, "s@example.com")
            let admin = try await account(server, .admin, "admin@example.com")
            let id = try await published(server, seller: seller, title: "Dental practice in Leeds")

            let added = try await upload(server, id, seller, file: Self.png, name: "waiting.png", extra: ["caption": "Call 07700 900123"])
            XCTAssertEqual(added.status, 201, added.text)
            XCTAssertEqual(try added.json()["review_status"] as? String, "pending")
            await XCTAssertEqualAsync(try await mediaList(server, id, token: nil).count, 0, "the public does not see it yet")

            let own = try await server.request(.GET, "/listings/\(id)", bearer: seller.token).json()
            XCTAssertEqual((own["media"] as? [[String: Any]])?.first?["review_status"] as? String, "pending")
            let edit = try XCTUnwrap((own["pending_edits"] as? [[String: Any]])?.first { $0["field_name"] as? String == "media" })
            XCTAssertEqual(edit["new_value"] as? String, "Call 07700 900123")
            let editMedia = try XCTUnwrap(edit["media"] as? [String: Any])
            XCTAssertEqual(editMedia["file_name"] as? String, "waiting.png")
            let pendingURL = try XCTUnwrap(editMedia["url"] as? String)
            await XCTAssertEqualAsync(try await server.request(.GET, "/" + pendingURL).status, 200, "the admin opens it from the queue")

            let queue = try await server.request(.GET, "/admin/listings?has_pending_edits=true", bearer: admin.token).json()
            XCTAssertEqual((queue["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [id.uuidString])
            XCTAssertEqual((queue["items"] as? [[String: Any]])?.first?["has_pending_edits"] as? Bool, true)

            let approved = try await server.request(.PUT, "/admin/listings/\(id)/approve", bearer: admin.token)
            XCTAssertEqual(approved.status, 200, approved.text)
            await XCTAssertEqualAsync(try await mediaList(server, id, token: nil).compactMap { $0["file_name"] as? String }, ["waiting.png"])
            let empty = try await server.request(.GET, "/admin/listings?has_pending_edits=true", bearer: admin.token).json()
            XCTAssertEqual(empty["total"] as? Int, 0)

            let refused = try await upload(server, id, seller, file: Self.jpeg, name: "refused.jpg")
            let refusedURL = try XCTUnwrap(try refused.json()["url"] as? String)
            let rejected = try await server.request(.PUT, "/admin/listings/\(id)/reject", body: json(["reason": "The photo shows a phone number"]), bearer: admin.token)
            XCTAssertEqual(rejected.status, 200, rejected.text)
            await XCTAssertEqualAsync(try await mediaList(server, id, token: seller.token).compactMap { $0["file_name"] as? String }, ["waiting.png"])
            try assertProblem(try await server.request(.GET, "/" + refusedURL), status: 404)
            let stored = try await ListingMedia.query(on: server.app.db).filter(\.$listing.$id == id).all(\.$storageKey)
            XCTAssertEqual(stored.count, 1)
        }
    }

    // MARK: KYC documents

    func testOwnersAndAdminsOpenKYCDocumentsAndNobodyElse() async throws {
        try await forEachStoreAndDatabase { server in
            let seller = try await account(server, .seller, "s@example.com")
            let other = try await account(server, .buyer, "b@example.com")
            let admin = try await account(server, .admin, "admin@example.com")
            let first = try await server.upload("/users/kyc-upload", kycForm(Self.pdf, name: "passport.pdf"), bearer: seller.token)
            XCTAssertEqual(first.status, 201, first.text)
            let second = try await server.upload("/users/kyc-upload", kycForm(Self.jpeg, name: "bill.jpg", type: "proof_of_address"), bearer: seller.token)
            XCTAssertEqual(second.status, 201, second.text)
            let ownURL = try XCTUnwrap(try first.json()["url"] as? String)
            XCTAssertTrue(ownURL.hasPrefix("/api/v1/files/kyc/"), ownURL)

            let own = try await server.request(.GET, "/users/verification-status", bearer: seller.token).json()
            XCTAssertEqual((own["documents"] as? [[String: Any]])?.compactMap { $0["url"] as? String }.count, 2)

            let listed = try await server.request(.GET, "/admin/users/\(seller.id)/documents", bearer: admin.token)
            XCTAssertEqual(listed.status, 200, listed.text)
            let documents = try XCTUnwrap(try listed.json()["documents"] as? [[String: Any]])
            XCTAssertEqual(documents.compactMap { $0["file_name"] as? String }, ["bill.jpg", "passport.pdf"], "newest first")
            let passport = try await server.request(.GET, "/" + (documents.last?["url"] as? String ?? ""))
            XCTAssertEqual(passport.status, 200, passport.text)
            XCTAssertEqual(passport.body, Self.pdf)
            XCTAssertTrue(passport.headers.first(name: .contentDisposition)?.hasPrefix("attachment; filename=\"passport.pdf\"") == true)

            try assertProblem(try await server.request(.GET, "/admin/users/\(seller.id)/documents", bearer: other.token), status: 403)
            try assertProblem(try await server.request(.GET, "/admin/users/\(seller.id)/documents"), status: 401)
            try assertProblem(try await server.request(.GET, "/admin/users/\(UUID())/documents", bearer: admin.token), status: 404)
            let othersOwn = try await server.request(.GET, "/users/verification-status", bearer: other.token).json()
            XCTAssertEqual((othersOwn["documents"] as? [[String: Any]])?.count, 0, "another user's answer names none of them")

            // A KYC URL whose row is gone serves nothing.
            try await UserDocument.query(on: server.app.db).filter(\.$user.$id == seller.id).delete()
            try assertProblem(try await server.request(.GET, "/" + ownURL), status: 404)
        }
    }

    // MARK: encryption at rest

    func testDocumentsAreEncryptedAtRestAndReadBackOnlyWithTheirKey() async throws {
        let keyA = try XCTUnwrap(FileEncryptionKey(text: Data(repeating: 0xA1, count: 32).base64EncodedString()))
        let keyB = try XCTUnwrap(FileEncryptionKey(text: String(repeating: "b2", count: 32)))
        for database in TestDatabase.underTest {
            let files = FileManager.default.temporaryDirectory.appendingPathComponent("eaglehurst-files-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: files) }
            let store = LocalFileStore(root: files)
            let environment = ServerEnvironment(now: { Date() }, fileStore: store)
            let server = try await TestServer.start(database, environment: environment) { $0.encryptionKey = keyA }
            do {
                let seller = try await account(server, .seller, "s@example.com")
                let uploaded = try await server.upload("/users/kyc-upload", kycForm(Self.pdf, name: "passport.pdf"), bearer: seller.token)
                XCTAssertEqual(uploaded.status, 201, uploaded.text)
                let row = try await XCTUnwrapAsync(try await UserDocument.query(on: server.app.db).first())
                let key = try XCTUnwrap(FileKey(rawValue: row.storageKey))
                let onDisk = try Data(contentsOf: store.url(for: key))
                XCTAssertTrue(onDisk.starts(with: Data("EHENC".utf8)), "[\(database)]")
                XCTAssertNil(onDisk.range(of: Data("SECRET-PASSPORT".utf8)), "[\(database)] the plaintext is not on disk")
                let url = try XCTUnwrap(try uploaded.json()["url"] as? String)
                let served = try await server.request(.GET, "/" + url)
                XCTAssertEqual(served.body, Self.pdf, "[\(database)]")

                // Photos are not encrypted (they are public); documents from before the key still read.
                let id = try await published(server, seller: seller, title: "Clinic")
                let photo = try await upload(server, id, seller, file: Self.png, name: "a.png")
                let photoRow = try await XCTUnwrapAsync(try await ListingMedia.find(UUID(uuidString: try photo.json()["id"] as? String ?? ""), on: server.app.db))
                XCTAssertEqual(try Data(contentsOf: store.url(for: FileKey(rawValue: photoRow.storageKey)!)), Self.png)
                try await store.put(Self.pdf, at: key)
                await XCTAssertEqualAsync(try await server.request(.GET, "/" + url).body, Self.pdf, "[\(database)] written before the key was set")

                // A file written with another key is a clear 503, never its bytes.
                try await store.put(try EncryptingFileStore.seal(Self.pdf, at: key, with: keyB), at: key)
                let refused = try await server.request(.GET, "/" + url)
                try assertProblem(refused, status: 503)
                XCTAssertTrue(refused.text.contains("ENCRYPTION_KEY differs"), refused.text)
                // So is a damaged one.
                var damaged = try EncryptingFileStore.seal(Self.pdf, at: key, with: keyA)
                damaged[damaged.count - 20] ^= 0xFF
                try await store.put(damaged, at: key)
                try assertProblem(try await server.request(.GET, "/" + url), status: 503)
            } catch {
                try? await server.stop()
                throw error
            }
            try await server.stop()

            // Starting again on the same files with another key, or none, fails with the reason.
            for other in [keyB, nil] as [FileEncryptionKey?] {
                do {
                    let wrong = try await TestServer.start(database, environment: environment) { $0.encryptionKey = other }
                    try? await wrong.stop()
                    XCTFail("[\(database)] a server started with \(other == nil ? "no key" : "another key")")
                } catch let error as SettingsError {
                    XCTAssertEqual(error.variable, "ENCRYPTION_KEY")
                    XCTAssertTrue(error.problem.contains(other == nil ? "is not set" : "differs"), error.problem)
                }
            }
            let again = try await TestServer.start(database, environment: environment) { $0.encryptionKey = keyA }
            try await again.stop()
        }
    }

    func testTheEncryptingStoreSealsDocumentsOnlyAndNeverReturnsBytesItCannotAuthenticate() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("eaglehurst-files-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let bucket = S3FileStore(try MotoServer.shared().configuration())
        try await bucket.checkBucket(create: true)
        for base in [LocalFileStore(root: root), bucket] as [any FileStore] {
            try await sealsDocumentsOnly(base)
        }
    }

    func sealsDocumentsOnly(_ base: any FileStore) async throws {
        let key = try XCTUnwrap(FileEncryptionKey(text: String(repeating: "5a", count: 32)))
        let store = EncryptingFileStore(base: base, key: key)

        let document = FileKey.make(in: "services")
        try await store.put(Self.pdf, at: document)
        let sealed = try await XCTUnwrapAsync(try await base.get(document))
        XCTAssertEqual(sealed.count, Self.pdf.count + EncryptingFileStore.headerCount + 12 + 16)
        XCTAssertNil(sealed.range(of: Data("SECRET-PASSPORT".utf8)))
        await XCTAssertEqualAsync(try await store.get(document), Self.pdf)
        let again = FileKey.make(in: "services")
        try await store.put(Self.pdf, at: again)
        await XCTAssertEqualAsync(try await base.get(again) != sealed, true, "a fresh nonce for every write")

        let avatar = FileKey.make(in: "avatars")
        try await store.put(Self.png, at: avatar)
        await XCTAssertEqualAsync(try await base.get(avatar), Self.png, "pictures are not encrypted")

        // Moved to another document's key, the file no longer authenticates.
        try await base.put(sealed, at: again)
        do {
            _ = try await store.get(again)
            XCTFail("a file moved to another key was read")
        } catch let error as FileEncryptionError {
            XCTAssertEqual(error, .unreadable(again))
        }
        do {
            _ = try await EncryptingFileStore(base: base, key: nil).get(document)
            XCTFail("an encrypted file was read without a key")
        } catch let error as FileEncryptionError {
            XCTAssertEqual(error, .noKey(fingerprint: key.fingerprint))
            XCTAssertEqual(error.problem.status, .serviceUnavailable)
        }
        await XCTAssertEqualAsync(try await store.get(FileKey.make(in: "kyc")), nil, "nothing stored is nil, not an error")
    }

    func testEncryptionKeySettingAcceptsHexOrBase64Of32Bytes() throws {
        XCTAssertNotNil(FileEncryptionKey(text: String(repeating: "0f", count: 32)))
        XCTAssertNotNil(FileEncryptionKey(text: Data(repeating: 1, count: 32).base64EncodedString()))
        XCTAssertNil(FileEncryptionKey(text: "short"))
        XCTAssertNil(FileEncryptionKey(text: Data(repeating: 1, count: 16).base64EncodedString()))
        XCTAssertThrowsError(try Settings.fromEnvironment(["ENCRYPTION_KEY": "not-a-key", "EAGLEHURST_DATA_DIR": NSTemporaryDirectory()])) { error in
            XCTAssertEqual((error as? SettingsError)?.variable, "ENCRYPTION_KEY")
        }
    }

    // MARK: pure parts

    func testByteRangesFollowRFC9110() {
        XCTAssertEqual(ByteRange.parse(nil, size: 100), .whole)
        XCTAssertEqual(ByteRange.parse("bytes=0-9", size: 100), .part(0...9))
        XCTAssertEqual(ByteRange.parse("bytes=90-200", size: 100), .part(90...99))
        XCTAssertEqual(ByteRange.parse("bytes=95-", size: 100), .part(95...99))
        XCTAssertEqual(ByteRange.parse("bytes=-10", size: 100), .part(90...99))
        XCTAssertEqual(ByteRange.parse("bytes=-500", size: 100), .part(0...99))
        XCTAssertEqual(ByteRange.parse("bytes=100-", size: 100), .unsatisfiable)
        XCTAssertEqual(ByteRange.parse("bytes=-0", size: 100), .unsatisfiable)
        XCTAssertEqual(ByteRange.parse("bytes=0-1,5-6", size: 100), .whole, "several ranges: the whole file")
        XCTAssertEqual(ByteRange.parse("bytes=9-2", size: 100), .whole)
        XCTAssertEqual(ByteRange.parse("items=0-1", size: 100), .whole)
        XCTAssertEqual(ByteRange.parse("bytes=x-1", size: 100), .whole)
    }

    func testSignedURLsAreStableWithinAWindowAndExpireAfterIt() {
        let signer = FileURLSigner(secret: String(repeating: "k", count: 40))
        let id = UUID()
        let start = Date(timeIntervalSince1970: 1_800_000_000)  // a window boundary (divisible by 900)
        let a = signer.sign(.listingMedia, id, for: .public, now: start.addingTimeInterval(10))
        let b = signer.sign(.listingMedia, id, for: .public, now: start.addingTimeInterval(890))
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.expiresAt, start.addingTimeInterval(1800))
        XCTAssertNotEqual(signer.sign(.listingMedia, id, for: .public, now: start.addingTimeInterval(900)), a)

        let query = Dictionary(uniqueKeysWithValues: a.path.split(separator: "?")[1].split(separator: "&").map {
            let pair = $0.split(separator: "=", maxSplits: 1)
            return (String(pair[0]), String(pair[1]))
        })
        let expires = Int64(query["expires"]!)!
        let signature = query["signature"]!
        XCTAssertEqual(signer.verify(.listingMedia, id, variant: .original, expires: expires, signature: signature, now: start), .valid(.public))
        XCTAssertEqual(signer.verify(.listingMedia, id, variant: .original, expires: expires, signature: signature, now: a.expiresAt), .expired)
        XCTAssertEqual(signer.verify(.kyc, id, variant: .original, expires: expires, signature: signature, now: start), .forged)
        XCTAssertEqual(signer.verify(.listingMedia, UUID(), variant: .original, expires: expires, signature: signature, now: start), .forged)
        XCTAssertEqual(signer.verify(.listingMedia, id, variant: .original, expires: expires, signature: "%%%", now: start), .forged)
        let granted = signer.sign(.listingMedia, id, for: .granted, now: start)
        let grantedSignature = String(granted.path.split(separator: "=").last!)
        XCTAssertEqual(signer.verify(.listingMedia, id, variant: .original, expires: expires, signature: grantedSignature, now: start), .valid(.granted))
        XCTAssertEqual(FileURLSigner(secret: String(repeating: "x", count: 40))
            .verify(.listingMedia, id, variant: .original, expires: expires, signature: signature, now: start), .forged, "another server secret")
    }

    // MARK: helpers

    func listing(_ server: TestServer, _ seller: Account, status: Listing.Status) async throws -> UUID {
        let id = try await published(server, seller: seller, title: "Pharmacy in Camden")
        try await setStatus(server, id, status)
        return id
    }

    func setStatus(_ server: TestServer, _ id: UUID, _ status: Listing.Status) async throws {
        try await Listing.query(on: server.app.db).filter(\.$id == id).set(\.$status, to: status).update()
    }

    /// An accepted connection between a buyer and the listing, as the seller's acceptance leaves it.
    func connect(_ server: TestServer, _ buyer: Account, to listing: UUID, seller: Account) async throws {
        let connection = Connection()
        connection.$listing.id = listing
        connection.$buyer.id = buyer.id
        connection.$seller.id = seller.id
        connection.status = .accepted
        connection.initialMessage = "Interested"
        try await connection.create(on: server.app.db)
    }

    func mediaList(_ server: TestServer, _ id: UUID, token: String?) async throws -> [[String: Any]] {
        let response = try await server.request(.GET, "/listings/\(id)", bearer: token)
        XCTAssertEqual(response.status, 200, response.text)
        return try response.json()["media"] as? [[String: Any]] ?? []
    }

    func onlyMedia(_ server: TestServer, _ id: UUID, token: String?) async throws -> [String: Any] {
        let items = try await mediaList(server, id, token: token)
        XCTAssertEqual(items.count, 1)
        return try XCTUnwrap(items.first)
    }

    func upload(_ server: TestServer, _ id: UUID, _ account: Account, file: Data, name: String, extra: [String: String] = [:]) async throws -> TestResponse {
        var form = MultipartFormData()
        for (field, value) in extra.sorted(by: { $0.key < $1.key }) { form.addText(field, value) }
        form.addFile("file", fileName: name, data: file)
        return try await server.upload("/listings/\(id)/media", form, bearer: account.token)
    }

    func kycForm(_ data: Data, name: String, type: String = "passport") -> MultipartFormData {
        var form = MultipartFormData()
        form.addText("document_type", type)
        form.addFile("file", fileName: name, data: data)
        return form
    }

    func assertProblem(_ response: TestResponse, status: Int, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(response.status, status, "\(message) \(response.text)", file: file, line: line)
        XCTAssertEqual(response.headers.first(name: .contentType), "application/problem+json", message, file: file, line: line)
    }
}
