@testable import EaglehurstServer
import EaglehurstTestSupport
import Fluent
import Foundation
import SQLKit
import Vapor
import XCTest

/// Pictures from strangers (issue 28): a small file declaring billions of pixels is refused from its
/// header before it is decoded; a photo's GPS position and camera never reach the people it is
/// served to; a thumbnail, however slow, never holds up mail. On SQLite and PostgreSQL.
final class PictureSafetyTests: XCTestCase {
    // MARK: the pixel limit

    /// The shape of issue 28's file (a PNG of 304 KB declaring 50000 × 50000), and a JPEG alike.
    static let bombs: [(name: String, data: Data)] = [
        ("huge.png", try! TestImages.declaringSize(TestImages.png(width: 64, height: 48), width: 50000, height: 50000)),
        ("huge.jpg", try! TestImages.declaringSize(TestImages.jpeg(width: 64, height: 48), width: 50000, height: 50000)),
    ]

    func testAnImageDeclaringTooManyPixelsIsRefusedFromItsHeaderAndLeavesNothingBehind() async throws {
        for bomb in Self.bombs {
            let declared = try Images.size(of: bomb.data)
            XCTAssertEqual([declared.width, declared.height], [50000, 50000], "\(bomb.name): libvips reads the rewritten header")
        }
        try await forEachDatabase(customize: { $0.jobWorker = false }) { server in
            let seller = try await account(server, .seller, "s@example.com")
            let listing = try await published(server, seller: seller, title: "Pharmacy in York")
            for bomb in Self.bombs {
                let photo = try await upload(server, "/listings/\(listing)/media", bomb.data, name: bomb.name, bearer: seller.token)
                try assertTooManyPixels(photo, "50000 × 50000 pixels", limit: "40 megapixels", what: bomb.name)
                XCTAssertEqual(try photo.json()["detail"] as? String,
                               "The image is 50000 × 50000 pixels (2,500 megapixels); a listing photo may have at most 40 megapixels. Scale it down and upload it again.")
                let avatar = try await upload(server, "/users/upload-avatar", bomb.data, name: bomb.name, bearer: seller.token)
                try assertTooManyPixels(avatar, "50000 × 50000 pixels", limit: "40 megapixels", what: "avatar \(bomb.name)")
            }
            await XCTAssertEqualAsync(try await ListingMedia.query(on: server.app.db).count(), 0, "no row")
            await XCTAssertEqualAsync(try await jobKinds(server), [], "no thumbnail job")
            XCTAssertEqual(try files(server, "files/listing-media"), [], "no photo stored")
            XCTAssertEqual(try files(server, "files/avatars"), [], "no avatar stored")
            XCTAssertEqual(try files(server, "uploads"), [], "no spool file left")
            await XCTAssertNilAsync(try await User.find(seller.id, on: server.app.db)?.avatarPath)
        }
    }

    func testTheLimitIsTheSettingAndAnImageWithinItIsTaken() async throws {
        try await forEachDatabase(customize: { $0.jobWorker = false; $0.maxImagePixels = 800 * 600 }) { server in
            let seller = try await account(server, .seller, "s@example.com")
            let listing = try await published(server, seller: seller, title: "Dental lab in Hull")
            let within = try await upload(server, "/listings/\(listing)/media", try TestImages.png(width: 800, height: 600), name: "a.png", bearer: seller.token)
            XCTAssertEqual(within.status, 201, within.text)
            XCTAssertEqual(try within.json()["width"] as? Int, 800)
            XCTAssertEqual(try within.json()["height"] as? Int, 600)
            let over = try await upload(server, "/listings/\(listing)/media", try TestImages.png(width: 800, height: 601), name: "b.png", bearer: seller.token)
            try assertTooManyPixels(over, "800 × 601 pixels", limit: "480,000 pixels", what: "one row over")

            let bigAvatar = try await upload(server, "/users/upload-avatar", try TestImages.jpeg(width: 601, height: 800), name: "me.jpg", bearer: seller.token)
            try assertTooManyPixels(bigAvatar, "601 × 800 pixels", limit: "480,000 pixels", what: "avatar")
            let avatar = try await upload(server, "/users/upload-avatar", try TestImages.jpeg(width: 600, height: 800), name: "me.jpg", bearer: seller.token)
            XCTAssertEqual(avatar.status, 200, avatar.text)
            await XCTAssertEqualAsync(try await ListingMedia.query(on: server.app.db).count(), 1)
        }
    }

