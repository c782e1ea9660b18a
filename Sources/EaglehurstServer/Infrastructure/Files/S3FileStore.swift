import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Files in an S3-compatible bucket (AWS S3, MinIO, Ceph, moto, …), over libcurl, which signs
/// every request with SigV4 (`CURLOPT_AWS_SIGV4`, `aws:amz:<region>:s3`).
///
/// - URLs are path-style, `<endpoint>/<bucket>/<key>`, which every S3-compatible server accepts;
///   keys are `FileKey`s (`<area>/<uuid>`), safe in a URL as they are.
/// - A file larger than `multipartThreshold` goes up in parts of `partSize`, `partConcurrency` at a
///   time (CreateMultipartUpload, UploadPart, CompleteMultipartUpload); a failed part aborts the
///   upload so no parts linger.
/// - libcurl blocks, so each request runs on a thread of its own, never on an event loop or
///   Swift's cooperative pool; idle handles keep their connections for the next request.
/// - An S3 error answer is thrown as `S3Error.refused` with S3's own code and message.
public struct S3FileStore: FileStore {
    public struct Configuration: Sendable, Equatable {
        /// e.g. `https://s3.eu-west-2.amazonaws.com` or `http://127.0.0.1:9000`.
        public var endpoint: URL
        public var bucket: String
        public var region: String
        public var accessKeyID: String
        public var secretAccessKey: String
        /// Files larger than this go up in parts. S3 wants parts of at least 5 MiB (the last excepted).
        public var multipartThreshold: Int
        public var partSize: Int
        /// Parts of one upload sent at once.
        public var partConcurrency: Int
        public var connectTimeout: Duration
        /// For one request (one part of a multipart upload).
        public var timeout: Duration

        public init(
            endpoint: URL, bucket: String, region: String, accessKeyID: String, secretAccessKey: String,
            multipartThreshold: Int = 8 << 20, partSize: Int = 8 << 20, partConcurrency: Int = 4,
            connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(120)
        ) {
            self.endpoint = endpoint
            self.bucket = bucket
            self.region = region
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.multipartThreshold = multipartThreshold
            self.partSize = partSize
            self.partConcurrency = partConcurrency
            self.connectTimeout = connectTimeout
            self.timeout = timeout
        }
    }

    public let configuration: Configuration
    private let pool = S3HandlePool(capacity: 8)

    public init(_ configuration: Configuration) {
        precondition(configuration.partSize > 0 && configuration.multipartThreshold >= 0 && configuration.partConcurrency > 0)
        self.configuration = configuration
    }

    // MARK: FileStore

    public func put(_ data: Data, at key: FileKey) async throws {
        if data.count > configuration.multipartThreshold {
            try await putInParts(count: data.count, at: key) { data.subdata(in: (data.startIndex + $0.lowerBound)..<(data.startIndex + $0.upperBound)) }
        } else {
            let response = try await send("PUT", key.rawValue, body: data, contentType: "application/octet-stream")
            guard response.status == 200 else { throw S3Error.from(response, operation: "PUT \(key)") }
        }
    }

