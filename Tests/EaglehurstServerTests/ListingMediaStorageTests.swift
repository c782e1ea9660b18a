@testable import EaglehurstServer
import EaglehurstTestSupport
import Fluent
import Foundation
import SQLKit
import XCTest

/// Listing photos from upload to thumbnails and deletion, with the files on local disk and in an
/// S3 bucket (moto), on SQLite and PostgreSQL. The job worker is off, so each test decides when
/// the queued thumbnail jobs run (`drainJobQueue`).
final class ListingMediaStorageTests: XCTestCase {
    enum Store: String, CaseIterable {
        case local, s3
    }

    func forEachStoreAndDatabase(_ body: (TestServer, Store) async throws -> Void) async throws {
        for store in Store.allCases {
            let s3 = store == .s3 ? try MotoServer.shared().settings() : nil
            for database in TestDatabase.underTest {
                let server = try await TestServer.start(database) { settings in
                    settings.jobWorker = false
                    settings.s3 = s3
                }
                do {
                    // Every store is wrapped by the encrypting one (which seals documents only).
                    let base = try XCTUnwrap(server.app.fileStore as? EncryptingFileStore).base
                    switch store {
                    case .local: XCTAssertTrue(base is LocalFileStore)
                    case .s3: XCTAssertTrue(base is S3FileStore)
                    }
                    try await body(server, store)
                } catch {
                    try? await server.stop()
                    XCTFail("[\(store), \(database)] \(error)")
                    throw error
                }
                try await server.stop()
            }
        }
    }

    func upload(_ server: TestServer, _ listing: UUID, _ seller: Account, _ file: Data, name: String) async throws -> TestResponse {
        var form = MultipartFormData()
        form.addFile("file", fileName: name, data: file)
        return try await server.upload("/listings/\(listing)/media", form, bearer: seller.token)
    }

    func uploaded(_ server: TestServer, _ listing: UUID, _ seller: Account, _ file: Data, name: String = "photo.jpg") async throws -> ListingMedia {
        let response = try await upload(server, listing, seller, file, name: name)
        XCTAssertEqual(response.status, 201, response.text)
        let id = try XCTUnwrap(UUID(uuidString: try response.json()["id"] as? String ?? ""))
        return try must(try await ListingMedia.find(id, on: server.app.db))
    }

    func must<T>(_ value: T?, file: StaticString = #filePath, line: UInt = #line) throws -> T {
        try XCTUnwrap(value, file: file, line: line)
    }

    func jobs(_ server: TestServer) async throws -> [(kind: String, state: String)] {
        try await server.app.db.sql.raw("SELECT kind, state FROM jobs").all()
            .map { (try $0.decode(column: "kind", as: String.self), try $0.decode(column: "state", as: String.self)) }
    }

    func stored(_ server: TestServer, _ key: String?) async throws -> Data? {
        guard let key = key.flatMap(FileKey.init(rawValue:)) else { return nil }
        return try await server.app.fileStore.get(key)
    }

    // MARK: thumbnails