    func testTheLimitIsReadFromMaxImagePixels() throws {
        let home = ["HOME": "/tmp"]
        XCTAssertEqual(try Settings.fromEnvironment(home).maxImagePixels, 40_000_000)
        XCTAssertEqual(try Settings.fromEnvironment(home.merging(["MAX_IMAGE_PIXELS": "12000000"]) { $1 }).maxImagePixels, 12_000_000)
        for wrong in ["40MP", "0", "-5", "2000000000"] {
            XCTAssertThrowsError(try Settings.fromEnvironment(home.merging(["MAX_IMAGE_PIXELS": wrong]) { $1 }), wrong) { error in
                XCTAssertEqual((error as? SettingsError)?.variable, "MAX_IMAGE_PIXELS")
                XCTAssertTrue("\(error)".contains("40000000"), "says what to write: \(error)")
            }
        }
    }

    // MARK: no metadata in what is served

    /// A phone's photo: stored 60 × 80 (red top, blue bottom) and tagged "rotate 90° clockwise",
    /// with the camera, a GPS position, XMP and IPTC. Upright it is 80 × 60, red on the right.
    static let phonePhoto = try! TestImages.jpegWithLocation(width: 60, height: 80, orientation: 6)

    func testAServedPhotoOrAvatarCarriesNoLocationCameraOrOtherMetadataAndIsUpright() async throws {
        let photo = Self.phonePhoto
        XCTAssertTrue(TestImages.hasExif(photo))
        XCTAssertNotNil(photo.range(of: Data(TestImages.cameraMake.utf8)))
        let upright = try Images.size(of: photo)
        XCTAssertEqual([upright.width, upright.height], [80, 60], "libvips reads the test photo's EXIF orientation")
        XCTAssertEqual(Set(try TestImages.segments(ofJPEG: photo).map(\.marker)).intersection([0xE1, 0xED]), [0xE1, 0xED], "EXIF, XMP and IPTC are there")

        try await forEachDatabase(customize: { $0.jobWorker = false }) { server in
            let seller = try await account(server, .seller, "s@example.com")
            let listing = try await published(server, seller: seller, title: "Opticians in Camden")
            // Uploaded to the draft, so it goes public with the listing rather than waiting for an admin.
            try await Listing.query(on: server.app.db).filter(\.$id == listing).set(\.$status, to: .draft).update()
            let uploaded = try await upload(server, "/listings/\(listing)/media", photo, name: "front.jpg", bearer: seller.token)
            XCTAssertEqual(uploaded.status, 201, uploaded.text)
            XCTAssertEqual(try uploaded.json()["width"] as? Int, 80)
            XCTAssertEqual(try uploaded.json()["height"] as? Int, 60)
            try await Listing.query(on: server.app.db).filter(\.$id == listing).set(\.$status, to: .published).update()

            // As anyone would: the public listing's media URL.
            let media = try await server.request(.GET, "/listings/\(listing)").json()["media"] as? [[String: Any]]
            let url = try XCTUnwrap(media?.first?["url"] as? String)
            let served = try await server.request(.GET, "/" + url)
            XCTAssertEqual(served.status, 200, served.text)
            try assertCleanUprightPhoto(served.body, what: "the listing photo")
            XCTAssertEqual(media?.first?["size_bytes"] as? Int, served.body.count, "size_bytes is the stored copy's")
            let row = try await XCTUnwrapAsync(try await ListingMedia.query(on: server.app.db).first())
            let key = try XCTUnwrap(FileKey(rawValue: row.storageKey))
            await XCTAssertEqualAsync(try await server.app.fileStore.get(key), served.body, "what is stored is the clean copy")

            let viewer = try await account(server, .buyer, "b@example.com")
            let avatar = try await upload(server, "/users/upload-avatar", photo, name: "me.jpg", bearer: seller.token)
            XCTAssertEqual(avatar.status, 200, avatar.text)
            let picture = try await server.request(.GET, "/users/\(seller.id)/avatar", bearer: viewer.token)
            XCTAssertEqual(picture.status, 200, picture.text)
            try assertCleanUprightPhoto(picture.body, what: "the avatar")
        }
    }

