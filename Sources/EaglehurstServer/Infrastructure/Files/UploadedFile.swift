import Foundation
import OpenAPIRuntime
import Vapor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file part of a multipart upload, streamed to a spool file as it arrives, within a size limit:
/// however large the upload, the server holds one chunk of it at a time. The type is detected on
/// the way (`DetectedFileType.Detector`), images are checked by libvips from the file, and stores
/// take the file as it is (`FileStore.put(contentsOf:at:)`). The spool file goes when the last
/// reference to the upload does.
final class UploadedFile: Sendable {
    /// The spool file (mode 0600, in `UploadSpool.directory`).
    let url: URL
    let size: Int
    /// The type read from the content (magic bytes; for a ZIP, the entries' names).
    let detectedType: DetectedFileType?
    /// The name the client gave; shown back to people, never used to store the file.
    let clientFileName: String?

    private init(url: URL, size: Int, detectedType: DetectedFileType?, clientFileName: String?) {
        self.url = url
        self.size = size
        self.detectedType = detectedType
        self.clientFileName = clientFileName
    }

    deinit {
        unlink(url.path)
    }

    /// Streams a part's bytes to a new spool file, stopping as soon as they pass `limit` (the
    /// partial file is removed).
    static func read(_ body: HTTPBody, fileName: String?, limit: Int, what: String, spool: UploadSpool) async throws -> UploadedFile {
        let url = try spool.makeFile()
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw UploadSpool.failure("open", url) }
        var size = 0
        var detector = DetectedFileType.Detector()
        do {
            defer { close(descriptor) }
            for try await chunk in body {
                guard size + chunk.count <= limit else { throw tooLarge(what: what, limit: limit) }
                detector.feed(chunk)
                try UploadSpool.writeAll(chunk, to: descriptor, path: url)
                size += chunk.count
            }
        } catch {
            unlink(url.path)
            throw error
        }
        return UploadedFile(url: url, size: size, detectedType: detector.result, clientFileName: fileName)
    }

    /// The whole file in memory: for the small uploads whose stores need it whole (an encrypted
    /// document is sealed in one piece).
    func contents() throws -> Data {
        try Data(contentsOf: url)
    }

    /// A new spool file beside this one, written by `write`, with this upload's type and name (an
    /// image written again without its metadata, `CleanedImage`). Removed when `write` throws.
    func rewritten(_ write: (URL) throws -> Void) throws -> UploadedFile {
        let destination = url.deletingLastPathComponent().appendingPathComponent("\(UUID().uuidString.lowercased()).upload", isDirectory: false)
        // Made here with the spool's mode (0600): the writer truncates it and keeps the mode, and
        // the local store links the file into place as it is.
        let descriptor = open(destination.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw UploadSpool.failure("open", destination) }
        close(descriptor)
        do {
            try write(destination)
            let size = try FileManager.default.attributesOfItem(atPath: destination.path)[.size] as? Int ?? 0
            return UploadedFile(url: destination, size: size, detectedType: detectedType, clientFileName: clientFileName)
        } catch {
            unlink(destination.path)
            throw error
        }
    }

    static func tooLarge(what: String, limit: Int) -> Problem {
        Problem(
            .payloadTooLarge, slug: "file-too-large", title: "The file is too large",
            detail: "\(what) may be at most \(limit >> 20) MB (\(limit) bytes). Send a smaller file.",
            errors: ["file": ["must be at most \(limit >> 20) MB"]])
    }

    /// The type read from the content; a 415 problem naming the accepted types otherwise.
    func requireType(among allowed: [DetectedFileType], what: String) throws -> DetectedFileType {
        let accepted = DetectedFileType.list(allowed)
        guard size > 0 else {
            throw Problem.validation(["file": ["is empty"]], detail: "\(what) must be a \(accepted) file; the file sent is empty.")
        }
        guard let detectedType, allowed.contains(detectedType) else {
            let found = detectedType.map { "is a \($0.displayName) file" } ?? "is none of them"
            throw Problem(
                .unsupportedMediaType, slug: "unsupported-file-type", title: "This type of file is not accepted",
                detail: "\(what) must be a \(accepted) file. The type is read from the file's content, not its name, and this file \(found).",
                errors: ["file": ["must be a \(accepted) file"]])
        }
        return detectedType
    }

    /// The client's file name reduced to a plain name (no folders, no control characters, at most
    /// 200 characters), or `<stem>.<extension>` when nothing usable is left.
    func displayName(defaultStem: String, type: DetectedFileType) -> String {
        let lastComponent = (clientFileName ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = String(String.UnicodeScalarView(lastComponent.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !cleaned.isEmpty, cleaned != ".", cleaned != ".." else { return "\(defaultStem).\(type.fileExtension)" }
        return String(cleaned.prefix(200))
    }
}

/// Where uploads are spooled while a request reads them: `<data dir>/uploads/`, beside the local
/// store's `files/` so a stored upload is linked into place rather than copied. Files left by a
/// server that stopped mid-upload are removed at start-up.
struct UploadSpool: Sendable {
    let directory: URL

    /// Creates the folder (0700) and removes what an earlier run left in it.
    static func prepare(at directory: URL) throws -> UploadSpool {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] where name.hasSuffix(".upload") {
            unlink(directory.appendingPathComponent(name).path)
        }
        return UploadSpool(directory: directory)
    }

    func makeFile() throws -> URL {
        directory.appendingPathComponent("\(UUID().uuidString.lowercased()).upload", isDirectory: false)
    }

    static func writeAll(_ bytes: some Collection<UInt8>, to descriptor: Int32, path: URL) throws {
        let done: Void? = try bytes.withContiguousStorageIfAvailable { buffer in
            try write(UnsafeRawBufferPointer(buffer), to: descriptor, path: path)
        }
        if done == nil {
            try Array(bytes).withUnsafeBytes { try write($0, to: descriptor, path: path) }
        }
    }

    private static func write(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32, path: URL) throws {
        var offset = 0
        while offset < buffer.count {
            let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("write", path)
            }
            offset += written
        }
    }

    static func failure(_ call: String, _ url: URL) -> any Error {
        let code = errno
        return CocoaError(.fileWriteUnknown, userInfo: [
            NSFilePathErrorKey: url.path,
            NSLocalizedDescriptionKey: "\(call) \(url.path): \(String(cString: strerror(code)))",
        ])
    }
}