    func testAPhotoGetsAnUprightCardAndViewWithoutMetadata() async throws {
        // Stored 1200 × 1600 (red top, blue bottom) and tagged "rotate 90° clockwise": upright it is
        // 1600 × 1200 with the red half on the right.
        let original = try TestImages.jpeg(width: 1200, height: 1600, orientation: 6)
        XCTAssertTrue(TestImages.hasExif(original), "the test photo carries its orientation in EXIF")
        try await forEachStoreAndDatabase { server, _ in
            let seller = try await account(server, .seller, "s@example.com")
            let listing = try await published(server, seller: seller, title: "Opticians in Bath")

            let response = try await upload(server, listing, seller, original, name: "front.jpg")
            XCTAssertEqual(response.status, 201, response.text)
            XCTAssertEqual(try response.json()["width"] as? Int, 1600, "the size is read at upload, orientation applied")
            XCTAssertEqual(try response.json()["height"] as? Int, 1200)
            let id = try XCTUnwrap(UUID(uuidString: try response.json()["id"] as? String ?? ""))
            let queued = try await jobs(server)
            XCTAssertEqual(queued.map(\.kind), ["thumbnails"], "the thumbnails are made by a job, not the request")

            await server.app.drainJobQueue()
            let media = try must(try await ListingMedia.find(id, on: server.app.db))
            let card = try must(try await stored(server, media.cardKey))
            let view = try must(try await stored(server, media.viewKey))
            XCTAssertTrue(media.cardKey?.hasPrefix("listing-media-card/") == true)
            XCTAssertTrue(media.viewKey?.hasPrefix("listing-media-view/") == true)
            XCTAssertEqual(try Images.size(of: card).width, 320)
            XCTAssertEqual(try Images.size(of: card).height, 240)
            XCTAssertEqual(try Images.size(of: view).width, 1280)
            XCTAssertEqual(try Images.size(of: view).height, 960)
            for thumbnail in [card, view] {
                XCTAssertEqual(DetectedFileType.detect(thumbnail), .jpeg)
                XCTAssertFalse(TestImages.hasExif(thumbnail), "metadata is stripped")
                let (left, right) = try TestImages.leftAndRight(of: thumbnail)
                XCTAssertTrue(left[2] > 150 && left[0] < 100, "blue on the left, upright: \(left)")
                XCTAssertTrue(right[0] > 150 && right[2] < 100, "red on the right, upright: \(right)")
            }
            // The original is written again turned upright, without metadata (PictureSafetyTests).
            let kept = try must(try await stored(server, media.storageKey))
            XCTAssertFalse(TestImages.hasExif(kept))
            let upright = try TestImages.storedSize(ofJPEG: kept)
            XCTAssertEqual([upright.width, upright.height], [1600, 1200])
            await XCTAssertEqualAsync(try await jobs(server).count, 0)
        }
    }

    func testSmallImagesAreNotEnlargedAndDocumentsGetNoThumbnails() async throws {
        let png = try TestImages.png(width: 200, height: 100)
        let pdf = Data("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n".utf8)
        try await forEachStoreAndDatabase { server, _ in
            let seller = try await account(server, .seller, "s@example.com")
            let listing = try await published(server, seller: seller, title: "Dental lab in Hull")
            let image = try await uploaded(server, listing, seller, png, name: "plan.png")
            let document = try await uploaded(server, listing, seller, pdf, name: "accounts.pdf")
            await XCTAssertEqualAsync(try await jobs(server).count, 1, "one job, for the image")
            await server.app.drainJobQueue()

            let made = try must(try await ListingMedia.find(image.requireID(), on: server.app.db))
            let card = try must(try await stored(server, made.cardKey))
            let view = try must(try await stored(server, made.viewKey))
            XCTAssertEqual(try Images.size(of: card).width, 200)
            XCTAssertEqual(try Images.size(of: view).height, 100)
            XCTAssertEqual(DetectedFileType.detect(card), .jpeg, "thumbnails are JPEG whatever the original")
            let pdfRow = try must(try await ListingMedia.find(document.requireID(), on: server.app.db))
            XCTAssertNil(pdfRow.cardKey)
            XCTAssertNil(pdfRow.width)
        }
    }