    func assertCleanUprightPhoto(_ jpeg: Data, what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(DetectedFileType.detect(jpeg), .jpeg, what, file: file, line: line)
        for secret in [TestImages.cameraMake, "Exif", "http://ns.adobe.com/xap", "Photoshop 3.0", "Camden", "GPS"] {
            XCTAssertNil(jpeg.range(of: Data(secret.utf8)), "\(what) contains \(secret)", file: file, line: line)
        }
        let markers = try TestImages.segments(ofJPEG: jpeg).map(\.marker)
        XCTAssertEqual(markers.filter { (0xE1...0xEF).contains($0) || $0 == 0xFE }, [], "\(what): no EXIF, XMP, IPTC or comment segment", file: file, line: line)
        let stored = try TestImages.storedSize(ofJPEG: jpeg)
        XCTAssertEqual([stored.width, stored.height], [80, 60], "\(what) is stored turned upright", file: file, line: line)
        let (left, right) = try TestImages.leftAndRight(of: jpeg)
        XCTAssertTrue(left[2] > 150 && left[0] < 100, "\(what): blue on the left: \(left)", file: file, line: line)
        XCTAssertTrue(right[0] > 150 && right[2] < 100, "\(what): red on the right: \(right)", file: file, line: line)
    }

    // MARK: thumbnails never hold up mail

    /// The thumbnail job is held inside its work (reading the original) for as long as the test
    /// likes; meanwhile a registration's verification mail is sent. With one lane for every job it
    /// waited behind the thumbnail.
    func testAThumbnailInFlightDoesNotHoldUpAVerificationMail() async throws {
        for database in TestDatabase.underTest {
            let store = HeldOriginals(base: LocalFileStore(root: FileManager.default.temporaryDirectory
                .appendingPathComponent("eaglehurst-held-\(UUID().uuidString)", isDirectory: true)))
            let server = try await TestServer.start(database, environment: ServerEnvironment(now: { Date() }, fileStore: store))
            do {
                let seller = try await account(server, .seller, "s@example.com")
                let listing = try await published(server, seller: seller, title: "Pharmacy in Leeds")
                let uploaded = try await upload(server, "/listings/\(listing)/media", try TestImages.jpeg(width: 640, height: 480), name: "a.jpg", bearer: seller.token)
                XCTAssertEqual(uploaded.status, 201, uploaded.text)
                let started = await store.reading.wait(atMost: .seconds(60))
                XCTAssertTrue(started, "[\(database)] the worker took the thumbnail job")

                let email = "late-\(database)@example.com"
                let registered = try await server.app.client.post(URI(string: "\(server.baseURL)/auth/register")) { request in
                    try request.content.encode([
                        "email": email, "password": "Passw0rdX!", "user_type": "buyer", "first_name": "Ann", "last_name": "Lee",
                    ], as: .json)
                }
                XCTAssertEqual(registered.status, .created, "[\(database)]")
                var sent = false
                for _ in 0..<1200 where !sent {
                    sent = try server.outbox().contains { $0.contains(email) && $0.contains("verification code") }
                    if !sent { try await Task.sleep(for: .milliseconds(25)) }
                }
                XCTAssertTrue(sent, "[\(database)] the verification mail went out while the thumbnail was being made")
                await XCTAssertEqualAsync(try await jobStates(server)["thumbnails"], "running", "[\(database)] the thumbnail job was still in flight")
                await XCTAssertNilAsync(try await ListingMedia.query(on: server.app.db).first()?.cardKey)

                await store.proceed.open()
                await server.app.drainJobQueue()
                await XCTAssertTrueAsync(try await ListingMedia.query(on: server.app.db).first()?.cardKey != nil, "[\(database)] then the thumbnails are made")
            } catch {
                await store.proceed.open()
                try? await server.stop()
                XCTFail("[\(database)] \(error)")
                throw error
            }
            try await server.stop()
            try? FileManager.default.removeItem(at: store.base.root)
        }
    }