    /// A file above `multipartThreshold` goes up in parts, each read from the file (`pread`) just
    /// before it is sent, so at most `partConcurrency` parts are in memory.
    public func put(contentsOf file: URL, at key: FileKey) async throws {
        let descriptor = open(file.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "open \(file.path): \(String(cString: strerror(errno)))"])
        }
        defer { close(descriptor) }
        let count = Int(lseek(descriptor, 0, SEEK_END))
        let readPart: @Sendable (Range<Int>) throws -> Data = { range in
            var part = Data(count: range.count)
            var done = 0
            while done < range.count {
                let n = part.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, range.count - done, off_t(range.lowerBound + done)) }
                if n < 0, errno == EINTR { continue }
                guard n > 0 else {
                    throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "\(file.path) changed while it was being stored"])
                }
                done += n
            }
            return part
        }
        guard count > configuration.multipartThreshold else {
            return try await put(readPart(0..<count), at: key)
        }
        try await putInParts(count: count, at: key, part: readPart)
    }

    public func get(_ key: FileKey) async throws -> Data? {
        let response = try await send("GET", key.rawValue)
        switch response.status {
        case 200: return response.body
        case 404 where S3XML.first("Code", in: response.body) == "NoSuchKey": return nil
        default: throw S3Error.from(response, operation: "GET \(key)")
        }
    }

    public func delete(_ key: FileKey) async throws {
        let response = try await send("DELETE", key.rawValue)
        // S3 answers 204 whether or not the key held anything; some compatible servers answer 404.
        guard [200, 204].contains(response.status)
                || (response.status == 404 && S3XML.first("Code", in: response.body) == "NoSuchKey") else {
            throw S3Error.from(response, operation: "DELETE \(key)")
        }
    }

    // MARK: the bucket

    /// Checks at start-up that the endpoint answers, the credentials are accepted and the bucket
    /// exists (HEAD bucket); with `create`, a missing bucket is created instead of refused.
    public func checkBucket(create: Bool) async throws {
        let head = try await send("HEAD", nil)
        switch head.status {
        case 200:
            return
        case 404 where create:
            let made = try await send("PUT", nil, body: createBucketBody)
            guard made.status == 200 else { throw S3Error.from(made, operation: "CreateBucket \(configuration.bucket)") }
        case 404:
            throw S3Error.bucketMissing(bucket: configuration.bucket, endpoint: configuration.endpoint.absoluteString)
        default:
            // A HEAD answer has no body: a GET of the bucket's listing says why in S3's words.
            let listing = try await send("GET", nil, query: "max-keys=1")
            throw S3Error.from(listing.status == 200 ? head : listing, operation: "HEAD bucket \(configuration.bucket)")
        }
    }

    /// us-east-1 is the default location and must not be named; every other region must be.
    private var createBucketBody: Data? {
        guard configuration.region != "us-east-1" else { return nil }
        return Data("""
            <CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
            <LocationConstraint>\(S3XML.escape(configuration.region))</LocationConstraint></CreateBucketConfiguration>
            """.utf8)
    }

    // MARK: multipart upload

    /// `part` gives the bytes of a range of the `count` bytes being stored.
    private func putInParts(count: Int, at key: FileKey, part: @escaping @Sendable (Range<Int>) throws -> Data) async throws {
        let created = try await send("POST", key.rawValue, query: "uploads=", contentType: "application/octet-stream")
        guard created.status == 200 else { throw S3Error.from(created, operation: "CreateMultipartUpload \(key)") }
        guard let uploadID = S3XML.first("UploadId", in: created.body), !uploadID.isEmpty else {
            throw S3Error.malformedResponse(operation: "CreateMultipartUpload \(key)", detail: "no UploadId in the answer")
        }
        let upload = "uploadId=\(Self.percentEncoded(uploadID))"
        do {
            // Parts go up `partConcurrency` at a time, each on a transfer thread of its own.
            let ranges = stride(from: 0, to: count, by: configuration.partSize).map { $0..<min($0 + configuration.partSize, count) }
            var etags = [String?](repeating: nil, count: ranges.count)
            try await withThrowingTaskGroup(of: (Int, String).self) { group in
                var next = 0
                func sendNext() {
                    let index = next, range = ranges[next]
                    next += 1
                    group.addTask {
                        let number = index + 1
                        let response = try await send(
                            "PUT", key.rawValue, query: "partNumber=\(number)&\(upload)", body: try part(range))
                        guard response.status == 200 else { throw S3Error.from(response, operation: "UploadPart \(number) of \(key)") }
                        guard let etag = response.header("ETag") else {
                            throw S3Error.malformedResponse(operation: "UploadPart \(number) of \(key)", detail: "no ETag header")
                        }
                        return (index, etag)
                    }
                }
                while next < min(configuration.partConcurrency, ranges.count) { sendNext() }
                while let (index, etag) = try await group.next() {
                    etags[index] = etag
                    if next < ranges.count { sendNext() }
                }
            }
            let parts = etags.enumerated().map { (number: $0.offset + 1, etag: $0.element!) }
            let manifest = "<CompleteMultipartUpload>"
                + parts.map { "<Part><PartNumber>\($0.number)</PartNumber><ETag>\(S3XML.escape($0.etag))</ETag></Part>" }.joined()
                + "</CompleteMultipartUpload>"
            let completed = try await send("POST", key.rawValue, query: upload, body: Data(manifest.utf8), contentType: "application/xml")
            // CompleteMultipartUpload may fail after answering 200: the error is then in the body.
            guard completed.status == 200, S3XML.first("Code", in: completed.body) == nil else {
                throw S3Error.from(completed, operation: "CompleteMultipartUpload \(key)")
            }
        } catch {
            _ = try? await send("DELETE", key.rawValue, query: upload)
            throw error
        }
    }

    // MARK: requests

    private func send(
        _ method: String, _ key: String?, query: String? = nil, body: Data? = nil, contentType: String? = nil
    ) async throws -> S3Transfer.Response {
        var url = configuration.endpoint.absoluteString
        while url.hasSuffix("/") { url.removeLast() }
        url += "/\(configuration.bucket)"
        if let key { url += "/\(key)" }
        if let query { url += "?\(query)" }
        let transfer = S3Transfer(
            method: method, url: url, body: body, contentType: contentType,
            signing: "aws:amz:\(configuration.region):s3",
            credentials: "\(configuration.accessKeyID):\(configuration.secretAccessKey)",
            connectTimeout: configuration.connectTimeout, timeout: configuration.timeout)
        let pool = self.pool
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try transfer.perform(pool: pool) })
            }
            thread.name = "eaglehurst-s3"
            thread.start()
        }
    }

    /// RFC 3986 unreserved characters kept, everything else percent-encoded, as SigV4's canonical
    /// query string wants it.
    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

extension S3FileStore: CustomStringConvertible {
    /// The endpoint, bucket and key id, never the secret.
    public var description: String {
        "S3FileStore(\(configuration.endpoint.absoluteString)/\(configuration.bucket), region \(configuration.region), key \(configuration.accessKeyID))"
    }
}