    func testCorruptImagesAreRefusedWithAProblemAndLeaveNothingBehind() async throws {
        let jpeg = try TestImages.jpeg(width: 640, height: 480)
        let png = try TestImages.png(width: 640, height: 480)
        let broken: [(name: String, data: Data)] = [
            ("cut.jpg", jpeg.prefix(jpeg.count / 2)),
            ("noise.jpg", Data([0xFF, 0xD8, 0xFF, 0xE0]) + Data((0..<4000).map { UInt8(truncatingIfNeeded: $0 &* 7919) })),
            ("cut.png", png.prefix(png.count / 2)),
            ("noise.png", Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + Data(repeating: 7, count: 512)),
        ]
        for file in broken {
            XCTAssertNotNil(DetectedFileType.detect(file.data), "\(file.name) passes the magic-byte check")
        }
        try await forEachStoreAndDatabase { server, store in
            let seller = try await account(server, .seller, "s@example.com")
            let listing = try await published(server, seller: seller, title: "Pharmacy in York")
            for file in broken {
                let response = try await upload(server, listing, seller, file.data, name: file.name)
                XCTAssertEqual(response.status, 422, "\(file.name): \(response.text)")
                XCTAssertEqual(response.headers.first(name: .contentType), "application/problem+json")
                let problem = try response.json()
                XCTAssertNotNil((problem["errors"] as? [String: [String]])?["file"], file.name)
                XCTAssertTrue((problem["detail"] as? String)?.contains("could not be decoded") == true, "\(problem)")
            }
            // A good photo sent with its own part type (as `curl -F file=@photo.jpg` does) is told
            // which type the part needs, not only that the file is missing.
            var form = MultipartFormData()
            form.addFile("file", fileName: "photo.jpg", data: jpeg, contentType: "image/jpeg")
            let typed = try await server.upload("/listings/\(listing)/media", form, bearer: seller.token)
            XCTAssertEqual(typed.status, 422, typed.text)
            let reason = try XCTUnwrap((try typed.json()["errors"] as? [String: [String]])?["file"]?.first)
            XCTAssertTrue(reason.contains("application/octet-stream"), reason)
            await XCTAssertEqualAsync(try await ListingMedia.query(on: server.app.db).count(), 0)
            await XCTAssertEqualAsync(try await jobs(server).count, 0)
            if store == .local {
                let folder = server.sandbox.directory.appendingPathComponent("files/listing-media")
                XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [], [], "nothing stored")
            }
            let good = try await upload(server, listing, seller, jpeg, name: "fine.jpg")
            XCTAssertEqual(good.status, 201, "the same image whole is accepted: \(good.text)")
        }
    }

    // MARK: the job's edge cases

    func testTheJobRunsTwiceHarmlesslyAndQuietlyForMediaAlreadyDeleted() async throws {
        let photo = try TestImages.jpeg(width: 800, height: 600)
        try await forEachStoreAndDatabase { server, _ in
            let seller = try await account(server, .seller, "s@example.com")
            let listing = try await published(server, seller: seller, title: "Clinic in Leeds")
            let first = try await uploaded(server, listing, seller, photo)
            await server.app.drainJobQueue()
            let made = try must(try await ListingMedia.find(first.requireID(), on: server.app.db))
            XCTAssertNotNil(made.cardKey)

            try await server.app.jobs.enqueue(.thumbnails, ThumbnailJob(mediaID: try first.requireID()), on: server.app.db)
            await server.app.drainJobQueue()
            let again = try must(try await ListingMedia.find(first.requireID(), on: server.app.db))
            XCTAssertEqual(again.cardKey, made.cardKey, "a second run keeps the first run's thumbnails")
            XCTAssertEqual(again.viewKey, made.viewKey)
            await XCTAssertEqualAsync(try await jobs(server).count, 0, "and completes")

            let second = try await uploaded(server, listing, seller, photo)
            let deleted = try await server.request(.DELETE, "/listings/\(listing)/media/\(try second.requireID())", bearer: seller.token)
            XCTAssertEqual(deleted.status, 204, deleted.text)
            await XCTAssertEqualAsync(try await jobs(server).map(\.state), ["queued"])
            await server.app.drainJobQueue()
            await XCTAssertEqualAsync(try await jobs(server).count, 0, "the job for deleted media completes, neither retried nor dead")
            await XCTAssertNilAsync(try await stored(server, second.storageKey))
        }
    }

    func testDeletingMediaOrTheListingDeletesTheThumbnailsToo() async throws {
        let photo = try TestImages.jpeg(width: 800, height: 600)
        try await forEachStoreAndDatabase { server, _ in
            let seller = try await account(server, .seller, "s@example.com")
            let listing = try await published(server, seller: seller, title: "Pharmacy in Ely")
            let one = try await uploaded(server, listing, seller, photo)
            let two = try await uploaded(server, listing, seller, photo)
            await server.app.drainJobQueue()
            var keys: [UUID: [String?]] = [:]
            for media in try await ListingMedia.query(on: server.app.db).all() {
                keys[try media.requireID()] = [media.storageKey, media.cardKey, media.viewKey]
                XCTAssertNotNil(media.cardKey)
            }
            for key in keys.values.flatMap({ $0 }) {
                let data = try await stored(server, key)
                XCTAssertNotNil(data)
            }

            let deleted = try await server.request(.DELETE, "/listings/\(listing)/media/\(try one.requireID())", bearer: seller.token)
            XCTAssertEqual(deleted.status, 204, deleted.text)
            for key in keys[try one.requireID()] ?? [] {
                await XCTAssertNilAsync(try await stored(server, key), "media deleted: \(key ?? "")")
            }
            for key in keys[try two.requireID()] ?? [] {
                let data = try await stored(server, key)
                XCTAssertNotNil(data, "the other media stays")
            }

            let gone = try await server.request(.DELETE, "/listings/\(listing)", bearer: seller.token)
            XCTAssertEqual(gone.status, 204, gone.text)
            for key in keys[try two.requireID()] ?? [] {
                await XCTAssertNilAsync(try await stored(server, key), "listing deleted: \(key ?? "")")
            }
        }
    }

    /// A hundred uploads to one listing at once: exactly as many are taken as the listing can
    /// hold, the rest are 409, and no file of a refused upload stays in the store.
    func testTheMediaLimitHoldsWhenUploadsArriveTogether() async throws {
        let photo = try TestImages.png(width: 32, height: 24)
        for database in TestDatabase.underTest {
            let server = try await TestServer.start(database) { $0.jobWorker = false }
            do {
                let seller = try await account(server, .seller, "s@example.com")
                let listing = try await published(server, seller: seller, title: "Pharmacy in York")
                var form = MultipartFormData()
                form.addFile("file", fileName: "photo.png", data: photo)
                let token = seller.token
                let statuses = try await withThrowingTaskGroup(of: Int.self) { [form] group in
                    for _ in 0..<100 {
                        group.addTask { try await server.upload("/listings/\(listing)/media", form, bearer: token).status }
                    }
                    return try await group.reduce(into: [Int: Int]()) { $0[$1, default: 0] += 1 }
                }
                let limit = ListingsService.maxMediaPerListing
                XCTAssertEqual(statuses, [201: limit, 409: 100 - limit], "[\(database)] \(statuses)")
                await XCTAssertEqualAsync(try await ListingMedia.query(on: server.app.db).filter(\.$listing.$id == listing).count(), limit)
                let folder = server.sandbox.directory.appendingPathComponent("files/listing-media")
                let stored = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }
                XCTAssertEqual(stored.count, limit, "[\(database)] only the accepted uploads' files are stored")
                XCTAssertEqual(spooled(server).count, 0)
            } catch {
                try? await server.stop()
                throw error
            }
            try await server.stop()
        }
    }

    // MARK: streaming

    func spooled(_ server: TestServer) -> [(name: String, size: Int)] {
        let folder = server.sandbox.directory.appendingPathComponent("uploads")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).map { name in
            let size = (try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)[.size] as? Int) ?? 0
            return (name, size)
        }
    }

    /// The photo reaches the disk while its request is still arriving: half the body is sent, the
    /// spool file is seen holding those bytes before the rest is sent, and the file stored in the
    /// end is the photo. An upload past the file limit stops there and leaves no spool file.
    func testAPhotoStreamsToDiskAsItArrivesAndNothingIsLeftInTheSpool() async throws {
        let photo = try TestImages.noisyJPEG(width: 1200, height: 800)
        XCTAssertGreaterThan(photo.count, 1 << 20, "big enough to arrive in many pieces")
        try await forEachStoreAndDatabase { server, store in
            let seller = try await account(server, .seller, "s@example.com")
            let listing = try await published(server, seller: seller, title: "Pharmacy in York")
            var form = MultipartFormData()
            form.addFile("file", fileName: "front.jpg", data: photo)
            let body = form.body
            let head = [
                "POST /api/v1/listings/\(listing)/media HTTP/1.1", "Host: 127.0.0.1", "Authorization: Bearer \(seller.token)",
                "Content-Type: \(form.contentType)", "Content-Length: \(body.count)", "Connection: close", "", "",
            ].joined(separator: "\r\n")
            let split = body.count / 2
            let upload = SlowUpload(port: server.baseURL.port ?? 0, first: Data(head.utf8) + body.prefix(split), rest: body.dropFirst(split))
            let answer = upload.start()

            var seen = 0
            for _ in 0..<400 where seen < split / 2 {
                seen = spooled(server).map(\.size).max() ?? 0
                if seen < split / 2 { try await Task.sleep(for: .milliseconds(25)) }
            }
            XCTAssertGreaterThanOrEqual(seen, split / 2, "[\(store)] the first half is on disk before the rest is sent")
            upload.sendRest()
            let response = try await answer.value
            XCTAssertEqual(response.status, 201, response.body)
            XCTAssertEqual(spooled(server).count, 0, "the spool file goes with the request")
            let media = try await ListingMedia.query(on: server.app.db).all()
            XCTAssertEqual(media.count, 1)
            let kept = try must(try await stored(server, media.first?.storageKey))
            XCTAssertEqual(media.first?.sizeBytes, Int64(kept.count))
            let size = try TestImages.storedSize(ofJPEG: kept)
            XCTAssertEqual([size.width, size.height], [1200, 800], "the photo, written again without metadata")

            var large = MultipartFormData()
            large.addFile("file", fileName: "huge.jpg", data: photo.prefix(4) + Data(count: ListingsService.mediaLimit + (64 << 10)))
            let refused = try await server.upload("/listings/\(listing)/media", large, bearer: seller.token)
            XCTAssertEqual(refused.status, 413, refused.text)
            XCTAssertEqual(try refused.json()["type"] as? String, "https://eaglehurst.example/problems/file-too-large")
            XCTAssertEqual(spooled(server).count, 0, "a refused upload leaves no spool file")
            await XCTAssertEqualAsync(try await ListingMedia.query(on: server.app.db).count(), 1)
        }
    }
}