    func testAThumbnailStopsAtItsTimeLimit() throws {
        let photo = try TestImages.jpeg(width: 2000, height: 1500)
        XCTAssertThrowsError(try Images.thumbnail(of: photo, maxWidth: 320, maxHeight: 320, timeLimit: .zero)) { error in
            XCTAssertEqual((error as? Images.ImageError)?.timedOut, true, "\(error)")
        }
        let made = try Images.thumbnail(of: photo, maxWidth: 320, maxHeight: 320, timeLimit: .seconds(600))
        XCTAssertEqual([made.width, made.height], [320, 240])
    }

    // MARK: helpers

    func upload(_ server: TestServer, _ path: String, _ data: Data, name: String, bearer: String) async throws -> TestResponse {
        var form = MultipartFormData()
        form.addFile("file", fileName: name, data: data)
        return try await server.upload(path, form, bearer: bearer)
    }

    func assertTooManyPixels(_ response: TestResponse, _ size: String, limit: String, what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(response.status, 422, "\(what): \(response.text)", file: file, line: line)
        XCTAssertEqual(response.headers.first(name: .contentType), "application/problem+json", what, file: file, line: line)
        let problem = try response.json()
        XCTAssertEqual(problem["type"] as? String, "https://eaglehurst.example/problems/image-too-many-pixels", what, file: file, line: line)
        XCTAssertEqual((problem["errors"] as? [String: [String]])?["file"], ["is \(size); at most \(limit) are accepted"], what, file: file, line: line)
    }

    func jobKinds(_ server: TestServer) async throws -> [String] {
        try await server.app.db.sql.raw("SELECT kind FROM jobs").all().map { try $0.decode(column: "kind", as: String.self) }
    }

    func jobStates(_ server: TestServer) async throws -> [String: String] {
        let rows = try await server.app.db.sql.raw("SELECT kind, state FROM jobs").all()
        return Dictionary(try rows.map { (try $0.decode(column: "kind", as: String.self), try $0.decode(column: "state", as: String.self)) }) { $1 }
    }

    func files(_ server: TestServer, _ folder: String) throws -> [String] {
        let url = server.sandbox.directory.appendingPathComponent(folder, isDirectory: true)
        return ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).filter { !$0.hasPrefix(".") }
    }
}

/// A local store whose reads of listing photos wait until the test opens `proceed`, telling the
/// test through `reading` that one has begun.
struct HeldOriginals: FileStore {
    let base: LocalFileStore
    let reading = Latch()
    let proceed = Latch()

    func put(_ data: Data, at key: FileKey) async throws { try await base.put(data, at: key) }
    func put(contentsOf file: URL, at key: FileKey) async throws { try await base.put(contentsOf: file, at: key) }
    func delete(_ key: FileKey) async throws { try await base.delete(key) }

    func get(_ key: FileKey) async throws -> Data? {
        if key.rawValue.hasPrefix("listing-media/") {
            await reading.open()
            await proceed.wait()
        }
        return try await base.get(key)
    }
}

/// Closed until opened once; `wait` returns as soon as it is open.
actor Latch {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Whether it opened within `limit` (so a test that never gets there fails instead of hanging).
    func wait(atMost limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while !isOpen, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return isOpen
    }
}
