import Foundation
import OpenAPIRuntime

/// A file part of a multipart upload, read into memory within a size limit.
struct UploadedFile: Sendable {
    let data: Data
    /// The name the client gave; shown back to people, never used to store the file.
    let clientFileName: String?

    /// Reads a part's bytes, stopping as soon as they pass `limit`.
    static func read(_ body: HTTPBody, fileName: String?, limit: Int, what: String) async throws -> UploadedFile {
        var data = Data()
        for try await chunk in body {
            guard data.count + chunk.count <= limit else { throw tooLarge(what: what, limit: limit) }
            data.append(contentsOf: chunk)
        }
        return UploadedFile(data: data, clientFileName: fileName)
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
        guard !data.isEmpty else {
            throw Problem.validation(["file": ["is empty"]], detail: "\(what) must be a \(accepted) file; the file sent is empty.")
        }
        let detected = DetectedFileType.detect(data)
        guard let detected, allowed.contains(detected) else {
            let found = detected.map { "is a \($0.displayName) file" } ?? "is none of them"
            throw Problem(
                .unsupportedMediaType, slug: "unsupported-file-type", title: "This type of file is not accepted",
                detail: "\(what) must be a \(accepted) file. The type is read from the file's content, not its name, and this file \(found).",
                errors: ["file": ["must be a \(accepted) file"]])
        }
        return detected
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

    static func readUpload<Generated: Sendable>(
        _ parts: MultipartBody<Generated>, fileLimit: Int, what: String, requiredTexts: [String] = [],
        classify: (Generated) -> Part
    ) async throws -> Upload {
        var file: UploadedFile?
        var texts: [String: String] = [:]
        do {
            for try await part in parts {
                switch classify(part) {
                case .file(let body, let fileName):
                    file = try await UploadedFile.read(body, fileName: fileName, limit: fileLimit, what: what)
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