struct UploadSpoolKey: StorageKey { typealias Value = UploadSpool }

extension Application {
    var uploadSpool: UploadSpool {
        guard let spool = storage[UploadSpoolKey.self] else { fatalError("configure(_:settings:) was not called") }
        return spool
    }
}

/// The one reader of upload bodies (avatar, KYC documents, listing media): the `file` part within
/// its limit, the short text parts the operation names, unknown parts read and dropped, and a body
/// the multipart parser gives up on turned into a problem naming the required parts still missing.
enum MultipartForm {
    /// What a generated part is to the reader; each upload operation maps its own part enum onto this.
    enum Part {
        case file(HTTPBody, fileName: String?)
        case text(field: String, HTTPBody, limit: Int = 256)
        case undocumented(HTTPBody)
    }

    struct Upload {
        let file: UploadedFile
        /// Text parts by field name, trimmed.
        let texts: [String: String]
    }

    static let maxParts = 16

    static func readUpload<Generated: Sendable>(
        _ parts: MultipartBody<Generated>, fileLimit: Int, what: String, requiredTexts: [String] = [],
        spool: UploadSpool, classify: (Generated) -> Part
    ) async throws -> Upload {
        var file: UploadedFile?
        var texts: [String: String] = [:]
        do {
            var count = 0
            for try await part in parts {
                count += 1
                guard count <= maxParts else {
                    throw Problem.validation(["body": ["has more than \(maxParts) parts"]], detail: "An upload has one file part and a few short text parts.")
                }
                switch classify(part) {
                case .file(let body, let fileName):
                    file = try await UploadedFile.read(body, fileName: fileName, limit: fileLimit, what: what, spool: spool)
                case .text(let field, let body, let limit):
                    texts[field] = try await text(body, field: field, limit: limit)
                case .undocumented(let body):
                    try await discard(body)
                }
            }
        } catch let problem as Problem {
            throw problem
        } catch {
            let missing = (file == nil ? ["file"] : []) + requiredTexts.filter { texts[$0] == nil }
            throw unreadable(error, missing: missing)
        }
        guard let file else { throw unreadable(Problem.unsupportedBody, missing: ["file"]) }
        return Upload(file: file, texts: texts)
    }

    /// A short text part, such as an enum value.
    static func text(_ body: HTTPBody, field: String, limit: Int = 256) async throws -> String {
        var data = Data()
        for try await chunk in body {
            guard data.count + chunk.count <= limit else {
                throw Problem.validation([field: ["must be at most \(limit) bytes"]])
            }
            data.append(contentsOf: chunk)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Problem.validation([field: ["must be UTF-8 text"]])
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Parts the contract does not name are read and dropped, within a small limit.
    static func discard(_ body: HTTPBody) async throws {
        var count = 0
        for try await chunk in body {
            count += chunk.count
            guard count <= 64 << 10 else {
                throw Problem.validation(["body": ["has an unknown part larger than 64 KB"]])
            }
        }
    }

    /// The problem for a body the multipart reader gave up on: the required parts that never
    /// came (a 422 naming them), or a body that is not multipart at all (400).
    static func unreadable(_ error: any Error, missing: [String]) -> Problem {
        if !missing.isEmpty {
            // A file part sent with its own type (curl's `-F file=@photo.jpg` sends image/jpeg) is
            // not the contract's part, so the reader names the type it wants.
            let reasons = missing.map { field in
                (field, [field == "file" ? "is required: a part named file sent as application/octet-stream (the type is detected from the content)" : "is required"])
            }
            let cause = (error as? Problem) == nil ? " The reader said: \(error)." : ""
            return Problem.validation(
                Dictionary(uniqueKeysWithValues: reasons),
                detail: "Send a multipart/form-data body with the parts: \(missing.joined(separator: ", ")).\(cause)")
        }
        return Problem(
            .badRequest, slug: "malformed-multipart", title: "The multipart body could not be read",
            detail: "Send multipart/form-data with a boundary and well-formed parts (\(error)).")
    }
}