extension ListingMediaStorageTests {
    /// An upload refused before its body has all arrived (a file part of the wrong type, seen from
    /// the part's headers) leaves its kept-alive connection ready: the rest of the body is read and
    /// dropped, and the next request on the same connection is answered. Before, a chunk arriving
    /// after the refusal stopped the connection reading for good, and the next request waited.
    func testARefusedUploadLeavesItsConnectionReadyForTheNextRequest() async throws {
        let photo = try TestImages.noisyJPEG(width: 1200, height: 800)
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "s@example.com")
            let listing = try await published(server, seller: seller, title: "Pharmacy in York")
            var form = MultipartFormData()
            form.addFile("file", fileName: "photo.jpg", data: photo, contentType: "image/jpeg")
            let body = form.body
            let head = [
                "POST /api/v1/listings/\(listing)/media HTTP/1.1", "Host: 127.0.0.1", "Authorization: Bearer \(seller.token)",
                "Content-Type: \(form.contentType)", "Content-Length: \(body.count)", "", "",
            ].joined(separator: "\r\n")
            let connection = try RawConnection(port: server.baseURL.port ?? 0)
            try connection.send(Data(head.utf8) + body.prefix(32 << 10))
            // The part's headers are enough to refuse it; the rest of the body comes after that.
            try await Task.sleep(for: .milliseconds(500))
            try connection.send(body.dropFirst(32 << 10))
            let refused = try connection.readResponse()
            XCTAssertEqual(refused.status, 422, refused.body)
            XCTAssertTrue(refused.body.contains("application/octet-stream"), refused.body)
            try connection.send(Data("GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
            let next = try connection.readResponse()
            XCTAssertEqual(next.status, 200, "the next request on the same connection is answered: \(next.body)")
            await XCTAssertEqualAsync(try await ListingMedia.query(on: server.app.db).count(), 0)
        }
    }
}

/// A request sent in two halves over a plain socket, on a thread of its own: the first half at
/// once, the rest when the test says.
final class SlowUpload: @unchecked Sendable {
    let port: Int
    let first: Data
    let rest: Data
    private let proceed = DispatchSemaphore(value: 0)

    init(port: Int, first: Data, rest: Data) {
        self.port = port
        self.first = first
        self.rest = Data(rest)
    }

    func sendRest() { proceed.signal() }

    func start() -> Task<RawResponse, any Error> {
        Task {
            try await withCheckedThrowingContinuation { continuation in
                Thread { continuation.resume(with: Result { try self.exchange() }) }.start()
            }
        }
    }

    private func exchange() throws -> RawResponse {
        try rawExchange(port: port, pieces: [first, rest]) { index in
            guard index == 1 else { return }
            guard proceed.wait(timeout: .now() + 60) == .success else { throw TestSupportError("the test never said to go on") }
        }
    }
}
