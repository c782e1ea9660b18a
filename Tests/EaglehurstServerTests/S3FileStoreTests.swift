@testable import EaglehurstServer
import EaglehurstTestSupport
import Foundation
import XCTest

/// `S3FileStore` against moto's S3 (server mode, credentials checked), and the `S3_*` settings.
final class S3FileStoreTests: XCTestCase {
    func store(_ change: (inout S3FileStore.Configuration) -> Void = { _ in }) async throws -> S3FileStore {
        var configuration = try MotoServer.shared().configuration()
        change(&configuration)
        let store = S3FileStore(configuration)
        try await store.checkBucket(create: true)
        return store
    }

    /// Bytes that differ from part to part, so parts put back in the wrong order would show.
    func bytes(_ count: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<(count / 8)).flatMap { _ in withUnsafeBytes(of: generator.next()) { Array($0) } })
    }

    func testPutGetDeleteAndMissingKeys() async throws {
        let store = try await store()
        let key = FileKey.make(in: "avatars")
        let data = bytes(64 << 10)
        try await store.put(data, at: key)
        await XCTAssertEqualAsync(try await store.get(key), data)
        await XCTAssertNilAsync(try await store.get(FileKey.make(in: "avatars")), "a key never written is nil, not an error")

        let replaced = Data("second version".utf8)
        try await store.put(replaced, at: key)
        await XCTAssertEqualAsync(try await store.get(key), replaced)
        let empty = FileKey.make(in: "kyc")
        try await store.put(Data(), at: empty)
        await XCTAssertEqualAsync(try await store.get(empty), Data())

        try await store.delete(key)
        await XCTAssertNilAsync(try await store.get(key))
        try await store.delete(key)
    }

    func head(_ key: FileKey, in store: S3FileStore) throws -> S3Transfer.Response {
        try S3Transfer(
            method: "HEAD", url: "\(store.configuration.endpoint.absoluteString)/\(store.configuration.bucket)/\(key)",
            body: nil, contentType: nil, signing: "aws:amz:us-east-1:s3",
            credentials: "\(store.configuration.accessKeyID):\(store.configuration.secretAccessKey)",
            connectTimeout: .seconds(5), timeout: .seconds(10)
        ).perform(pool: S3HandlePool(capacity: 1))
    }

    func testAFileAboveTheThresholdGoesUpInParts() async throws {
        // S3 wants every part but the last to be at least 5 MiB.
        let store = try await store { $0.multipartThreshold = 5 << 20; $0.partSize = 5 << 20 }
        let key = FileKey.make(in: "listing-media")
        let data = bytes(12 << 20)
        try await store.put(data, at: key)
        await XCTAssertEqualAsync(try await store.get(key), data)

        // S3 names a multipart object's ETag after its number of parts: "<md5 of the part md5s>-3".
        let parts = try head(key, in: store)
        XCTAssertEqual(parts.status, 200)
        XCTAssertTrue(parts.header("ETag")?.hasSuffix("-3\"") == true, "three parts: \(parts.headers)")

        // A file (an upload's spool) goes up a part at a time, read from disk.
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("s3-spool-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: spool) }
        let fromDisk = bytes(11 << 20)
        try fromDisk.write(to: spool)
        let fileKey = FileKey.make(in: "listing-media")
        try await store.put(contentsOf: spool, at: fileKey)
        await XCTAssertEqualAsync(try await store.get(fileKey), fromDisk)
        let fileHead = try head(fileKey, in: store)
        XCTAssertTrue(fileHead.header("ETag")?.hasSuffix("-3\"") == true, "three parts from the file: \(fileHead.headers)")

        let small = FileKey.make(in: "listing-media")
        try await store.put(bytes(1 << 20), at: small)
        let single = try head(small, in: store)
        XCTAssertFalse(single.header("ETag")?.contains("-") ?? true, "below the threshold, one PUT: \(single.headers)")
    }

    /// A multipart upload that S3 refuses is aborted: its parts do not linger in the bucket.
    func testARefusedMultipartUploadIsAbortedAndLeavesNoParts() async throws {
        // S3 refuses to complete an upload whose parts but the last are under 5 MiB (EntityTooSmall).
        let store = try await store { $0.multipartThreshold = 1 << 20; $0.partSize = 1 << 20 }
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("s3-spool-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: spool) }
        try bytes(3 << 20).write(to: spool)
        let key = FileKey.make(in: "listing-media")
        do {
            try await store.put(contentsOf: spool, at: key)
            XCTFail("parts of 1 MiB cannot make an object")
        } catch let error as S3Error {
            XCTAssertTrue("\(error)".contains("EntityTooSmall"), "\(error)")
        }
        await XCTAssertNilAsync(try await store.get(key))
        let uploads = try S3Transfer(
            method: "GET", url: "\(store.configuration.endpoint.absoluteString)/\(store.configuration.bucket)?uploads=",
            body: nil, contentType: nil, signing: "aws:amz:us-east-1:s3",
            credentials: "\(store.configuration.accessKeyID):\(store.configuration.secretAccessKey)",
            connectTimeout: .seconds(5), timeout: .seconds(10)
        ).perform(pool: S3HandlePool(capacity: 1))
        XCTAssertEqual(uploads.status, 200, String(decoding: uploads.body, as: UTF8.self))
        let open = String(decoding: uploads.body, as: UTF8.self)
        XCTAssertTrue(open.contains("ListMultipartUploadsResult"), open)
        XCTAssertFalse(open.contains("<Key>\(key)</Key>"), "no upload of the key left open: \(open)")
    }

    func testWrongCredentialsAreAClearError() async throws {
        let moto = try MotoServer.shared()
        let good = try await store()
        var wrongSecret = good.configuration
        wrongSecret.secretAccessKey = "not-the-secret"
        var unknownKey = good.configuration
        unknownKey.accessKeyID = "AKIAUNKNOWNKEY000000"
        for (configuration, code) in [(wrongSecret, "SignatureDoesNotMatch"), (unknownKey, "InvalidAccessKeyId")] {
            do {
                try await S3FileStore(configuration).checkBucket(create: false)
                XCTFail("\(code): the start-up check passed")
            } catch let error as S3Error {
                guard case .refused(_, 403, let found, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(found, code)
                XCTAssertTrue(error.description.contains("Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"), error.description)
            }
            do {
                try await S3FileStore(configuration).put(Data("x".utf8), at: FileKey.make(in: "avatars"))
                XCTFail("\(code): a put passed")
            } catch let error as S3Error {
                XCTAssertTrue(error.description.contains(code), error.description)
            }
        }

        // The server refuses to start with them, saying why.
        var settings = moto.settings(bucket: good.configuration.bucket, createBucket: false)
        settings.store.secretAccessKey = "not-the-secret"
        do {
            let server = try await TestServer.start { $0.s3 = settings }
            try await server.stop()
            XCTFail("the server started with a wrong secret")
        } catch let error as S3Error {
            XCTAssertTrue(error.description.contains("SignatureDoesNotMatch"), error.description)
        }
    }

    func testAMissingBucketStopsStartUpUnlessTheServerMayCreateIt() async throws {
        let moto = try MotoServer.shared()
        let missing = moto.settings(createBucket: false)
        do {
            let server = try await TestServer.start { $0.s3 = missing }
            try await server.stop()
            XCTFail("the server started without its bucket")
        } catch let error as S3Error {
            XCTAssertEqual(error, .bucketMissing(bucket: missing.store.bucket, endpoint: moto.endpoint.absoluteString))
            XCTAssertTrue(error.description.contains("S3_CREATE_BUCKET"), error.description)
        }
        let server = try await TestServer.start { $0.s3 = moto.settings(bucket: missing.store.bucket, createBucket: true) }
        try await server.stop()
        try await S3FileStore(missing.store).checkBucket(create: false)
    }

    func testAnEndpointThatDoesNotAnswerIsAClearError() async throws {
        var configuration = try MotoServer.shared().configuration()
        configuration.endpoint = URL(string: "http://127.0.0.1:1")!
        do {
            try await S3FileStore(configuration).checkBucket(create: false)
            XCTFail("nothing listens on port 1")
        } catch let error as S3Error {
            guard case .unreachable = error else { return XCTFail("\(error)") }
            XCTAssertTrue(error.description.contains("connection refused"), error.description)
            XCTAssertTrue(error.description.contains("S3_ENDPOINT"), error.description)
        }
    }

    // MARK: settings

    func testS3SettingsComeTogetherOrNotAtAll() throws {
        let full = [
            "EAGLEHURST_DATA_DIR": "/tmp/eaglehurst-settings", "S3_ENDPOINT": "https://s3.eu-west-2.amazonaws.com",
            "S3_BUCKET": "eaglehurst-files", "S3_REGION": "eu-west-2",
            "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
        ]
        let s3 = try XCTUnwrap(try Settings.fromEnvironment(full).s3)
        XCTAssertEqual(s3.store.endpoint.absoluteString, "https://s3.eu-west-2.amazonaws.com")
        XCTAssertEqual(s3.store.bucket, "eaglehurst-files")
        XCTAssertEqual(s3.store.region, "eu-west-2")
        XCTAssertFalse(s3.createBucket)
        XCTAssertNil(try Settings.fromEnvironment(["EAGLEHURST_DATA_DIR": "/tmp/x"]).s3, "unset: the local store")
        var noRegion = full
        noRegion["S3_REGION"] = nil
        XCTAssertEqual(try Settings.fromEnvironment(noRegion).s3?.store.region, "us-east-1")

        func refused(_ change: [String: String?]) -> String? {
            var env = full
            for (name, value) in change { env[name] = value }
            do {
                _ = try Settings.fromEnvironment(env)
                return nil
            } catch let error as SettingsError {
                return error.variable
            } catch {
                return "\(error)"
            }
        }
        XCTAssertEqual(refused(["AWS_SECRET_ACCESS_KEY": nil]), "AWS_SECRET_ACCESS_KEY")
        XCTAssertEqual(refused(["AWS_ACCESS_KEY_ID": nil]), "AWS_ACCESS_KEY_ID")
        XCTAssertEqual(refused(["S3_ENDPOINT": nil]), "S3_ENDPOINT")
        XCTAssertEqual(refused(["S3_BUCKET": nil]), "S3_BUCKET")
        XCTAssertEqual(refused(["S3_ENDPOINT": "s3.amazonaws.com"]), "S3_ENDPOINT")
        XCTAssertEqual(refused(["S3_BUCKET": "Has_Capitals"]), "S3_BUCKET")
        XCTAssertEqual(refused(["S3_CREATE_BUCKET": "maybe"]), "S3_CREATE_BUCKET")
    }
}
